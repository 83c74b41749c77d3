"""Costly pages are kept per content version, day and audience: every write shows at once, nobody sees another
audience's copy."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from commitments.models import Commitment
from commitments.services import commitment_update_status
from dialogues.models import DialogueSeries, Meeting
from dialogues.services import meeting_create
from partnership import versioning
from partnership.models import Organisation
from tests.conftest import make_user

NOTE = "Ministers disagree on the venue."


def page(response) -> str:
    """The page without what differs on every response (the CSRF token, the CSP nonce)."""
    assert response.status_code == 200
    return re.sub(r'(value|nonce)="[^"]*"', "", response.content.decode())


def update(commitment, by, *, status="in_progress", note="", marking="OFFICIAL"):
    commitment.refresh_from_db()
    return commitment_update_status(commitment=commitment, party_code="EU", status=status, note=note,
                                    as_of=timezone.localdate(), marking=marking, evidence=[], by=by,
                                    expected_version=commitment.version)


def test_the_version_moves_with_every_kind_of_write_and_not_with_a_sign_in(partnership, eu_official, client):
    start = versioning.current()
    update(Commitment.objects.get(ref="14.1"), eu_official)
    after_update = versioning.current()
    assert after_update != start

    Organisation.objects.filter(slug="eeas").first().save()
    assert versioning.current() != after_update

    before_sign_in = versioning.current()
    response = client.post("/accounts/login/", {"username": "eu-official", "password": "correct-horse-battery"})
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(eu_official.pk)
    assert versioning.current() == before_sign_in


def test_reloading_the_curated_data_moves_the_version(partnership):
    before = versioning.current()
    call_command("seed", stdout=open("/dev/null", "w"))
    assert versioning.current() != before


def test_writes_that_send_no_signal_move_the_version_themselves(partnership, reviewer):
    from dialogues.services import agenda_add

    series = DialogueSeries.objects.get(partnership=partnership, kind=DialogueSeries.Kind.SDD)
    meeting = meeting_create(series=series, date=timezone.localdate() + timedelta(days=60), place="London", by=reviewer)
    before = versioning.current()
    agenda_add(meeting=meeting, by=reviewer, commitments=[Commitment.objects.get(ref="14.1")])  # a bulk insert
    assert versioning.current() != before


@pytest.mark.parametrize(("path", "before_has", "after_has"), [
    ("/commitments/?side=EU&side_status=delayed", "No commitment matches", "Slipped"),
    ("/dashboard/", "no update recorded yet", "Data as of"),
    ("/api/commitments/?side=EU&side_status=delayed", '"count":0', '"count":1'),
    ("/api/updates/", '"count":0', "Slipped a quarter."),
])
def test_a_status_update_shows_at_once_on_cached_pages(partnership, eu_official, analyst, client, path, before_has,
                                                       after_has):
    commitment = Commitment.objects.get(ref="14.1")
    client.force_login(analyst)
    before = page(client.get(path))
    update(commitment, eu_official, status="delayed", note="Slipped a quarter.")
    after = page(client.get(path))
    assert before_has in before and before_has not in after
    assert after_has in after or commitment.get_absolute_url() in after


def test_my_work_and_the_commitment_page_show_a_new_update_at_once(partnership, eu_official, client):
    commitment = Commitment.objects.get(ref="14.1")
    client.force_login(eu_official)
    assert "Slipped a quarter." not in page(client.get(commitment.get_absolute_url()))
    my_work_before = page(client.get("/my-work/"))
    update(commitment, eu_official, status="delayed", note="Slipped a quarter.")
    assert "Slipped a quarter." in page(client.get(commitment.get_absolute_url()))
    assert page(client.get("/my-work/")).count("Delayed") == my_work_before.count("Delayed") + 1


@pytest.mark.parametrize("first, then, then_sees", [
    ("eu_official", "analyst", False),
    ("analyst", "eu_official", True),
    ("reviewer", "other_official", False),
])
def test_a_cached_page_never_shows_one_audience_what_was_rendered_for_another(
        partnership, eu_official, analyst, reviewer, client, first, then, then_sees):
    commitment = Commitment.objects.get(ref="14.1")  # EU side owned by the EEAS
    update(commitment, eu_official, status="at_risk", note=NOTE, marking="OFFICIAL-SENSITIVE")
    people = {"eu_official": eu_official, "analyst": analyst, "reviewer": reviewer}
    people["other_official"] = make_user("eda-official", organisation="eda", is_official=True)
    for path in (commitment.get_absolute_url(), "/api/updates/"):
        client.force_login(people[first])
        assert (NOTE in page(client.get(path))) is (first != "analyst")
        client.force_login(people[then])
        assert (NOTE in page(client.get(path))) is then_sees


def test_the_briefing_pack_shows_a_new_status_update_at_once(partnership, reviewer, client):
    series = DialogueSeries.objects.get(partnership=partnership, kind=DialogueSeries.Kind.SDD)
    meeting = Meeting.objects.filter(series=series, status=Meeting.Status.PLANNED).first() or meeting_create(
        series=series, date=timezone.localdate() + timedelta(days=60), place="London", by=reviewer)
    official = make_user("eeas-2", organisation="eeas", is_official=True)
    client.force_login(reviewer)
    url = f"/dialogues/meetings/{meeting.pk}/pack/"
    before = page(client.get(url))
    update(Commitment.objects.get(ref="14.1"), official, status="delayed", note="Slipped a quarter.")
    after = page(client.get(url))
    assert "Slipped a quarter." in after and "Slipped a quarter." not in before


def test_what_is_late_is_worked_out_again_the_next_day(partnership, analyst, client):
    with time_machine.travel(date(2026, 3, 1), tick=False):
        client.force_login(analyst)
        assert "figures computed 1 March 2026" in page(client.get("/dashboard/"))
    with time_machine.travel(date(2026, 3, 2), tick=False):
        client.force_login(analyst)
        assert "figures computed 2 March 2026" in page(client.get("/dashboard/"))


def test_made_up_parameters_are_answered_but_not_kept(partnership, analyst, client):
    from django.core.cache import cache

    client.force_login(analyst)
    for path in ("/commitments/?side=EU", "/api/commitments/?side=EU"):
        cache.clear()
        assert client.get(path).status_code == 200
        kept = len(cache._cache)
        for n in range(5):
            assert client.get(f"{path}&junk={n}").status_code == 200
        assert len(cache._cache) == kept
