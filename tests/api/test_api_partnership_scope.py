"""Every API list takes `?partnership=<slug>`: an object of one partnership never shows in another's list. Without
it a list spans every partnership (the API is stateless: it never reads the pages' choice). Beside the seeded
EU–UK Partnership (A), the fictional EU–Ruritania one of tests/conftest.py (B)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from commitments.models import Commitment, StatusUpdate
from commitments.services import commitment_update_status
from dialogues.models import DialogueSeries, FollowUpAction, Meeting
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
A, B = "eu-uk-sdp-2025", "eu-ruritania-2026"


def everything(client, url: str, **query) -> list[dict]:
    """Every item of a paginated list, following `next`."""
    items, response = [], client.get(url, {**query, "page_size": 1000})
    while True:
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        items += body["results"]
        if not body.get("next"):
            return items
        response = client.get(body["next"])


def _meeting_partnerships(ids):
    return dict(Meeting.objects.filter(pk__in=ids).values_list("pk", "series__partnership__slug"))


def _action_partnerships(ids):
    return dict(FollowUpAction.objects.filter(pk__in=ids).values_list("pk", "meeting__series__partnership__slug"))


def _update_partnerships(ids):
    return dict(StatusUpdate.objects.filter(pk__in=ids).values_list("pk", "commitment__paragraph__partnership__slug"))


# endpoint -> the partnership of each item it lists
OF_ITEMS = {
    "/api/parts/": lambda items: [i["partnership"] for i in items],
    "/api/areas/": lambda items: [i["partnership"] for i in items],
    "/api/paragraphs/": lambda items: [i["partnership"] for i in items],
    "/api/commitments/": lambda items: [i["partnership"] for i in items],
    "/api/dialogue-series/": lambda items: [i["partnership"] for i in items],
    "/api/meetings/": lambda items: [_meeting_partnerships([i["id"] for i in items])[i["id"]] for i in items],
    "/api/actions/": lambda items: [_action_partnerships([i["id"] for i in items])[i["id"]] for i in items],
    "/api/updates/": lambda items: [_update_partnerships([i["id"] for i in items])[i["id"]] for i in items],
}


@pytest.fixture
def api(client, second_partnership, reviewer, eu_official):
    """Both partnerships with a meeting, an action and a status update each."""
    ruritanian = make_user("rur-official", organisation="rur-mod", is_official=True)
    when = datetime(2026, 5, 4, 10, tzinfo=ZoneInfo("Europe/Brussels"))
    for ref, party, slug, by in (("2.1", "RUR", B, ruritanian), ("14.1", "EU", A, eu_official)):
        target = Commitment.objects.get(ref=ref, paragraph__partnership__slug=slug)
        commitment_update_status(commitment=target, party_code=party, status="in_progress", note="Noted.",
                                 as_of=when.date(), by=by, expected_version=target.version, now=when)
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    held = Meeting.objects.create(series=sdd, date=when.date(), place="London", status=Meeting.Status.HELD)
    FollowUpAction.objects.create(meeting=held, title="Exchange contacts", owner_id=eu_official.organisation_id,
                                  due_on=when.date())
    client.force_login(reviewer)
    return client


@pytest.mark.parametrize("url", list(OF_ITEMS))
def test_each_list_holds_the_partnership_asked_for_only(api, url):
    for slug in (A, B):
        found = OF_ITEMS[url](everything(api, url, partnership=slug))
        assert found and set(found) == {slug}, (url, slug, set(found))
    assert set(OF_ITEMS[url](everything(api, url))) == {A, B}  # without it, every partnership


def test_the_partnerships_own_figures_in_the_api(api):
    assert len(everything(api, "/api/commitments/", partnership=B)) == 3
    assert [(p["number"], p["partnership"]) for p in everything(api, "/api/paragraphs/", partnership=B)] == [
        (1, B), (2, B), (3, B)]
    assert [a["slug"] for a in everything(api, "/api/areas/", partnership=B)] == ["maritime-security"]


def test_a_partnerships_organisations_are_its_parties_the_eus_shared(api):
    b = {o["slug"]: o["side"] for o in everything(api, "/api/organisations/", partnership=B)}
    a = {o["slug"]: o["side"] for o in everything(api, "/api/organisations/", partnership=A)}
    assert (b["rur-mfa"], b["rur-mod"], b["eeas"], a["eeas"], a["fcdo"]) == ("RUR", "RUR", "EU", "EU", "UK")
    assert set(b.values()) == {"EU", "RUR"} and set(a.values()) == {"EU", "UK"}


def test_an_unknown_partnership_is_refused_on_its_field(api):
    for url in OF_ITEMS:
        response = api.get(url, {"partnership": "nowhere"})
        body = response.json()
        assert (response.status_code, list(body["errors"])) == (400, ["partnership"]), url


def test_an_area_two_partnerships_share_is_asked_for_with_its_partnership(api):
    """Both partnerships have an area "maritime-security": alone it is ambiguous, never a server error."""
    response = api.get("/api/commitments/", {"area": "maritime-security"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "area": ["“maritime-security” is in more than one partnership: choose the partnership too."]}
    found = everything(api, "/api/commitments/", area="maritime-security", partnership=B)
    assert [c["ref"] for c in found] == ["2.1"]
    assert all(c["partnership"] == A for c in everything(api, "/api/commitments/", area="maritime-security",
                                                          partnership=A))
