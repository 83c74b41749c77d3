"""Who may see and do what: every page and action against every persona, one test per cell.

Personas: an anonymous visitor, a signed-in account without a role (outsider), an EU official at the EEAS, a UK
official at the FCDO, an analyst, a reviewer and an administrator (staff and superuser too).

Commitments used (from fixtures/commitments.toml, checked in `test_the_commitments_the_matrix_relies_on`):
- OWNED_BY_EEAS_AND_FCDO "14.1": EU side led by eeas, UK side led by fcdo;
- EU_ONLY "44.1": binds only the EU side (esdc);
- NOT_EEAS "27.1": EU side led by eda, UK side by mod.
"""

from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from commitments.models import Commitment, StatusUpdate
from tests.conftest import commitment

# Personas are fixtures looked up by name, which pytest-django cannot see: mark the module so it runs with the
# database tests (before the transactional ones flush the seeded Partnership).
pytestmark = pytest.mark.django_db

OWNED_BY_EEAS_AND_FCDO = "14.1"
EU_ONLY = "44.1"
NOT_EEAS = "27.1"

PERSONAS = ["anonymous", "outsider", "eu_official", "uk_official", "analyst", "reviewer", "administrator"]
ROLES = ["eu_official", "uk_official", "analyst", "reviewer", "administrator"]

# Expected outcomes other than a bare status code.
LOGIN = "login"  # 302 to /accounts/login/?next=<the page asked for>
ADMIN_LOGIN = "admin-login"  # 302 to /admin/login/?next=/admin/
HOME = "home"  # 302 to /
CREATED = "created"  # 302 to the commitment page, one StatusUpdate more


def matrix(**expected):
    """One pytest.param per persona, with an id that reads as the cell: `outsider-403`, `anonymous-login`."""
    assert set(expected) == set(PERSONAS), "every persona needs an expected outcome"
    return [pytest.param(persona, expected[persona], id=f"{persona}-{expected[persona]}") for persona in PERSONAS]


def everyone(outcome, **overrides):
    return matrix(**{persona: outcome for persona in PERSONAS} | overrides)


def sign_in(client, request, persona):
    """Sign the persona in with force_login; the anonymous visitor stays signed out."""
    if persona == "anonymous":
        request.getfixturevalue("partnership")
        return None
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


def resolve(url: str) -> str:
    """Fill the commitment placeholders of a URL template: {A} (14.1), {B} (44.1), {C} (27.1)."""
    return url.format(
        A=commitment(OWNED_BY_EEAS_AND_FCDO).pk, B=commitment(EU_ONLY).pk, C=commitment(NOT_EEAS).pk
    )


def assert_outcome(response, expected, url):
    if expected == LOGIN:
        assert (response.status_code, response.get("Location")) == (302, f"/accounts/login/?next={url}")
    elif expected == ADMIN_LOGIN:
        assert (response.status_code, response.get("Location")) == (302, "/admin/login/?next=/admin/")
    elif expected == HOME:
        assert (response.status_code, response.get("Location")) == (302, "/")
    else:
        assert response.status_code == expected, f"{url}: expected {expected}, got {response.status_code}"


# ---------------------------------------------------------------------------------------------------------------------
# The data the matrix relies on


def test_the_commitments_the_matrix_relies_on(partnership):
    def owners(ref):
        return {
            side.party.code: {o.organisation.slug for o in side.owners.all()} for side in commitment(ref).sides.all()
        }

    assert owners(OWNED_BY_EEAS_AND_FCDO) == {"EU": {"eeas"}, "UK": {"fcdo"}}
    assert owners(EU_ONLY) == {"EU": {"esdc"}}
    assert "eeas" not in owners(NOT_EEAS)["EU"]
    assert not Commitment.objects.filter(pk=999999).exists()


# ---------------------------------------------------------------------------------------------------------------------
# Reading


READING_PAGES = [
    "/dashboard/",
    "/dashboard/areas/",
    "/dashboard/owners/",
    "/partnerships/",
    "/partnerships/eu-uk-sdp-2025/",
    "/commitments/",
    "/commitments/{A}/",
]


# (`path`, not `page`: pytest-playwright owns a fixture called `page`.)
@pytest.mark.parametrize(("persona", "expected"), everyone(200, anonymous=LOGIN, outsider=403))
@pytest.mark.parametrize("path", READING_PAGES)
def test_reading_pages_by_role(client, request, path, persona, expected):
    sign_in(client, request, persona)
    url = resolve(path)
    assert_outcome(client.get(url), expected, url)


@pytest.mark.parametrize(
    ("persona", "expected"),
    everyone(403, anonymous=LOGIN, eu_official=200, uk_official=200),
)
def test_my_work_is_for_officials_only(client, request, persona, expected):
    sign_in(client, request, persona)
    assert_outcome(client.get("/my-work/"), expected, "/my-work/")


@pytest.mark.parametrize(
    ("persona", "expected"),
    everyone(200, anonymous=LOGIN, outsider=403, eu_official=403, uk_official=403),
)
@pytest.mark.parametrize("path", ["/portfolio/", "/portfolio.csv", "/portfolio.xlsx"])
def test_the_portfolio_across_partnerships_is_for_analysts_reviewers_and_administrators(client, request, path,
                                                                                        persona, expected):
    sign_in(client, request, persona)
    assert_outcome(client.get(path), expected, path)


@pytest.mark.parametrize(("persona", "expected"), everyone(200, anonymous=401, outsider=403))
@pytest.mark.parametrize("api", ["/api/paragraphs/", "/api/commitments/"])
def test_the_api_answers_every_role_and_nobody_else(client, request, api, persona, expected):
    sign_in(client, request, persona)
    assert_outcome(client.get(api), expected, api)


# ---------------------------------------------------------------------------------------------------------------------
# The update form (GET)


@pytest.mark.parametrize(("persona", "expected"), everyone(403, anonymous=LOGIN, eu_official=200))
def test_only_the_owning_eu_official_may_open_the_eu_update_form(client, request, persona, expected):
    sign_in(client, request, persona)
    url = resolve("/commitments/{A}/update/EU/")
    assert_outcome(client.get(url), expected, url)


@pytest.mark.parametrize(("persona", "expected"), everyone(403, anonymous=LOGIN, uk_official=200))
def test_only_the_owning_uk_official_may_open_the_uk_update_form(client, request, persona, expected):
    sign_in(client, request, persona)
    url = resolve("/commitments/{A}/update/UK/")
    assert_outcome(client.get(url), expected, url)


@pytest.mark.parametrize(("persona", "expected"), everyone(403, anonymous=LOGIN))
def test_an_official_may_not_update_a_side_their_organisation_does_not_own(client, request, persona, expected):
    sign_in(client, request, persona)
    url = resolve("/commitments/{C}/update/EU/")
    assert_outcome(client.get(url), expected, url)


@pytest.mark.parametrize(("persona", "expected"), everyone(404, anonymous=LOGIN, outsider=403))
def test_a_side_the_commitment_does_not_bind_is_not_found(client, request, persona, expected):
    sign_in(client, request, persona)
    url = resolve("/commitments/{B}/update/UK/")
    assert_outcome(client.get(url), expected, url)


@pytest.mark.parametrize(("persona", "expected"), everyone(404, anonymous=LOGIN, outsider=403))
def test_updating_a_commitment_that_does_not_exist_is_not_found(client, request, persona, expected):
    sign_in(client, request, persona)
    url = "/commitments/999999/update/EU/"
    assert_outcome(client.get(url), expected, url)


# ---------------------------------------------------------------------------------------------------------------------
# Recording an update (POST)


def valid_update(target: Commitment) -> dict:
    body = {
        "status": "in_progress",
        "note": "Exchanges held at working level; the next round is scheduled.",
        "as_of": timezone.localdate().isoformat(),
        "marking": "OFFICIAL",
        "version": target.version,
        "corrects": "",
    }
    for n in range(1, 4):
        body[f"evidence_title_{n}"] = ""
        body[f"evidence_url_{n}"] = ""
    return body


@pytest.mark.parametrize(("persona", "expected"), everyone(403, anonymous=LOGIN, eu_official=CREATED))
def test_only_the_owning_official_may_record_an_update(client, request, persona, expected):
    user = sign_in(client, request, persona)
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    url = f"/commitments/{target.pk}/update/EU/"
    updates_before, version_before = StatusUpdate.objects.count(), target.version

    response = client.post(url, valid_update(target))

    if expected == CREATED:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert urlsplit(response["Location"]).path == f"/commitments/{target.pk}/"
        assert StatusUpdate.objects.count() == updates_before + 1
        update = StatusUpdate.objects.get(commitment=target, created_by=user)
        assert (update.side.party.code, update.status) == ("EU", "in_progress")
    else:
        assert_outcome(response, expected, url)
        assert StatusUpdate.objects.count() == updates_before
        target.refresh_from_db()
        assert target.version == version_before


def test_a_forged_post_by_the_other_sides_official_changes_nothing(client, uk_official):
    client.force_login(uk_official)
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    sides_before = {s.party.code: (s.status, s.status_as_of, s.last_update_at) for s in target.sides.all()}
    updates_before = StatusUpdate.objects.count()

    response = client.post(f"/commitments/{target.pk}/update/EU/", valid_update(target))

    assert response.status_code == 403
    assert StatusUpdate.objects.count() == updates_before
    version_before = target.version
    target.refresh_from_db()
    assert target.version == version_before
    assert {s.party.code: (s.status, s.status_as_of, s.last_update_at) for s in target.sides.all()} == sides_before


# ---------------------------------------------------------------------------------------------------------------------
# Two-factor sign-in (tests/test_two_factor.py tests what happens once an app is set up)


@pytest.mark.parametrize(("persona", "expected"), everyone(403, anonymous=LOGIN, administrator=200))
def test_only_administrators_may_open_the_two_factor_page(client, request, persona, expected):
    sign_in(client, request, persona)
    assert_outcome(client.get("/accounts/two-factor/"), expected, "/accounts/two-factor/")


@pytest.mark.parametrize(("persona", "expected"), everyone(403, anonymous=LOGIN, administrator=302))
@pytest.mark.parametrize("url", ["/accounts/two-factor/start/", "/accounts/two-factor/disable/"])
def test_only_administrators_may_start_or_stop_two_factor_sign_in(client, request, url, persona, expected):
    sign_in(client, request, persona)
    assert_outcome(client.post(url), expected, url)


@pytest.mark.parametrize(("persona", "expected"), everyone(HOME, anonymous=LOGIN))
def test_the_code_page_leads_on_when_there_is_no_app_to_ask_for(client, request, persona, expected):
    sign_in(client, request, persona)
    assert_outcome(client.get("/accounts/two-factor/verify/"), expected, "/accounts/two-factor/verify/")


# ---------------------------------------------------------------------------------------------------------------------
# The admin site, the health check and the sign-in page


@pytest.mark.parametrize(("persona", "expected"), everyone(ADMIN_LOGIN, administrator=200))
def test_the_admin_site_is_for_staff_only(client, request, persona, expected):
    sign_in(client, request, persona)
    assert_outcome(client.get("/admin/"), expected, "/admin/")


@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_the_health_check_answers_everyone(client, request, persona, expected):
    sign_in(client, request, persona)
    assert_outcome(client.get("/health/"), expected, "/health/")


def test_the_sign_in_page_answers_an_anonymous_visitor(client, partnership):
    assert client.get("/accounts/login/").status_code == 200


# ---------------------------------------------------------------------------------------------------------------------
# Onboarding a partnership (onboarding.access.user_may_onboard): administrators only, pages and actions alike


@pytest.fixture
def onboarded(partnership):
    """The fictional EU–Freedonia text uploaded, corrected and imported by an administrator of its own."""
    from tests.conftest import make_user
    from tests.onboarding.flow import imported

    onboarding = imported(make_user("onboarder", is_administrator=True))
    return onboarding, onboarding.proposals.get(ref="3.1")


ONBOARDING_PAGES = [
    "/onboarding/", "/onboarding/{O}/", "/onboarding/{O}/lines/", "/onboarding/{O}/proposals/",
    "/onboarding/{O}/proposals/{P}/", "/onboarding/{O}/proposals/{P}/split/", "/onboarding/{O}/commitments.toml",
    "/onboarding/{O}/organisations.toml", "/onboarding/{O}/agreement.txt",
]
# What an administrator's empty POST gets: a refusal on the form (400), or the action done and a redirect (302).
ONBOARDING_ACTIONS = [
    ("/onboarding/upload/", 400), ("/onboarding/{O}/correct/", 400), ("/onboarding/{O}/line/", 400),
    ("/onboarding/{O}/import/", 302), ("/onboarding/{O}/proposals/{P}/", 400), ("/onboarding/{O}/proposals/{P}/split/", 400),
    ("/onboarding/{O}/proposals/{P}/merge/", 302), ("/onboarding/{O}/proposals/{P}/drop/", 302),
    ("/onboarding/{O}/owners/", 400), ("/onboarding/{O}/organisations/", 400), ("/onboarding/{O}/publish/", 400),
]


@pytest.mark.parametrize(("persona", "expected"), everyone(403, anonymous=LOGIN, administrator=200))
@pytest.mark.parametrize("path", ONBOARDING_PAGES)
def test_only_administrators_may_open_the_onboarding_pages(client, request, onboarded, path, persona, expected):
    sign_in(client, request, persona)
    onboarding, proposal = onboarded
    url = path.format(O=onboarding.pk, P=proposal.pk)
    assert_outcome(client.get(url), expected, url)


@pytest.mark.parametrize(("persona", "expected"), everyone(403, anonymous=LOGIN, administrator="done"))
@pytest.mark.parametrize(("path", "done"), ONBOARDING_ACTIONS)
def test_only_administrators_may_act_on_an_onboarding(client, request, onboarded, path, done, persona, expected):
    sign_in(client, request, persona)
    onboarding, proposal = onboarded
    url = path.format(O=onboarding.pk, P=proposal.pk)
    before = list(onboarding.proposals.values_list("ref", "dropped", "clause").order_by("position"))
    assert_outcome(client.post(url), done if expected == "done" else expected, url)
    if expected != "done":
        assert list(onboarding.proposals.values_list("ref", "dropped", "clause").order_by("position")) == before
