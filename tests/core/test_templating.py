"""The portal renders GOV.UK Frontend's components faster (portal/core/templating.py: the
govukAttributes macro in Python, a cheaper `indent` filter), and must render what GOV.UK
Frontend's own templates render. Each case here is rendered twice, by the portal's templates and
by the package's templates with plain Jinja, and the two must make the same HTML: the same
elements, attributes in the same order with the same values, and the same text to the character.
The one difference allowed is the whitespace the macro left between a tag's attributes
(`<button class="govuk-button"\n    \n  formnovalidate>`), which HTML ignores."""

from __future__ import annotations

import jinja2
import pytest
from bs4 import BeautifulSoup
from flask import render_template_string
from markupsafe import Markup

from portal.core.templating import MACROS_FOR_EVERY_PAGE, govuk_attributes, indent

ATTRIBUTES = [
    None,
    "",
    ' data-module="x"',
    Markup(' data-a="1"'),
    {},
    {"data-a": "b"},
    {"data-a": True, "data-b": False},
    {"data-a": None, "data-b": 0, "data-c": 1.5},
    {"data-a": "<script>&\"'"},
    {"<odd name>": "v"},
    {"hidden": {"value": True, "optional": True}},
    {"hidden": {"value": False, "optional": True}},
    {"hidden": {"value": None, "optional": True}},
    {"hidden": {"value": "", "optional": True}},
    {"hidden": {"value": 0, "optional": True}},
    {"hidden": {"value": "until-found", "optional": True}},
    {"hidden": {"value": True, "optional": False}},
    {"hidden": {"value": True}},
    {"hidden": {"value": None}},
    {"hidden": {"optional": True}},
    {"hidden": {"optional": False}},
    {"hidden": {}},
    {"data-a": {"val": "safe"}},
    {"data-a": {"val": None}},
    {"data-a": {"val": {"value": "inner", "optional": True}}},
    {"data-a": jinja2.Undefined()},
    {"data-a": {"value": jinja2.Undefined(), "optional": True}},
    {"data-a": {"value": jinja2.Undefined()}},
    {"data-a": {"val": jinja2.Undefined(), "value": "v"}},
    {"a": "1", "b": {"value": "2", "optional": True}, "c": {"value": None, "optional": True}},
]

# Calls a page makes, with the parts that take different paths through the components.
COMPONENTS = {
    "input": 'govukInput({"label": {"text": "Name", "isPageHeading": true}, "id": "n",'
    ' "name": "n", "value": "<b>x</b>", "hint": {"text": "As on your certificate"},'
    ' "errorMessage": {"text": "Enter a name"}, "prefix": {"text": "£"},'
    ' "suffix": {"text": "per hour"}, "autocomplete": "name", "spellcheck": false,'
    ' "attributes": {"data-a": "1"}})',
    "radios": 'govukRadios({"name": "r", "idPrefix": "r",'
    ' "fieldset": {"legend": {"text": "Pick", "classes": "govuk-fieldset__legend--m"}},'
    ' "hint": {"text": "One only"}, "errorMessage": {"text": "Choose one"}, "items": ['
    '{"value": "a", "text": "A", "hint": {"text": "First"}},'
    ' {"value": "b", "html": "<strong>B</strong>", "checked": true,'
    ' "conditional": {"html": "<p class=\\"govuk-body\\">More\\n  lines\\n\\nhere</p>"}},'
    ' {"divider": "or"}, {"value": "c", "text": "C", "disabled": true}]})',
    "checkboxes": 'govukCheckboxes({"name": "c", "fieldset": {"legend": {"text": "Lots"}},'
    ' "items": [{"value": "1", "text": "One", "checked": true},'
    ' {"value": "2", "text": "Two", "behaviour": "exclusive"}], "values": ["1"]})',
    "textarea": 'govukTextarea({"name": "t", "id": "t", "label": {"text": "Tell us"},'
    ' "value": "line one\\nline two", "rows": 3})',
    "character-count": 'govukCharacterCount({"name": "cc", "id": "cc", "maxwords": 150,'
    ' "label": {"text": "Answer"}, "value": "some words"})',
    "date-input": 'govukDateInput({"id": "d", "namePrefix": "d",'
    ' "fieldset": {"legend": {"text": "Start date"}}, "errorMessage": {"text": "Enter a date"},'
    ' "items": [{"name": "day", "value": "5", "classes": "govuk-input--width-2'
    ' govuk-input--error"}, {"name": "month", "value": "3"}, {"name": "year", "value": ""}]})',
    "select": 'govukSelect({"id": "s", "name": "s", "label": {"text": "Lot"},'
    ' "items": [{"value": "", "text": "Any"}, {"value": "m", "text": "Mentoring",'
    ' "selected": true}]})',
    "file-upload": 'govukFileUpload({"id": "f", "name": "f", "label": {"text": "File"}})',
    "summary-list": 'govukSummaryList({"card": {"title": {"text": "About you"}}, "rows": ['
    '{"key": {"text": "Name"}, "value": {"html": "Ann<br>Smith"},'
    ' "actions": {"items": [{"href": "/x", "text": "Change", "visuallyHiddenText": "name"}]}},'
    ' {"key": {"text": "Phone"}, "value": {"text": ""}}]})',
    "table": 'govukTable({"caption": "Returns", "firstCellIsHeader": true,'
    ' "head": [{"text": "Month"}, {"text": "Value", "format": "numeric"}],'
    ' "rows": [[{"text": "March"}, {"text": "12", "format": "numeric"}]]})',
    "task-list": 'govukTaskList({"idPrefix": "t", "items": [{"title": {"text": "About"},'
    ' "href": "/a", "status": {"tag": {"text": "Incomplete", "classes": "govuk-tag--blue"}}},'
    ' {"title": {"text": "Done"}, "hint": {"text": "All of it"}, "status": {"text": "Done"}}]})',
    "error-summary": 'govukErrorSummary({"titleText": "There is a problem",'
    ' "errorList": [{"text": "Enter a name", "href": "#n"}, {"html": "<b>Pick</b>"}]})',
    "notification-banner": 'govukNotificationBanner({"type": "success",'
    ' "html": "<p class=\\"govuk-notification-banner__heading\\">Saved</p>"})',
    "button": 'govukButton({"text": "Save and continue", "preventDoubleClick": true,'
    ' "attributes": {"formnovalidate": {"value": true, "optional": true}}})'
    ' ~ govukButton({"text": "Start", "href": "/start", "isStartButton": true})',
    "header": 'govukHeader({"homepageUrl": "/", "classes": "x"})',
    "service-navigation": 'govukServiceNavigation({"serviceName": "Portal", "serviceUrl": "/",'
    ' "navigation": [{"href": "/a", "text": "Home", "active": true}, {"href": "/b",'
    ' "text": "Documents"}]})',
    "footer": 'govukFooter({"meta": {"items": [{"href": "/privacy", "text": "Privacy"}],'
    ' "html": "Built by <a href=\\"/\\">us</a>"}})',
    "pagination": 'govukPagination({"previous": {"href": "?page=1"}, "next": {"href": "?page=3"},'
    ' "items": [{"number": 1, "href": "?page=1"}, {"number": 2, "href": "?page=2",'
    ' "current": true}, {"ellipsis": true}, {"number": 9, "href": "?page=9"}]})',
    "details": 'govukDetails({"summaryText": "Help", "html": "<p>a</p>\\n<p>b</p>"})',
    "tag": 'govukTag({"text": "Approved", "classes": "govuk-tag--green"})',
    "warning-text": 'govukWarningText({"text": "Expired", "iconFallbackText": "Warning"})',
    "panel": 'govukPanel({"titleText": "Submitted", "html": "Reference <strong>A1</strong>"})',
    "back-link": 'govukBackLink({"href": "/"})',
    "breadcrumbs": 'govukBreadcrumbs({"items": [{"text": "Home", "href": "/"}, {"text": "Here"}]})',
    "skip-link": 'govukSkipLink({"href": "#main", "text": "Skip to main content"})',
}


def _imports() -> str:
    imports = []
    for component in COMPONENTS:
        name = "govuk" + "".join(part.title() for part in component.split("-"))
        name = name.replace("Govuk", "govuk")
        imports.append(
            f'{{% from "govuk_frontend_jinja/components/{component}/macro.html" import {name} %}}'
        )
    return "".join(imports)


def same_html(html: str) -> str:
    """The HTML as a parser reads it, written out again: whitespace between attributes goes,
    everything else (elements, attributes and their order and values, text) stays."""
    return str(BeautifulSoup(html, "html.parser"))


def assert_renders_as_govuk(app, govuk_own, component: str, params) -> None:
    """`params` through a component's macro renders in our app as in the package's own
    templates: to the character, except for the macro's whitespace between attributes (as
    above), where the same HTML."""
    name = "govuk" + "".join(part.title() for part in component.split("-"))
    source = (
        f'{{% from "govuk_frontend_jinja/components/{component}/macro.html" import {name} %}}'
        f"[{{{{ {name}(params) }}}}]"
    )
    with app.test_request_context():
        ours = app.jinja_env.from_string(source).render(params=params)
    theirs = govuk_own.from_string(source).render(params=params)
    assert same_html(ours) == same_html(theirs)
    if "attributes" not in str(params):
        assert ours == theirs


@pytest.fixture(scope="module")
def govuk_own():
    """Plain Jinja with GOV.UK Frontend's templates as the package ships them. One for the module:
    it keeps each macro template it compiles, and compiling them all again took about a second
    a test."""
    return jinja2.Environment(
        loader=jinja2.PrefixLoader(
            {"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja")}
        ),
        autoescape=True,
    )


@pytest.mark.parametrize("attributes", ATTRIBUTES, ids=range(len(ATTRIBUTES)))
def test_govuk_attributes_renders_what_the_macro_renders(govuk_own, attributes):
    macro = govuk_own.from_string(
        '{% from "govuk_frontend_jinja/macros/attributes.html" import govukAttributes %}'
        "<p{{ govukAttributes(attributes) }}>"
    )
    ours = f"<p{govuk_attributes(attributes)}>"
    theirs = macro.render(attributes=attributes)
    assert same_html(ours) == same_html(theirs)
    if not isinstance(attributes, dict):
        assert ours == theirs  # a string passes through as it is


@pytest.mark.parametrize("component", COMPONENTS)
def test_components_render_exactly_as_govuk_frontend_renders_them(app, govuk_own, component):
    source = _imports() + "{{ " + COMPONENTS[component] + " }}"
    with app.test_request_context():
        ours = app.jinja_env.from_string(source).render()
    theirs = govuk_own.from_string(source).render()
    assert "govuk-" in theirs
    assert same_html(ours) == same_html(theirs)


@pytest.mark.parametrize("name", MACROS_FOR_EVERY_PAGE)
def test_the_macros_every_page_may_call_are_the_ones_their_import_gives(app, name):
    """base.html offers these without an import, as globals: a page calling one gets the macro an
    import of it gives, and so the same HTML."""
    template = MACROS_FOR_EVERY_PAGE[name]
    with app.test_request_context():
        imported = render_template_string(
            f'{{% from "{template}" import {name} %}}{{{{ {name} is sameas given }}}}',
            given=app.jinja_env.globals[name],
        )
        page = render_template_string(
            '{% extends "base.html" %}{% block main_content %}'
            '{{ govukButton({"text": "Save"}) }}{% endblock %}'
        )
    assert imported == "True"
    assert '<button type="submit" class="govuk-button" data-module="govuk-button">' in page


TAGS = [
    {"text": "Approved"},
    {"text": "Overdue", "classes": "govuk-tag--red"},
    {"text": "<Draft> & more", "classes": 'a"b'},
    {"html": "<span>Two</span>\n<span>lines</span>  ", "text": "ignored"},
    {"html": Markup("  <b>safe</b>\n\n  x  ")},
    {"text": "With attributes", "attributes": {"data-x": "1", "hidden": True}},
    {"text": None},
    {"classes": "govuk-tag--grey"},
    {},
]


@pytest.mark.parametrize("params", TAGS, ids=range(len(TAGS)))
def test_tags_render_to_the_character_as_govuk_frontend_renders_them(app, govuk_own, params):
    assert_renders_as_govuk(app, govuk_own, "tag", params)


RADIOS = [
    {"name": "r", "items": [{"value": "a", "text": "A"}, {"value": "b", "text": "B"}]},
    {
        "name": "r",
        "value": "b",
        "items": [{"value": "a", "text": "A"}, {"value": "b", "text": "B"}],
    },
    {
        "name": "legal_form",
        "idPrefix": "lf",
        "value": "company",
        "fieldset": {"legend": {"text": "Legal form", "isPageHeading": True}},
        "hint": {"text": "How it is registered"},
        "errorMessage": {"text": "Choose one"},
        "items": [
            {"value": "company", "text": "A <company>", "hint": {"text": "Limited"}},
            {"value": "charity", "html": "<b>Charity</b>\n  more", "checked": False},
            None,
            {"divider": "or <else>"},
            {
                "value": "other",
                "text": "Other",
                "id": "own-id",
                "disabled": True,
                "conditional": {"html": '  <p class="govuk-body">More\n  lines</p>\n'},
            },
            {
                "value": "sole",
                "text": "Sole",
                "checked": True,
                "label": {"classes": "x"},
                "hint": {"html": "<i>hint</i>", "classes": "h"},
                "conditional": {"html": "<p>shown</p>"},
            },
            {"value": "", "text": "Empty hint", "hint": {"text": ""}},
            {"value": 3, "text": None, "attributes": {"data-a": "1"}},
        ],
    },
    {
        "name": "yes",
        "classes": "govuk-radios--inline",
        "items": [
            {"value": "yes", "text": "Yes", "label": {"attributes": {"data-l": "1"}}},
            {
                "value": "no",
                "text": "No",
                "hint": {"text": "Not yet", "attributes": {"data-h": "2"}},
            },
        ],
    },
]


@pytest.mark.parametrize("params", RADIOS, ids=range(len(RADIOS)))
def test_radios_render_as_govuk_frontend_renders_them(app, govuk_own, params):
    assert_renders_as_govuk(app, govuk_own, "radios", params)


SELECTS = [
    {"id": "s", "name": "s", "label": {"text": "Lot"}, "items": []},
    {"id": "s", "name": "s", "label": {"text": "Lot"}},
    {
        "name": "assignee",
        "label": {"text": "Or assign it to"},
        "value": "7",
        "hint": {"text": "A reviewer"},
        "errorMessage": {"text": "Choose a reviewer"},
        "attributes": {"data-a": "1"},
        "items": [
            {"value": "", "text": "Choose a reviewer"},
            {"value": "7", "text": "Ann <Smith> & co"},
            None,
            {},
            {"value": "8", "text": "Bo", "selected": True, "disabled": True},
            {"value": "7", "text": "Seven again, told not to be chosen", "selected": False},
            {"text": "7"},  # chosen by its text: it has no value
            {"text": "No value"},
            {"value": True, "text": "Yes"},
            {"value": False, "text": "No", "attributes": {"data-b": "2", "hidden": True}},
            {"value": None, "text": None},
            {"value": 7, "text": "A number"},
            {"value": "x"},
        ],
    },
    {
        "id": "t",
        "name": "t",
        "label": {"text": "Team"},
        "value": "",
        "items": [{"value": "", "text": "Any"}, {"value": "a", "text": "A", "selected": None}],
    },
    {
        "id": "u",
        "name": "u",
        "label": {"text": "Team"},
        "value": 7,
        "items": [{"value": 7, "text": "Seven"}, {"value": "7", "text": "Seven as text"}],
    },
]


@pytest.mark.parametrize("params", SELECTS, ids=range(len(SELECTS)))
def test_selects_render_as_govuk_frontend_renders_them(app, govuk_own, params):
    assert_renders_as_govuk(app, govuk_own, "select", params)


LABELS_AND_HINTS = [
    ("label", {"text": "Name", "for": "n"}),
    ("label", {"text": "<Name> & co", "for": 'a"b', "classes": "govuk-radios__label"}),
    ("label", {"html": " <b>Bold</b>\n  two ", "isPageHeading": True, "classes": "govuk-label--l"}),
    ("label", {"html": "<b>x</b>", "text": "ignored", "attributes": {"data-a": "1"}}),
    ("label", {"text": None, "for": "n"}),
    ("label", {"text": ""}),
    ("label", {}),
    ("hint", {"text": "As on your <certificate>", "id": "n-hint"}),
    ("hint", {"html": "<b>x</b>\nz  ", "classes": "govuk-radios__hint"}),
    ("hint", {"text": "With attributes", "attributes": {"data-a": "1"}}),
    ("hint", {}),
]


@pytest.mark.parametrize(
    ("component", "params"), LABELS_AND_HINTS, ids=range(len(LABELS_AND_HINTS))
)
def test_labels_and_hints_render_to_the_character_as_govuk_frontend_renders_them(
    app, govuk_own, component, params
):
    assert_renders_as_govuk(app, govuk_own, component, params)


TASK_LISTS = [
    {"items": []},
    {
        "idPrefix": "sections",
        "items": [
            {
                "title": {"text": "About you"},
                "href": "/a",
                "status": {"tag": {"text": "Not yet started", "classes": "govuk-tag--blue"}},
            }
        ],
    },
    {
        "classes": "x <y>",
        "attributes": {"data-a": "1"},
        "items": [
            None,
            {
                "title": {"text": "<Done> & dusted", "classes": "t"},
                "hint": {"text": "A <hint>"},
                "status": {"text": "Completed", "classes": "s"},
                "classes": "row",
            },
            {
                "title": {"html": "  <b>Bold</b>\n<i>two</i>  "},
                "href": "/b?x=1&y=2",
                "hint": {"html": "<span>hint</span>\nmore"},
                "status": {"html": " <em>Done</em>\n "},
            },
            {
                "title": {"text": "Cannot"},
                "hint": {"text": "Do the others first"},
                "status": {
                    "text": "Cannot start yet",
                    "classes": "govuk-task-list__status--cannot-start-yet",
                },
            },
            {},
            {
                "title": {"text": "Linked, no hint", "classes": "c"},
                "href": "/c",
                "status": {
                    "tag": {"html": "<b>In</b> progress", "classes": "govuk-tag--light-blue"}
                },
            },
        ],
    },
]


@pytest.mark.parametrize("params", TASK_LISTS, ids=range(len(TASK_LISTS)))
def test_task_lists_render_to_the_character_as_govuk_frontend_renders_them(app, govuk_own, params):
    assert_renders_as_govuk(app, govuk_own, "task-list", params)


TEXTS = ["", "one", "one\ntwo", "one\n\ntwo\n", "\n  a\n\tb\r\nc", Markup("<p>a</p>\n<p>&amp;</p>")]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("width", [0, 2, 4, "> ", "<"])
@pytest.mark.parametrize("first", [False, True])
@pytest.mark.parametrize("blank", [False, True])
def test_indent_gives_jinjas_result(text, width, first, blank):
    ours = indent(text, width, first, blank)
    theirs = jinja2.filters.do_indent(text, width, first, blank)
    assert ours == theirs
    assert type(ours) is type(theirs)
