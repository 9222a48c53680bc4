"""Template filters and globals shared by every page."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from datetime import date
from typing import Any

import jinja2
from flask import Flask, current_app, render_template, request
from flask_login import current_user
from jinja2.environment import TemplateModule
from jinja2.filters import do_indent
from jinja2.runtime import new_context
from markupsafe import Markup, escape

from portal.core import time, waiting, words
from portal.core.permissions import current_user_can
from portal.core.urls import UrlPattern

# GOV.UK Frontend macros the portal renders in Python instead (see each function's docstring).
# The loader serves these one-line templates in place of the package's own, so every template
# that imports the macro, the package's components included, gets the function.
GOVUK_MACROS_IN_PYTHON = {
    "govuk_frontend_jinja/macros/attributes.html": "{% set govukAttributes = govuk_attributes %}",
    "govuk_frontend_jinja/components/tag/macro.html": "{% set govukTag = govuk_tag %}",
    "govuk_frontend_jinja/components/label/macro.html": "{% set govukLabel = govuk_label %}",
    "govuk_frontend_jinja/components/hint/macro.html": "{% set govukHint = govuk_hint %}",
    # The package's macro with its per-item macro replaced by govuk_radio_item below.
    "govuk_frontend_jinja/components/radios/macro.html": (
        '{% import "_govuk_radios.html" as radios %}{% set govukRadios = radios.govukRadios %}'
    ),
    # The package's macro with its loop over the options replaced by govuk_select_options.
    "govuk_frontend_jinja/components/select/macro.html": (
        '{% import "_govuk_select.html" as select %}{% set govukSelect = select.govukSelect %}'
    ),
    "govuk_frontend_jinja/components/task-list/macro.html": (
        "{% set govukTaskList = govuk_task_list %}"
    ),
}
_ABSENT = jinja2.Undefined()

# The macros every page may call without importing them, by the template that defines each. They
# are globals, taken once per app from each template's module: imported in base.html instead,
# as they were, each page paid for eleven imports (a template look-up and a check of the page's
# globals each) on every render, about a fifth of rendering base.html around an empty page. The
# macro is the same object either way (Template below reuses the module an import would get).
MACROS_FOR_EVERY_PAGE = {
    "table_region": "_tables.html",
    "govukBackLink": "govuk_frontend_jinja/components/back-link/macro.html",
    "govukButton": "govuk_frontend_jinja/components/button/macro.html",
    "govukErrorSummary": "govuk_frontend_jinja/components/error-summary/macro.html",
    "govukNotificationBanner": "govuk_frontend_jinja/components/notification-banner/macro.html",
    "govukSummaryList": "govuk_frontend_jinja/components/summary-list/macro.html",
    "govukTag": "govuk_frontend_jinja/components/tag/macro.html",
    "govukPanel": "govuk_frontend_jinja/components/panel/macro.html",
    "govukInsetText": "govuk_frontend_jinja/components/inset-text/macro.html",
    "govukWarningText": "govuk_frontend_jinja/components/warning-text/macro.html",
    "govukDetails": "govuk_frontend_jinja/components/details/macro.html",
}


class Template(jinja2.Template):
    """Jinja's Template, with cheaper contexts (new_context) and a cheaper check when one
    template imports another.

    Every `{% from "...macro.html" import govukButton %}` (base.html has a dozen, and most
    GOV.UK macros import govukAttributes each time they are called) asks whether the
    importing page has globals the macro template lacks; if not, the macro template's cached
    module is reused. Jinja works that out by testing each of the page's globals against a
    ChainMap one at a time in Python, which cost more than the rest of a simple page's
    render. Here the same question is answered with one C-level set difference: the answer,
    and so what is rendered, is exactly Jinja's.
    """

    def new_context(
        self,
        vars: dict[str, Any] | None = None,
        shared: bool = False,
        locals: Mapping[str, Any] | None = None,
    ) -> jinja2.runtime.Context:
        """Jinja's new_context, given the environment's globals themselves when the template
        has none of its own (every template here: Flask passes none).

        A template's globals are a ChainMap of its own (empty) over the environment's seventy
        or so, and each render (and each include) copies them into the new context and makes a
        set of their names, which through a ChainMap's Python methods cost about 45 µs a page;
        from the plain dict underneath, about 4. The names and values are the same, so the
        context is too."""
        names = self.globals
        if isinstance(names, ChainMap) and len(names.maps) == 2 and not names.maps[0]:
            names = names.maps[1]
        return new_context(self.environment, self.name, self.blocks, vars, shared, names, locals)

    def _get_default_module(self, ctx: jinja2.runtime.Context | None = None) -> TemplateModule:
        if ctx is not None:
            maps = getattr(self.globals, "maps", (self.globals,))
            if not ctx.globals_keys.difference(*maps):
                ctx = None  # nothing new to pass: Jinja would reuse the cached module
        return super()._get_default_module(ctx)


def govuk_attributes(attributes: object = None) -> Markup:
    """GOV.UK Frontend's govukAttributes macro in Python, rendering exactly what the macro does.

    Every component calls the macro several times (an input five times, most with nothing to
    render), and as a Jinja macro each call cost more than the rest of a simple component:
    about a quarter of a question page's render time. The rules, from the macro's own notes:
    a string is passed through; a mapping's entries render as ` name="value"`, a boolean
    value as "true" or "false"; an entry given as {"value": ..., "optional": true} is left
    out when its value is empty (None, undefined or false) and renders as ` name` alone when
    its value is true; an entry given as {"val": ...} (a `safe`-filtered value) stands for
    that value. tests/core/test_templating.py checks it against the macro itself.
    """
    html = attributes if isinstance(attributes, str) else ""
    if isinstance(attributes, Mapping) and attributes:
        for name, value in attributes.items():
            if isinstance(value, Mapping) and not isinstance(
                value.get("val", _ABSENT), jinja2.Undefined
            ):
                value = value["val"]
            if isinstance(value, Mapping):
                optional = value.get("optional", _ABSENT)
                value = value.get("value", _ABSENT)
            else:
                optional = False
                if isinstance(value, bool):
                    value = "true" if value else "false"
            if optional is True and value is True:
                html = f"{html} {escape(name)}"
            elif optional is not True or not (
                value is None or value is False or isinstance(value, jinja2.Undefined)
            ):
                html = f'{html} {escape(name)}="{escape(value)}"'
    return Markup(html)  # noqa: S704 - every name and value above went through escape()


def govuk_tag(params: Mapping[str, Any]) -> Markup:
    """GOV.UK Frontend's govukTag macro in Python, rendering exactly what the macro does: lists
    show a tag or two on every row (a queue page of 25 applications called it 75 times)."""
    classes = params.get("classes")
    html = params.get("html")
    # `html` is markup by the macro's contract (it applies `safe`); `text` is escaped.
    safe_html = Markup(html) if html else None  # noqa: S704
    content = indent(safe_html.strip(), 2) if safe_html else escape(params.get("text", _ABSENT))
    attributes = govuk_attributes(params.get("attributes", _ABSENT))
    css = f"govuk-tag {escape(classes)}" if classes else "govuk-tag"
    # Every part is escaped above, or is markup the caller passed as `html`, as in the macro.
    return Markup(f'\n<strong class="{css}"{attributes}>\n  {content}\n</strong>\n')  # noqa: S704


def _field(params: Any, name: str) -> Any:
    """`params.name` as a template reads it from a component's parameters: undefined when the
    mapping has no such entry (or the parameter itself is undefined)."""
    return params.get(name, _ABSENT) if isinstance(params, Mapping) else _ABSENT


def _html_or_text(params: Any, width: int) -> Markup:
    """The macro's `params.html | safe | trim | indent(width) if params.html else params.text`."""
    html = _field(params, "html")
    if html:
        return Markup(indent(Markup(html).strip(), width))  # noqa: S704 - markup by contract
    return escape(_field(params, "text"))


def govuk_label(params: Mapping[str, Any]) -> Markup:
    """GOV.UK Frontend's govukLabel macro in Python, rendering exactly what the macro does:
    every input, textarea, radio and checkbox has one (a question page called it eight times),
    and each macro call cost more than what it writes. Checked against the macro in
    tests/core/test_templating.py."""
    if not (_field(params, "html") or _field(params, "text")):
        return Markup("\n\n")
    target = _field(params, "for")
    label_for = f' for="{escape(target)}"' if target else ""
    label = (
        f'<label class="govuk-label{_more_classes(_field(params, "classes"))}"'
        f"{govuk_attributes(_field(params, 'attributes'))}{label_for}>\n"
        f"  {_html_or_text(params, 2)}\n</label>"
    )
    if _field(params, "isPageHeading"):
        label = f'<h1 class="govuk-label-wrapper">\n  {indent(label, 2)}\n</h1>'
    # Every value is escaped, or is markup the caller passed as `html`, as in the macro.
    return Markup(f"\n\n\n{label}\n\n\n")  # noqa: S704


def govuk_hint(params: Mapping[str, Any]) -> Markup:
    """GOV.UK Frontend's govukHint macro in Python, rendering exactly what the macro does (most
    form fields and many radio and checkbox items have one). Checked against the macro in
    tests/core/test_templating.py."""
    hint_id = _field(params, "id")
    id_attribute = f' id="{escape(hint_id)}"' if hint_id else ""
    # Every value is escaped, or is markup the caller passed as `html`, as in the macro.
    return Markup(  # noqa: S704
        f"\n<div{id_attribute}"
        f' class="govuk-hint{_more_classes(_field(params, "classes"))}"'
        f"{govuk_attributes(_field(params, 'attributes'))}>\n"
        f"  {_html_or_text(params, 2)}\n</div>\n"
    )


def govuk_radio_item(
    params: Mapping[str, Any], item: Mapping[str, Any], index: int, id_prefix: Any
) -> Markup:
    """One radio of govukRadios (templates/_govuk_radios.html), written exactly as GOV.UK
    Frontend's `_radioItem` macro writes it: every radio on every form is one, and a macro call
    per radio (with a label and a hint macro inside) cost more than what it writes. Checked
    against the package's govukRadios in tests/core/test_templating.py."""
    item_id = _field(item, "id") or f"{id_prefix}{f'-{index}' if index > 1 else ''}"
    divider = _field(item, "divider")
    if divider:
        return Markup(  # noqa: S704 - escaped
            f'\n  \n    <div class="govuk-radios__divider">{escape(divider)}</div>\n  '
        )
    checked = _field(item, "checked")
    if not checked:
        value = _field(params, "value")
        checked = (_field(item, "value") == value and checked is not False) if value else False
    hint = _field(item, "hint")
    has_hint = hint and (_field(hint, "text") or _field(hint, "html"))
    conditional = _field(item, "conditional")
    conditional_html = conditional and _field(conditional, "html")
    hint_id = f"{item_id}-item-hint"
    label = _field(item, "label")
    label_classes = _field(label, "classes") if label else None
    flags = (" checked" if checked else "") + (" disabled" if _field(item, "disabled") else "")
    if conditional_html:
        flags += f' data-aria-controls="conditional-{escape(item_id)}"'
    if has_hint:
        flags += f' aria-describedby="{escape(hint_id)}"'
    html = (
        '\n  \n    \n    \n    \n    <div class="govuk-radios__item">\n'
        f'      <input class="govuk-radios__input" id="{escape(item_id)}"'
        f' name="{escape(_field(params, "name"))}" type="radio"'
        f' value="{escape(_field(item, "value"))}"{flags}'
        f"{govuk_attributes(_field(item, 'attributes'))}>\n      "
    )
    shown_label = govuk_label(
        {
            "html": _field(item, "html"),
            "text": _field(item, "text"),
            "classes": "govuk-radios__label" + (f" {label_classes}" if label_classes else ""),
            "attributes": _field(label, "attributes") if label else _ABSENT,
            "for": item_id,
        }
    )
    html += f"{indent(shown_label.strip(), 6)}\n      "
    if has_hint:
        hint_classes = _field(hint, "classes")
        shown_hint = govuk_hint(
            {
                "id": hint_id,
                "classes": "govuk-radios__hint" + (f" {hint_classes}" if hint_classes else ""),
                "attributes": _field(hint, "attributes"),
                "html": _field(hint, "html"),
                "text": _field(hint, "text"),
            }
        )
        html += f"\n      {indent(shown_hint.strip(), 6)}\n      "
    html += "\n    </div>\n    "
    if conditional_html:
        hidden = "" if checked else " govuk-radios__conditional--hidden"
        html += (
            f'\n    <div class="govuk-radios__conditional{hidden}"'
            f' id="conditional-{escape(item_id)}">\n'
            f"      {str(conditional_html).strip()}\n    </div>\n    "  # markup, as `safe` makes it
        )
    # Every value is escaped, or is markup the caller passed as `html`, as in the macro.
    return Markup(html + "\n  ")  # noqa: S704


def govuk_select_options(params: Mapping[str, Any]) -> Markup:
    """The options of govukSelect (templates/_govuk_select.html), written exactly as GOV.UK
    Frontend's select macro writes them: the lists' filters and the review page's choice of
    reviewer are selects of 20 to 70 options, and the macro's loop cost about 19 µs an option
    (1.3 ms for the reviewers' queue's 69). Checked against the package's govukSelect in
    tests/core/test_templating.py."""
    items = params.get("items", _ABSENT) if isinstance(params, Mapping) else _ABSENT
    if isinstance(items, jinja2.Undefined) or not items:
        return Markup("")
    chosen = _field(params, "value")
    parts = ["\n      "]
    for item in items:
        parts.append("\n        ")
        if item:
            parts.append(_select_option(item, chosen))
        parts.append("\n      ")
    parts.append("\n    ")
    # Every value is escaped in _select_option, as in the macro.
    return Markup("".join(parts))  # noqa: S704


def _select_option(item: Mapping[str, Any], chosen: Any) -> str:
    value = _field(item, "value")
    text = _field(item, "text")
    html = "\n        <option"
    if not isinstance(value, jinja2.Undefined):
        shown = ("true" if value else "false") if isinstance(value, bool) else value
        html += f' value="{escape(shown)}"'
    selected = _field(item, "selected")
    if not selected:  # the macro's `item.selected | default(..., true)`
        effective = text if isinstance(value, jinja2.Undefined) else value
        selected = (effective == chosen and selected is not False) if chosen else False
    if selected:
        html += " selected"
    if _field(item, "disabled"):
        html += " disabled"
    return f"{html}{govuk_attributes(_field(item, 'attributes'))}>{escape(text)}</option>\n        "


def govuk_task_list(params: Mapping[str, Any]) -> Markup:
    """GOV.UK Frontend's govukTaskList macro in Python, rendering exactly what the macro does:
    the application's task list calls it with a row per section, and as a Jinja macro (a nested
    macro per row, each calling govukTag) it was about a fifth of that page's CPU.
    tests/core/test_templating.py checks it against the macro itself."""
    id_prefix = params.get("idPrefix") or "task-list"
    parts = [
        f'\n\n\n\n<ul class="govuk-task-list{_more_classes(params.get("classes"))}"'
        f"{govuk_attributes(params.get('attributes', _ABSENT))}>\n  "
    ]
    for index, item in enumerate(params["items"], start=1):
        if item:
            parts.append(_task_list_item(item, f"{id_prefix}-{index}"))
        parts.append("\n  ")
    parts.append("\n</ul>\n")
    # Every value above is escaped, or is markup the caller passed as `html`, as in the macro.
    return Markup("".join(parts))  # noqa: S704


# Each urgency's tag in the list of work waiting, escaped once, not again for every item.
_WAITING_TAGS = {
    urgency: f'<strong class="govuk-tag {escape(tag_class)}">{escape(tag_text)}</strong>'
    for urgency, (tag_text, tag_class) in waiting.URGENCY_TAGS.items()
}


def waiting_items(items: list[waiting.Waiting]) -> Markup:
    """The items of the home page's list of work waiting (templates/pages/_waiting.html), as
    the Jinja loop they replace rendered them, character for character: a provider invited to
    a hundred competitions has a hundred items, and the loop's work for each (attribute lookups,
    escaping each value, the loop's counter, a url_for) grew with them. Each value is escaped as
    the loop's autoescape did, but as text (not made Markup piece by piece), and a hint many
    items share (the invitations closing at one moment) once.
    tests/pages/test_home.py checks it against the loop itself."""
    parts = []
    hints: dict[tuple[type, str], str] = {}
    for index, (item, href) in enumerate(zip(items, waiting.addresses(items), strict=True), 1):
        link = _escaped(item.link)
        if item.endpoint:
            named = (
                f'\n            <a class="govuk-link govuk-task-list__link" href="{_escaped(href)}"'
                f' aria-describedby="waiting-{index}-hint waiting-{index}-status">{link}</a>'
                "\n          "
            )
            with_link = " govuk-task-list__item--with-link"
        else:
            named = f"\n            <span>{link}</span>\n          "
            with_link = ""
        if item.hint:
            # Keyed by the text's type too: markup equals the plain text of its characters.
            key = (type(item.hint), item.hint)
            hint = hints.get(key)
            if hint is None:
                hint = hints[key] = _escaped(item.hint)
            hint = f'<div class="govuk-task-list__hint" id="waiting-{index}-hint">{hint}</div>'
        else:
            hint = ""
        parts.append(
            f'\n      \n      <li class="govuk-task-list__item{with_link}">\n'
            f'        <div class="govuk-task-list__name-and-hint">\n          {named}\n'
            f"          {hint}\n        </div>\n"
            f'        <div class="govuk-task-list__status" id="waiting-{index}-status">'
            f"{_WAITING_TAGS[item.urgency]}</div>\n"
            "      </li>\n    "
        )
    # Every value above is escaped, as the template's autoescape did.
    return Markup("".join(parts))  # noqa: S704


def _escaped(value: Any) -> str:
    """markupsafe.escape(value) as text: markup as it is, anything else escaped as markupsafe
    does (the same five characters, the same entities), without making Markup of it."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return (
        str(value)
        .replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def _more_classes(classes: Any) -> str:
    """The macros' `{%- if classes %} {{ classes }}{% endif %}`."""
    return f" {escape(classes)}" if classes else ""


def _task_list_item(item: Mapping[str, Any], item_id: str) -> str:
    hint_id, status_id = escape(f"{item_id}-hint"), escape(f"{item_id}-status")
    href, hint, title, status = (_field(item, name) for name in ("href", "hint", "title", "status"))
    title_classes = _field(title, "classes")
    link = " govuk-task-list__item--with-link" if href else ""
    html = (
        f'\n  <li class="govuk-task-list__item{link}{_more_classes(_field(item, "classes"))}">\n'
        '    <div class="govuk-task-list__name-and-hint">\n    '
    )
    if href:
        described_by = escape(f"{hint_id} ") if hint else ""
        html += (
            f'\n      <a class="govuk-link govuk-task-list__link{_more_classes(title_classes)}"'
            f' href="{escape(href)}" aria-describedby="{described_by}{status_id}">\n'
            f"        {_html_or_text(title, 8)}\n      </a>\n    "
        )
    else:
        css = f' class="{escape(title_classes)}"' if title_classes else ""
        html += f"\n      <div{css}>\n        {_html_or_text(title, 8)}\n      </div>\n    "
    html += "\n    "
    if hint:
        html += (
            f'\n      <div id="{hint_id}" class="govuk-task-list__hint">\n'
            f"        {_html_or_text(hint, 8)}\n      </div>\n    "
        )
    tag = _field(status, "tag")
    shown = indent(govuk_tag(tag).strip(), 6) if tag else _html_or_text(status, 6)
    return html + (
        '\n    </div>\n    <div class="govuk-task-list__status'
        f'{_more_classes(_field(status, "classes"))}" id="{status_id}">\n    '
        f"\n      {shown}\n    \n    </div>\n  </li>"
    )


def indent(s: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """Jinja's `indent` filter, giving exactly its result, but working on the plain text of
    markup and marking the result safe once at the end.

    Jinja's own splits markup into lines and joins them back as markup, escaping every line
    again; GOV.UK's components indent what they nest at every level, so a set of radios spent
    most of its render time there.
    """
    if not isinstance(s, str):
        return do_indent(s, width, first, blank)  # whatever Jinja does with it
    indention = width if isinstance(width, str) else " " * width
    text = str.__str__(s) + "\n"  # the markup's own text; Jinja's quirk for splitlines
    if blank:
        result = ("\n" + indention).join(text.splitlines())
    else:
        lines = text.splitlines()
        result = lines.pop(0)
        if lines:
            result += "\n" + "\n".join(indention + line if line else line for line in lines)
    if first:
        result = indention + result
    # Safe markup stays safe: only whitespace was added to what was already markup.
    return Markup(result) if isinstance(s, Markup) else result  # noqa: S704


def multiline(text: object, paragraph: bool = False) -> Markup:
    """Text a person typed, over several lines, as markup that keeps its line breaks: a
    `<span class="app-multiline">`, or with `paragraph` a GOV.UK body paragraph.

    The one way to put typed text inside a component's `html` parameter. Built in a template
    with `~`, the same thing goes wrong quietly: as soon as one piece is markup (`| e`), Jinja
    escapes the literal tags around it, and people read "<span class=...>" on the page.
    """
    tag, classes = ("p", "govuk-body app-multiline") if paragraph else ("span", "app-multiline")
    # The text is escaped here; the tag and classes are ours.
    return Markup(f'<{tag} class="{classes}">{escape("" if text is None else text)}</{tag}>')  # noqa: S704


def format_iso_date(value: str | None) -> str:
    """A date kept as ISO text in a frozen snapshot ("2027-03-03"), as people read it."""
    return time.format_date(date.fromisoformat(value)) if value else ""


_RENDERED_ONCE = "portal.rendered_once"


def rendered_once(template_name: str, *key: object) -> Markup:
    """`template_name` rendered once per app (and script root, and `key`), then reused.

    For the parts of every page that depend on nothing a request can change: the links in them
    come from the url map and the words from the settings the app started with, both fixed while
    it runs. The header, skip link and footer (templates/base.html) cost a page a macro call or
    a url_for each, every request, for the same HTML; the menu's links (navigation_links) are
    the same for everyone with a role. Only the script root, where the app is mounted, can
    differ between requests, so it is part of the key."""
    rendered: dict[tuple[object, ...], Markup] = current_app.extensions.setdefault(
        _RENDERED_ONCE, {}
    )
    cache_key = (template_name, request.script_root, *key)
    html = rendered.get(cache_key)
    if html is None:
        # A template's output, autoescaped as every template's is.
        html = rendered[cache_key] = Markup(render_template(template_name))  # noqa: S704
    return html


def navigation_links() -> Markup:
    """The signed-in menu's links (templates/_navigation_links.html) for the current user's role.

    They depend on the role alone (the links come from CAPABILITIES and the url map, both fixed
    while the app runs), so each role's are rendered once: building them per request, with a
    url_for and a `can()` for each, was about a third of what being signed in cost a page. A
    role changed is seen on the next request, as the role is read from the user loaded for that
    request."""
    return rendered_once("_navigation_links.html", current_user.role)


def init_app(app: Flask) -> None:
    app.jinja_env.template_class = Template
    app.jinja_env.filters["date"] = time.format_date
    app.jinja_env.filters["datetime"] = time.format_datetime
    app.jinja_env.filters["iso_date"] = format_iso_date
    app.jinja_env.filters["indent"] = indent
    app.jinja_env.filters["possessive"] = words.possessive
    app.jinja_env.filters["and_list"] = words.and_list
    app.jinja_env.filters["in_sentence"] = words.in_sentence
    app.jinja_env.filters["multiline"] = multiline
    app.jinja_env.globals["govuk_attributes"] = govuk_attributes
    app.jinja_env.globals["govuk_tag"] = govuk_tag
    app.jinja_env.globals["govuk_task_list"] = govuk_task_list
    app.jinja_env.globals["govuk_label"] = govuk_label
    app.jinja_env.globals["govuk_hint"] = govuk_hint
    app.jinja_env.globals["govuk_radio_item"] = govuk_radio_item
    app.jinja_env.globals["govuk_select_options"] = govuk_select_options
    app.jinja_env.globals["url_pattern"] = UrlPattern
    app.jinja_env.globals["can"] = current_user_can
    app.jinja_env.globals["navigation_links"] = navigation_links
    app.jinja_env.globals["rendered_once"] = rendered_once
    app.jinja_env.globals["waiting_items"] = waiting_items
    app.jinja_env.globals.update(
        {
            name: getattr(app.jinja_env.get_template(template).module, name)
            for name, template in MACROS_FOR_EVERY_PAGE.items()
        }
    )
    app.jinja_env.globals.update(
        council_name=app.config["COUNCIL_NAME"],
        council_area=app.config["COUNCIL_AREA"],
        service_name=app.config["SERVICE_NAME"],
        support_email=app.config["SUPPORT_EMAIL"],
        demo_mode=app.config["DEMO_MODE"],
    )
