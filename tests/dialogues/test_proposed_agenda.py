"""The agenda the tracker proposes for a planned meeting: ranked by the most pressing reason (an update overdue or
stale, at risk or delayed, a disagreement, changed since the series' last meeting), each saying why; a reviewer adds
every proposal of a reason with one button (no JavaScript needed) or ticks some; the briefing pack lists the most
pressing and links to all of them.

The world (`consular`): the consultations on consular matters serve paragraphs 20 and 21, whose four commitments
each bind the EU (a side the EEAS owns) and the UK (the FCDO's); the series met on 20 May 2026 and meets again in
two months. Since then: 20.1 EU at risk and UK on track; 20.2 both on track; 21.1 EU in progress, its UK side never
reported; 21.2 neither side ever reported. A side never reported was due six months after adoption, on 19 November
2025, and is stale a year after adoption."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments.models import Commitment
from commitments.services import commitment_update_status
from commitments.status import Status
from dialogues import services
from dialogues.models import AgendaItem, DialogueSeries, Meeting
from dialogues.pack import build_pack
from dialogues.selectors import proposed_agenda
from reports.pack_display import pack_context
from tests.conftest import commitment

CHANGED = "changed since 20 May 2026"


def report(target: Commitment, user, side: str, status: str, note: str = "") -> None:
    target.refresh_from_db()
    commitment_update_status(commitment=target, party_code=side, status=status, note=note,
                             as_of=timezone.localdate(), by=user, expected_version=target.version)


@dataclass
class Consular:
    meeting: Meeting
    c201: Commitment
    c202: Commitment
    c211: Commitment
    c212: Commitment


@pytest.fixture
def consular(partnership, reviewer, eu_official, uk_official) -> Consular:
    series = DialogueSeries.objects.get(slug="consular-consultations")
    services.meeting_create(series=series, date=date(2026, 5, 20), place="Brussels", status="held", by=reviewer)
    planned = services.meeting_create(series=series, date=timezone.localdate() + timedelta(days=60), place="London",
                                      by=reviewer)
    c201, c202, c211, c212 = (commitment(ref) for ref in ("20.1", "20.2", "21.1", "21.2"))
    report(c201, eu_official, "EU", Status.AT_RISK, "The joint exercise slipped.")
    report(c201, uk_official, "UK", Status.ON_TRACK)
    report(c202, eu_official, "EU", Status.ON_TRACK)
    report(c202, uk_official, "UK", Status.ON_TRACK)
    report(c211, eu_official, "EU", Status.IN_PROGRESS)
    return Consular(planned, c201, c202, c211, c212)


def agenda_refs(meeting: Meeting) -> list[str]:
    return [item.commitment.ref for item in AgendaItem.objects.filter(meeting=meeting).select_related("commitment")]


def page_text(html: str) -> str:
    """The text a reader reads: tags dropped, spaces collapsed, none before punctuation."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([:.,;)])", r"\1", text)


# --- the selector -----------------------------------------------------------------------------------------------


def test_proposals_are_ranked_by_their_most_pressing_reason_and_say_why(consular):
    proposals = proposed_agenda(consular.meeting, timezone.localdate())

    assert [(p.reference, p.kinds, p.reasons) for p in proposals] == [
        ("¶21.1", ["overdue", "changed"], ["UK update stale, due 19 Nov 2025", CHANGED]),
        ("¶21.2", ["overdue"], ["EU update stale, due 19 Nov 2025", "UK update stale, due 19 Nov 2025"]),
        ("¶20.1", ["at_risk", "disagreement", "changed"],
         ["EU at risk", "sides disagree: EU at risk, UK on track", CHANGED]),
        ("¶20.2", ["changed"], [CHANGED]),
    ]


def test_a_side_not_yet_assessed_does_not_disagree_and_a_commitment_on_the_agenda_is_not_proposed(consular, reviewer):
    services.agenda_add(meeting=consular.meeting, by=reviewer, commitments=[consular.c201])
    refs = [p.reference for p in proposed_agenda(consular.meeting, timezone.localdate())]
    assert refs == ["¶21.1", "¶21.2", "¶20.2"]  # 21.1: the UK side has not reported, so no disagreement


def test_an_independent_review_that_contradicts_the_officials_is_a_disagreement(partnership, reviewer, eu_official,
                                                                                 uk_official):
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    meeting = services.meeting_create(series=sdd, date=timezone.localdate() + timedelta(days=60), place="London",
                                      by=reviewer)
    target = commitment("20.2")
    report(target, eu_official, "EU", Status.ON_TRACK)
    report(target, uk_official, "UK", Status.ON_TRACK)
    services.assessment_record(meeting=meeting, commitment=target, verdict="off_track",
                               rationale="No consultation has met.", by=reviewer)

    [proposal] = [p for p in proposed_agenda(meeting, timezone.localdate()) if p.commitment_id == target.pk]
    assert (proposal.kinds, proposal.reasons) == (
        ["disagreement", "changed"], ["independent review: off track", "changed since 19 May 2025"])


def _as_in_pack(proposals) -> list[dict]:
    return [{"commitment": p.commitment_id, "title": f"{p.reference} {p.title}", "reason": p.reason_text,
             "kinds": p.kinds} for p in proposals]


def test_the_live_pack_proposes_what_the_meeting_page_proposes_from_what_it_has_read(consular, reviewer):
    services.agenda_add(meeting=consular.meeting, by=reviewer, commitments=[consular.c202])
    proposed = build_pack(consular.meeting)["proposed"]

    assert [(p["title"].split()[0], p["kinds"]) for p in proposed] == [
        ("¶21.1", ["overdue", "changed"]), ("¶21.2", ["overdue"]), ("¶20.1", ["at_risk", "disagreement", "changed"])]
    assert proposed == _as_in_pack(proposed_agenda(consular.meeting, timezone.localdate()))


def test_the_live_pack_of_an_sdd_counts_the_independent_review_among_its_reasons(partnership, reviewer, eu_official,
                                                                                  uk_official):
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    meeting = services.meeting_create(series=sdd, date=timezone.localdate() + timedelta(days=60), place="London",
                                      by=reviewer)
    target = commitment("20.2")
    report(target, eu_official, "EU", Status.ON_TRACK)
    report(target, uk_official, "UK", Status.ON_TRACK)
    services.assessment_record(meeting=meeting, commitment=target, verdict="off_track",
                               rationale="No consultation has met.", by=reviewer)

    proposed = build_pack(meeting)["proposed"]
    [mine] = [p for p in proposed if p["commitment"] == target.pk]
    assert (mine["kinds"], mine["reason"]) == (
        ["disagreement", "changed"], "independent review: off track; changed since 19 May 2025")
    assert proposed == _as_in_pack(proposed_agenda(meeting, timezone.localdate()))


# --- the meeting page -------------------------------------------------------------------------------------------


def test_the_meeting_page_groups_the_proposals_by_reason_with_a_button_for_each(client, consular, reviewer):
    client.force_login(reviewer)
    text = page_text(client.get(consular.meeting.get_absolute_url()).content.decode())

    assert ("Update overdue or stale: 2 At risk or delayed: 1 Disagreement: 1 Changed since the last meeting: 3"
            in text)
    overdue = text.index("Update overdue or stale (2)")
    at_risk = text.index("At risk or delayed (1)")
    disagreement = text.index("Disagreement (0)")
    changed = text.index("Changed since the last meeting (1)")
    assert overdue < text.index("¶21.1") < text.index("¶21.2") < at_risk < text.index("¶20.1") < disagreement
    assert disagreement < text.index("One more is listed above, under a more pressing reason.") < changed
    assert changed < text.index("2 more are listed above, under a more pressing reason.") < text.index("¶20.2")
    assert "— EU at risk; sides disagree: EU at risk, UK on track; changed since 20 May 2026" in text
    for button in ("Add all 2 whose update is overdue or stale", "Add the one at risk or delayed",
                   "Add the one with a disagreement", "Add all 3 changed since the last meeting"):
        assert button in text


def test_a_reason_button_adds_every_proposal_of_that_reason_those_listed_above_included(client, consular, reviewer):
    client.force_login(reviewer)
    url = f"/dialogues/meetings/{consular.meeting.pk}/agenda/"

    response = client.post(url, {"reason": "changed"}, follow=True)

    assert response.redirect_chain[-1][0].endswith(f"/dialogues/meetings/{consular.meeting.pk}/#agenda")
    assert "3 items added to the agenda." in response.content.decode()
    assert agenda_refs(consular.meeting) == ["20.1", "20.2", "21.1"]
    item = AgendaItem.objects.get(meeting=consular.meeting, commitment=consular.c201)
    assert item.reason == "EU at risk; sides disagree: EU at risk, UK on track; changed since 20 May 2026"
    assert [p.reference for p in proposed_agenda(consular.meeting, timezone.localdate())] == ["¶21.2"]


def test_ticked_proposals_and_a_free_item_are_added_together(client, consular, reviewer):
    client.force_login(reviewer)
    response = client.post(f"/dialogues/meetings/{consular.meeting.pk}/agenda/",
                           {"commitments": [str(consular.c212.pk)], "title": "Any other business"}, follow=True)
    assert "2 items added to the agenda." in response.content.decode()
    assert [item.title.split(" ")[0] for item in consular.meeting.agenda.all()] == ["¶21.2", "Any"]


def test_an_empty_choice_or_a_stale_one_is_told_on_its_field_and_the_page_shown_again(client, consular, reviewer):
    client.force_login(reviewer)
    url = f"/dialogues/meetings/{consular.meeting.pk}/agenda/"

    response = client.post(url, {"title": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html
    assert ('<a href="#agenda_commitments_0">Commitments to add: Choose at least one commitment that is not on the '
            "agenda yet, or give an item.</a>") in html

    services.agenda_add(meeting=consular.meeting, by=reviewer, commitments=[consular.c202])
    response = client.post(url, {"commitments": [str(consular.c202.pk)]})
    assert response.status_code == 400
    assert (f"Choose among the commitments proposed now: {consular.c202.pk} is not one of them (it may have been "
            "added, or changed, meanwhile).") in unescape(response.content.decode())
    assert agenda_refs(consular.meeting) == ["20.2"]


def test_readers_see_the_proposals_without_boxes_or_buttons(client, consular, analyst):
    client.force_login(analyst)
    html = client.get(consular.meeting.get_absolute_url()).content.decode()
    text = page_text(html)
    assert "Proposed by the tracker" in text and "— EU update stale, due 19 Nov 2025; UK update stale" in text
    assert 'name="commitments"' not in html and 'name="reason"' not in html
    assert f'action="/dialogues/meetings/{consular.meeting.pk}/agenda/"' not in html


@pytest.mark.parametrize("persona", ["eu_official", "analyst", "outsider"])
def test_only_reviewers_and_administrators_add_to_the_agenda(client, request, consular, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(f"/dialogues/meetings/{consular.meeting.pk}/agenda/", {"reason": "overdue"})
    assert response.status_code == 403
    assert agenda_refs(consular.meeting) == []


def test_the_meeting_page_runs_the_same_queries_however_many_proposals_and_agenda_items(
    client, consular, reviewer, eu_official, django_assert_max_num_queries
):
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    meeting = services.meeting_create(series=sdd, date=timezone.localdate() + timedelta(days=90), place="Rome",
                                      by=reviewer)
    client.force_login(reviewer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as run:
            assert client.get(meeting.get_absolute_url()).status_code == 200
        return len(run)

    before = queries()
    client.post(f"/dialogues/meetings/{meeting.pk}/agenda/", {"reason": "overdue"})
    report(commitment("14.1"), eu_official, "EU", Status.DELAYED, "Postponed by a month.")
    assert meeting.agenda.count() > 40
    assert queries() == before
    with django_assert_max_num_queries(25):
        client.get(meeting.get_absolute_url())


# --- the briefing pack ------------------------------------------------------------------------------------------


def test_the_pack_lists_the_thirty_most_pressing_counts_each_reason_and_links_to_every_proposal(
    client, partnership, reviewer, eu_official
):
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    meeting = services.meeting_create(series=sdd, date=timezone.localdate() + timedelta(days=60), place="London",
                                      by=reviewer)
    report(commitment("20.1"), eu_official, "EU", Status.AT_RISK, "The joint exercise slipped.")
    data = build_pack(meeting)
    proposed = data["proposed"]
    assert len(proposed) > 40  # nothing reported since adoption: nearly every commitment is late
    ranks = [RANK_OF[p["kinds"][0]] for p in proposed]
    assert ranks == sorted(ranks)  # the most pressing first, so the thirty shown are the most pressing

    client.force_login(reviewer)
    html = client.get(f"/dialogues/meetings/{meeting.pk}/pack/").content.decode()
    start = html.index("<h3>Proposed by the tracker</h3>")
    section = html[start: html.index("</section>", start)]
    listed = section[section.index("<ul>"): section.index("</ul>", section.index("<ul>"))]
    text = page_text(section)
    assert f"{len(proposed)} commitments not on the agenda yet, the most pressing first." in text
    assert "At risk or delayed: 1" in text and "Changed since the last meeting: 1" in text
    assert listed.count("<li>") == 30
    assert [unescape(title) for title in _titles(listed)] == [p["title"] for p in proposed[:30]]
    assert f"And {len(proposed) - 30} more: every proposal, by reason, on the meeting page." in text
    assert f'<a href="/dialogues/meetings/{meeting.pk}/#proposals">' in section

    # The PDF has them all, as it has every area.
    pdf = pack_context(meeting, data, None, frozenset(), may_assess=False, area=None)["proposals"]
    assert (len(pdf["shown"]), pdf["more"]) == (len(proposed), 0)


RANK_OF = {"overdue": 0, "at_risk": 1, "disagreement": 2, "changed": 3}


def _titles(listed: str) -> list[str]:
    return [item.split("<li>", 1)[1].split(" <span", 1)[0] for item in listed.split("</li>") if "<li>" in item]


def test_a_held_meeting_proposes_nothing(client, consular, reviewer):
    held = Meeting.objects.get(series=consular.meeting.series, status="held")
    client.force_login(reviewer)
    html = client.get(held.get_absolute_url()).content.decode()
    assert "Proposed by the tracker" not in html


@pytest.mark.parametrize(("status", "told"), [
    ("held", "The meeting is held: its agenda can no longer change."),
    ("cancelled", "The meeting is cancelled: its agenda can no longer change."),
])
def test_the_agenda_of_a_held_or_cancelled_meeting_is_closed(client, consular, reviewer, status, told):
    Meeting.objects.filter(pk=consular.meeting.pk).update(status=status)
    client.force_login(reviewer)
    response = client.post(f"/dialogues/meetings/{consular.meeting.pk}/agenda/",
                           {"commitments": [str(consular.c201.pk)], "title": "Any other business"})
    assert response.status_code == 400
    assert told in response.content.decode()
    assert AgendaItem.objects.filter(meeting=consular.meeting).count() == 0


def test_a_meeting_marked_held_after_its_page_was_read_refuses_the_addition(consular, reviewer):
    stale = Meeting.objects.get(pk=consular.meeting.pk)  # read while still planned
    Meeting.objects.filter(pk=stale.pk).update(status="held")
    with pytest.raises(ValidationError) as refused:
        services.agenda_add(meeting=stale, by=reviewer, title="Any other business")
    assert refused.value.messages == ["The meeting is held: its agenda can no longer change."]
    assert AgendaItem.objects.filter(meeting=stale).count() == 0


def test_a_postponed_meeting_still_takes_agenda_items(consular, reviewer):
    Meeting.objects.filter(pk=consular.meeting.pk).update(status="postponed")
    services.agenda_add(meeting=consular.meeting, by=reviewer, commitments=[consular.c201])
    assert agenda_refs(consular.meeting) == ["20.1"]
