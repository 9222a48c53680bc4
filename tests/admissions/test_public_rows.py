"""The public list's rows are written in Python (portal/admissions/public_rows.py) for
speed, and must be exactly what the template loop they replaced wrote: the loop is kept here,
and providers of every shape (a name and an address to escape, no website, no lots, one and
several contracts, each of the three marks) are rendered both ways and compared to the
character, whitespace included."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from portal.admissions.public_list import PublicProvider
from portal.admissions.public_rows import rows_html
from portal.core.pagination import Page
from tests.support.rows import TYPED, assert_as_the_loop_wrote

# templates/admissions/public_providers.html's table body, as it was.
LOOP = """\
        <tbody class="govuk-table__body">
          {% for provider in results.items %}
            <tr class="govuk-table__row">
              <td class="govuk-table__cell app-break-words">
                <strong>{{ provider.name }}</strong>
                {% if provider.website %}<br><a class="govuk-link" href="{{ provider.website }}" rel="noopener noreferrer">{{ provider.website.split("://", 1)[-1].rstrip("/") }}<span class="govuk-visually-hidden"> (website of {{ provider.name }})</span></a>{% endif %}
              </td>
              <td class="govuk-table__cell">
                <ul class="govuk-list">{% for lot, contracts in provider.lots %}<li>{{ lot }}{% if contracts %} <span class="govuk-hint govuk-!-display-inline">({{ contracts }} current contract{{ "" if contracts == 1 else "s" }})</span>{% endif %}</li>{% endfor %}</ul>
              </td>
              <td class="govuk-table__cell">
                <ul class="govuk-list">
                  {% if provider.is_sme %}<li>SME</li>{% endif %}
                  {% if provider.is_vcse %}<li>VCSE</li>{% endif %}
                  {% if provider.is_local %}<li>Based in {{ council_area }}</li>{% endif %}
                </ul>
              </td>
            </tr>
          {% endfor %}
        </tbody>"""  # noqa: E501 - the loop's lines as they were
OURS = """\
        <tbody class="govuk-table__body">
          {#- Written in Python: portal/admissions/public_rows.py. #}
          {{ provider_rows }}
        </tbody>"""

PROVIDERS = [
    PublicProvider("Acme Care Ltd", [("Alternative education", 0)], True, False, False, None),
    PublicProvider(
        TYPED,
        [("Tutoring & mentoring", 1), ("Therapies <all>", 3)],
        True,
        True,
        True,
        "https://example.org/a?b=1&c='2'/",
    ),
    PublicProvider("Oak Tutoring", [], False, False, True, "http://oak.example/"),
    PublicProvider("No marks", [("Supported internships", 2)], False, True, False, "x"),
]


@pytest.mark.parametrize("providers", [PROVIDERS, PROVIDERS[1:2], []], ids=["all", "one", "none"])
def test_the_rows_are_what_the_loop_wrote(app, providers):
    assert_as_the_loop_wrote(
        app,
        LOOP,
        OURS,
        {"results": Page(providers, 1, len(providers))},
        {"provider_rows": rows_html(providers, app.config["COUNCIL_AREA"])},
        typed=("<b>", "</b>", "<all>"),
    )


def test_what_a_provider_typed_is_escaped(app):
    shown = rows_html(PROVIDERS[1:2], "Somewhere & <Elsewhere>")
    assert isinstance(shown, Markup)
    assert (
        "<strong>Bright &lt;b&gt;Futures&lt;/b&gt; &amp; &#39;Co&#39; &#34;quoted&#34;</strong>"
        in shown
    )
    assert 'href="https://example.org/a?b=1&amp;c=&#39;2&#39;/"' in shown
    assert "<li>Based in Somewhere &amp; &lt;Elsewhere&gt;</li>" in shown
    assert "(3 current contracts)" in shown
    assert "(1 current contract)" in shown
