import pytest

from tests.support.pages import page_h1, page_title, soup

SUFFIX = " – Flexible Learning Support Framework – Dudley Council"
PAGES = {
    "/": ("Join the framework", "Flexible Learning Support Framework"),
    "/accessibility": ("Accessibility statement", "Accessibility statement"),
    "/privacy": ("Privacy notice", "Privacy notice"),
    "/cookies": ("Cookies", "Cookies"),
}


@pytest.mark.parametrize(("path", "title", "heading"), [(p, *t) for p, t in PAGES.items()])
def test_public_page(client, path, title, heading):
    response = client.get(path)

    assert response.status_code == 200
    assert len(soup(response).find_all("h1")) == 1
    assert page_h1(response) == heading
    assert page_title(response) == title + SUFFIX


def test_every_public_page_has_its_own_title(client):
    titles = [page_title(client.get(path)) for path in PAGES]
    assert len(set(titles)) == len(PAGES)


def test_the_footer_links_to_every_public_page(client):
    footer = soup(client.get("/")).find("footer")
    links = {a["href"] for a in footer.find_all("a")}
    assert {"/accessibility", "/privacy", "/cookies"} <= links


def test_council_and_service_names_come_from_settings(make_app):
    app = make_app(COUNCIL_NAME="Sandwell Council", SERVICE_NAME="Alternative Provision Framework")

    page = soup(app.test_client().get("/privacy"))

    assert page.title.get_text(strip=True) == (
        "Privacy notice – Alternative Provision Framework – Sandwell Council"
    )
    header = page.find("header").get_text(" ", strip=True)
    assert "Sandwell Council" in header and "Alternative Provision Framework" in header
    assert "Dudley" not in page.get_text() and "Flexible Learning" not in page.get_text()


def test_the_header_is_the_councils_not_govuks(client):
    header = soup(client.get("/")).find("header")

    assert "Dudley Council" in header.get_text()
    assert "GOV.UK" not in header.get_text()
    assert header.find("svg") is None  # the crown is an inline SVG
    assert "crown" not in str(header).lower()


def test_the_accessibility_statement_gives_the_support_email(make_app):
    app = make_app(SUPPORT_EMAIL="access@framework.example.org")

    page = soup(app.test_client().get("/accessibility"))

    assert "email Dudley Council's framework team at access@framework.example.org" in (
        page.main.get_text(" ", strip=True)
    )
    assert page.main.find("a", href="mailto:access@framework.example.org") is not None


def _chrome_links(response) -> dict[str, str]:
    """Where the skip link, the header's logo and the footer's links go."""
    page = soup(response)
    footer = page.find("footer")
    return {
        "skip": page.find("a", class_="govuk-skip-link")["href"],
        "logo": page.find("header").find("a")["href"],
        "privacy": footer.find("a", string="Privacy notice")["href"],
        "cookies": footer.find("a", string="Cookies")["href"],
    }


def test_the_header_and_footer_link_within_where_the_app_is_mounted(client):
    """They are rendered once per app and kept (portal/core/templating.py rendered_once): kept
    for each place the app is mounted, so a request under another root is given that root's
    links on that very request, and one under the first root its own again."""
    at_root = {"skip": "#main-content", "logo": "/", "privacy": "/privacy", "cookies": "/cookies"}
    assert _chrome_links(client.get("/privacy")) == at_root

    mounted = client.get("/privacy", environ_overrides={"SCRIPT_NAME": "/portal"})

    assert _chrome_links(mounted) == {
        "skip": "#main-content",
        "logo": "/portal/",
        "privacy": "/portal/privacy",
        "cookies": "/portal/cookies",
    }
    assert _chrome_links(client.get("/cookies")) == at_root
