"""The error summary every form shares (templates/includes/error_summary.html): every problem at once, each a link
to the field it is about, a radio group's to its first choice; the page's title begins "Error:"."""

import re

import pytest

from tests.conftest import commitment

pytestmark = pytest.mark.django_db


def test_an_update_posted_empty_lists_each_problem_linking_to_its_field(client, eu_official):
    target = commitment("14.1")
    client.force_login(eu_official)
    response = client.post(f"/commitments/{target.pk}/update/EU/", {"version": target.version, "marking": "OFFICIAL"})
    html = response.content.decode()
    assert re.search(r"<title>Error: ", html)
    summary = html[html.index('class="error-summary"'):html.index("</ul>", html.index('class="error-summary"'))]
    assert re.findall(r'href="(#[^"]*)"', summary) == ["#id_status_0", "#id_as_of"]
