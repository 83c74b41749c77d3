"""The first pages: sign-in required, what each shows, filters, and a bounded number of queries."""

import pytest
from django.urls import reverse

from commitments.models import Commitment, CommitmentSide, Ownership
from commitments.status import Cadence, Strength
from agreement.models import Organisation, Paragraph, Party


def page_urls(partnership):
    commitment = Commitment.objects.get(ref="14.1")
    return [
        reverse("partnership:list"),
        reverse("partnership:document", args=[partnership.slug]),
        reverse("commitments:list"),
        reverse("commitments:list") + "?area=maritime-security&side=UK&q=maritime",
        reverse("commitments:detail", args=[commitment.pk]),
        reverse("password_change"),
        "/api/",
        "/api/paragraphs/",
        "/api/commitments/",
    ]


def test_every_page_redirects_an_anonymous_visitor_to_sign_in(client, partnership):
    for url in page_urls(partnership):
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url


def test_every_page_answers_a_signed_in_user_with_a_role(client, analyst, partnership):
    client.force_login(analyst)
    for url in page_urls(partnership):
        assert client.get(url).status_code == 200, url


def test_an_account_without_a_role_sees_nothing(client, outsider, partnership):
    client.force_login(outsider)
    for url in page_urls(partnership):
        if url == reverse("password_change"):
            assert client.get(url).status_code == 200
        else:
            assert client.get(url).status_code == 403, url


def test_the_sign_in_page_and_health_check_need_no_sign_in(client, db):
    assert client.get(reverse("login")).status_code == 200
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert (body["database"], body["broker"]) == ("ok", "ok")


def test_home_leads_officials_to_their_work_and_others_to_the_dashboard(client, eu_official, analyst):
    client.force_login(eu_official)
    assert client.get("/").url == reverse("my_work")
    client.force_login(analyst)
    assert client.get("/").url == reverse("dashboards:overview")


def test_signing_in_with_a_wrong_password_shows_an_error(client, analyst):
    response = client.post(reverse("login"), {"username": analyst.username, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()


def test_sign_out_ends_the_session_on_the_server(client, analyst):
    client.post(reverse("login"), {"username": analyst.username, "password": "correct-horse-battery"})
    session_key = client.session.session_key
    client.post(reverse("logout"))
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get(reverse("commitments:list")).status_code == 302


def test_the_document_shows_every_paragraph_with_anchor_subparagraphs_footnote_and_commitments(client, analyst, partnership):
    client.force_login(analyst)
    html = client.get(partnership.get_absolute_url()).content.decode()
    for number in range(1, 63):
        assert f'id="p{number}"' in html
    for label in "abcdef":
        assert f'id="p12{label}"' in html
    assert 'id="fn1"' in html and 'href="#fn1"' in html
    assert "Maritime Security" in html and "Way Forward" in html
    commitment = Commitment.objects.get(ref="19.1")
    assert commitment.get_absolute_url() in html
    assert "No operative commitment" in html  # paragraphs 1–10


def test_the_commitment_page_shows_its_paragraph_and_fields(client, analyst, partnership):
    client.force_login(analyst)
    commitment = Commitment.objects.get(ref="12a")
    html = client.get(commitment.get_absolute_url()).content.decode()
    assert "<mark>Six-monthly foreign and security policy dialogues" in html
    assert "Six-monthly" in html and "Firm" in html
    assert "High Representative" in html and "Foreign, Commonwealth and Development Office" in html
    assert "Not yet assessed" in html
    assert 'href="/partnerships/eu-uk-sdp-2025/#p12"' in html


def test_a_missing_commitment_is_404(client, analyst, partnership):
    client.force_login(analyst)
    assert client.get(reverse("commitments:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("area=maritime-security", lambda qs: qs.filter(paragraph__area__slug="maritime-security")),
        ("owner=eda", lambda qs: qs.filter(sides__owners__organisation__slug="eda")),
        ("side=UK", lambda qs: qs.filter(sides__party__code="UK")),
        ("strength=exploratory", lambda qs: qs.filter(strength=Strength.EXPLORATORY)),
        ("cadence=six_monthly", lambda qs: qs.filter(cadence=Cadence.SIX_MONTHLY)),
        ("status=not_assessed", lambda qs: qs),
        ("paragraph=14", lambda qs: qs.filter(paragraph__number=14)),
        ("q=Ukraine", lambda qs: qs.filter(clause__icontains="ukraine") | qs.filter(title__icontains="ukraine")),
    ],
)
def test_the_list_filters(client, analyst, partnership, query, expected):
    client.force_login(analyst)
    response = client.get(reverse("commitments:list") + "?" + query)
    shown = list(response.context["page"].paginator.object_list)  # the matching commitments' ids
    wanted = sorted(expected(Commitment.objects.all()).distinct().values_list("pk", flat=True))
    assert sorted(shown) == wanted
    assert 0 < len(shown) < Commitment.objects.count() or query == "status=not_assessed"


def test_the_list_ignores_nonsense_filters_without_an_error(client, analyst, partnership):
    client.force_login(analyst)
    response = client.get(reverse("commitments:list") + "?owner=nobody&strength=%00&paragraph=abc&page=999")
    assert response.status_code == 200
    assert "were not understood" in response.content.decode()


def grow(partnership, times: int):
    """More commitments, sides and owners on the same paragraphs, to check query counts do not grow."""
    eu, uk = Party.objects.get(code="EU"), Party.objects.get(code="UK")
    eeas, fcdo = Organisation.objects.get(slug="eeas"), Organisation.objects.get(slug="fcdo")
    for paragraph in Paragraph.objects.filter(partnership=partnership, number__gte=13)[:times]:
        for n in range(3):
            commitment = Commitment.objects.create(
                paragraph=paragraph, ref=f"{paragraph.number}.x{n}", position=50 + n, title="Extra",
                clause=paragraph.text[:20], strength="firm", cadence="regular",
            )
            for party, org in ((eu, eeas), (uk, fcdo)):
                side = CommitmentSide.objects.create(commitment=commitment, party=party)
                Ownership.objects.create(side=side, organisation=org, role="lead")


@pytest.mark.parametrize("page", ["document", "list", "detail", "api_commitments", "api_paragraphs"])
def test_query_count_does_not_grow_with_the_data(client, analyst, partnership, page, django_assert_max_num_queries):
    client.force_login(analyst)
    urls = {
        "document": partnership.get_absolute_url(),
        "list": reverse("commitments:list") + "?side=EU",
        "detail": Commitment.objects.get(ref="14.1").get_absolute_url(),
        "api_commitments": "/api/commitments/",
        "api_paragraphs": "/api/paragraphs/",
    }
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(urls[page]).status_code == 200
    grow(partnership, 40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(urls[page]).status_code == 200
    assert len(small.captured_queries) <= 20
