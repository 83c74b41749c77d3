"""The pages the tracker takes from libraries are its own pages: the API documentation and the browsable API inside
the tracker's layout, with nothing inline for the Content Security Policy to refuse; the admin's door tells people
without staff access that it is not for their role; every page names an icon, and /favicon.ico is one."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

INLINE = [r"<style", r"\sstyle=", r"<script(?![^>]*\ssrc=)[^>]*>(?!</script>)"]


def inline_parts(html: str) -> list[str]:
    """Inline styles and scripts (a <script> without src but with a body); JSON data blocks are not run."""
    return [found for pattern in INLINE for found in re.findall(pattern, html)
            if 'type="application/json"' not in found]


def csp(response) -> str:
    return response["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/", "/api/commitments/?page_size=2", "/api/commitments/1/",
                                  "/api/updates/", "/api/commitments/?page_size=0"])
def test_the_api_pages_are_the_trackers_pages_with_nothing_inline(client, analyst, path):
    client.force_login(analyst)
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert inline_parts(html) == []
    assert "unsafe-inline" not in csp(response) and "'self'" in csp(response)
    assert '<html lang="en-GB">' in html
    assert '<nav aria-label="Main">' in html and 'href="/dashboard/"' in html  # the way back to the app


def test_swagger_ui_comes_from_the_sidecar_and_its_set_up_from_a_file(client, analyst):
    client.force_login(analyst)
    html = client.get("/api/docs/").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts[-4:] == [  # after the app's own scripts, in this order
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
        "/static/js/api-docs.js", "/api/docs/?script=",
    ]
    set_up = client.get("/api/docs/?script=")
    assert set_up["Content-Type"].startswith("application/javascript")
    assert "deepLinking: false" in set_up.content.decode() and "TrackerApiDocs.preset" in set_up.content.decode()


def test_the_browsable_api_shows_the_answer_its_filters_and_its_pages(client, analyst):
    client.force_login(analyst)
    html = client.get("/api/commitments/?page_size=2", HTTP_ACCEPT="text/html").content.decode()
    assert "<h1>Commitment List" in html
    assert '<pre class="api-response" tabindex="0" aria-labelledby="answer"><b>HTTP 200 OK</b>' in html
    assert '<form action="" method="get" class="api-filter-form">' in html and "<h2>Ordering</h2>" in html
    assert 'rel="next">Next page</a>' in html and 'href="#"' not in html
    assert re.search(r'href="/api/commitments/\?(page_size=2&amp;format=json|format=json&amp;page_size=2)">as JSON', html)


@pytest.mark.parametrize("persona", ["eu_official", "analyst", "reviewer", "outsider"])
def test_people_without_staff_access_are_told_the_admin_is_not_for_their_role(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain == [("/admin/login/?next=/admin/", 302)]
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>The admin is not for your role</h1>" in html
    assert "log in to another account" not in html.lower() and 'name="password"' not in html


def test_the_admin_signs_in_whoever_is_not_signed_in_and_opens_for_staff(client, administrator):
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"


def test_every_page_names_the_icon_and_favicon_ico_is_it(client, analyst):
    assert finders.find("favicon.ico") and finders.find("favicon.svg")
    for who in (None, analyst):
        if who:
            client.force_login(who)
        answer = client.get("/favicon.ico")
        assert (answer.status_code, answer["Location"]) == (301, "/static/favicon.ico")
    page = client.get("/dashboard/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
