"""Dates set where they are really decided: a milestone recorded in a held meeting's outcome becomes the commitment's
next due date with the meeting as its source, until the side reports on it; the next meeting's pack follows it up;
and the commitments a dialogue's meetings fulfil (12(a), 12(c), 12(d), 61.1) are due from the last meeting held.

Services take `now=`; the pages use the real day (the tests' dates are all before it or far after it)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from commitments.history import facts, facts_on
from commitments.models import Commitment, CommitmentSide
from commitments.services import commitment_update_status
from dialogues import milestones, services
from dialogues.models import DialogueSeries, Meeting, Milestone
from dialogues.pack import build_pack
from tests.conftest import commitment

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BRUSSELS)


def held(reviewer, slug: str, day: date) -> Meeting:
    return services.meeting_create(series=DialogueSeries.objects.get(slug=slug), date=day, place="London",
                                   status=Meeting.Status.HELD, by=reviewer, now=at(day, 18))


def side(ref: str, code: str) -> CommitmentSide:
    return CommitmentSide.objects.get(commitment=commitment(ref), party__code=code)


def update(ref: str, code: str, by, day: date, status: str = "on_track"):
    found = commitment(ref)
    return commitment_update_status(commitment=found, party_code=code, status=status, note="Reported.", as_of=day,
                                    by=by, expected_version=found.version, now=at(day, 12))


def set_milestone(meeting, reviewer, ref="26.1", party_code="", due_on=date(2026, 3, 31),
                  description="Council decision on the UK's participation in Military Mobility", now=None):
    return milestones.milestone_set(meeting=meeting, commitment=commitment(ref), party_code=party_code, due_on=due_on,
                                    description=description, by=reviewer, now=now or at(meeting.date, 19))


# --- a milestone is the next due date, with its meeting -------------------------------------------------------


def test_a_milestone_set_at_a_held_sdd_becomes_each_sides_next_due_date(partnership, reviewer):
    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    assert side("14.4", "EU").due_on == date(2025, 11, 19)  # six months after adoption, the cadence's date

    set_milestone(sdd, reviewer, ref="14.4", due_on=date(2025, 10, 31), description="Align the next sanctions package")

    assert side("14.4", "EU").due_on == date(2025, 10, 31)
    assert side("14.4", "EU").overdue_on == date(2025, 11, 1)  # a deadline: overdue the day after
    assert side("14.4", "UK").due_on == date(2025, 10, 31)


def test_a_milestone_after_the_cadences_date_leaves_the_update_owed_first(partnership, reviewer):
    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    set_milestone(sdd, reviewer, due_on=date(2025, 12, 31))
    assert (side("26.1", "EU").due_on, side("26.1", "UK").due_on) == (date(2025, 11, 19), date(2025, 11, 19))


def test_a_milestone_for_one_side_leaves_the_other_alone(partnership, reviewer):
    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    set_milestone(sdd, reviewer, ref="14.4", party_code="UK", due_on=date(2025, 10, 31), description="OFSI guidance")
    assert side("14.4", "UK").due_on == date(2025, 10, 31)
    assert side("14.4", "EU").due_on == date(2025, 11, 19)


def test_an_update_near_or_after_its_day_reports_on_it_and_an_earlier_one_does_not(partnership, reviewer, uk_official):
    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    set_milestone(sdd, reviewer, ref="12b.2", party_code="UK", due_on=date(2026, 9, 30), description="Invite the HR")
    update("12b.2", "UK", uk_official, date(2025, 10, 10))  # a month on: the milestone is still ahead
    assert side("12b.2", "UK").due_on == date(2026, 9, 30)  # before the cadence's 10 October 2026
    update("12b.2", "UK", uk_official, date(2026, 9, 20))  # within two weeks of its day: reported on
    assert side("12b.2", "UK").due_on == date(2027, 9, 20)  # ad hoc: a year after the last update


def test_an_update_recorded_before_the_milestone_was_set_does_not_report_on_it(partnership, reviewer, uk_official):
    update("14.4", "UK", uk_official, date(2025, 10, 20))
    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 21))
    set_milestone(sdd, reviewer, ref="14.4", party_code="UK", due_on=date(2025, 10, 30), description="OFSI guidance")
    assert side("14.4", "UK").due_on == date(2025, 10, 30)


def test_a_withdrawn_milestone_no_longer_sets_the_date_but_the_days_it_was_in_force_keep_it(partnership, reviewer):
    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    milestone = set_milestone(sdd, reviewer, ref="14.4", due_on=date(2025, 10, 31), description="Align packages",
                              now=at(date(2025, 10, 2)))
    milestones.milestone_withdraw(milestone=Milestone.objects.get(pk=milestone.pk), by=reviewer,
                                  now=at(date(2025, 11, 10)))
    assert side("14.4", "EU").due_on == date(2025, 11, 19)
    then = {f.party: f for f in facts(partnership, date(2025, 11, 5), today=date(2026, 12, 1),
                                      commitments=[commitment("14.4").pk])}
    assert then["EU"].plan.due_on == date(2025, 10, 31)
    assert then["EU"].due_state.value == "overdue"
    before = {f.party: f for f in facts(partnership, date(2025, 10, 1), today=date(2026, 12, 1),
                                        commitments=[commitment("14.4").pk])}
    assert before["EU"].plan.due_on == date(2025, 11, 19)  # not yet set that day


def test_several_days_read_together_are_each_days_picture(partnership, reviewer, uk_official):
    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    milestone = set_milestone(sdd, reviewer, ref="14.4", due_on=date(2025, 10, 31), description="Align packages",
                              now=at(date(2025, 10, 2)))
    milestones.milestone_withdraw(milestone=Milestone.objects.get(pk=milestone.pk), by=reviewer,
                                  now=at(date(2025, 11, 10)))
    held(reviewer, "security-and-defence-dialogue", date(2026, 6, 10))
    update("12c", "UK", uk_official, date(2026, 7, 1))
    days = [date(2025, 9, 1), date(2025, 11, 5), date(2025, 12, 1), date(2026, 7, 2)]
    together = facts_on(partnership, days, today=date(2026, 12, 1))
    for day in days:
        assert together[day] == facts(partnership, day, today=date(2026, 12, 1)), day
    on = {day: {(f.commitment_id, f.party): f for f in together[day]} for day in days}
    assert on[date(2025, 11, 5)][(commitment("14.4").pk, "EU")].plan.due_on == date(2025, 10, 31)
    assert on[date(2025, 12, 1)][(commitment("14.4").pk, "EU")].plan.due_on == date(2025, 11, 19)
    assert on[date(2025, 9, 1)][(commitment("12c").pk, "UK")].plan.due_on == date(2026, 5, 19)  # none held yet
    assert on[date(2025, 12, 1)][(commitment("12c").pk, "UK")].plan.due_on == date(2026, 10, 1)
    assert on[date(2026, 7, 2)][(commitment("12c").pk, "UK")].plan.due_on == date(2027, 6, 10)
    assert on[date(2026, 7, 2)][(commitment("12c").pk, "UK")].updates == 1


def test_every_mistake_in_a_milestone_is_told_at_once_and_nothing_is_written(partnership, reviewer):
    planned = services.meeting_create(series=DialogueSeries.objects.get(slug="security-and-defence-dialogue"),
                                      date=date(2027, 5, 20), place="Brussels", by=reviewer, now=at(date(2026, 12, 1)))
    with pytest.raises(ValidationError) as refused:
        set_milestone(planned, reviewer, due_on=date(2027, 5, 1), description="  ")
    assert refused.value.message_dict == {
        "commitment": ["Milestones are set in a meeting's outcome, once it has been held."],
        "due_on": ["A milestone falls after the meeting that sets it."],
        "description": ["Say what is to be done or reported by then."],
    }
    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    with pytest.raises(ValidationError) as refused:
        set_milestone(sdd, reviewer, ref="12b.2", party_code="EU", description="SECRET: the list")
    assert set(refused.value.message_dict) == {"party", "description"}
    assert refused.value.message_dict["party"] == ["This commitment does not bind the EU side."]
    assert Milestone.objects.count() == 0


def test_only_reviewers_and_administrators_set_milestones(partnership, reviewer, eu_official):
    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    with pytest.raises(PermissionDenied):
        set_milestone(sdd, eu_official)
    assert Milestone.objects.count() == 0


# --- on the pages and in the next pack ------------------------------------------------------------------------


def test_the_meeting_page_sets_a_milestone_and_the_commitment_page_names_its_meeting(client, partnership, reviewer):
    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    client.force_login(reviewer)
    target = commitment("14.4")
    response = client.post(reverse("dialogues:milestone_add", args=[sdd.pk]), {
        "commitment": target.pk, "party": "", "due_on": "2031-06-30", "description": "Report on the alignment"})
    assert response.status_code == 302
    assert side("14.4", "UK").due_on == date(2025, 11, 19)  # the cadence's date comes first
    page = client.get(reverse("commitments:detail", args=[target.pk])).content.decode()
    assert "Milestones set at meetings" in page
    assert "30 Jun 2031: Report on the alignment" in page
    assert "Security and Defence Dialogue, 01 October 2025" in page
    meeting_page = client.get(sdd.get_absolute_url()).content.decode()
    assert "Report on the alignment" in meeting_page


def test_a_refused_milestone_form_answers_400_with_its_errors(client, partnership, reviewer):
    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    client.force_login(reviewer)
    response = client.post(reverse("dialogues:milestone_add", args=[sdd.pk]), {
        "commitment": commitment("14.4").pk, "due_on": "2025-09-01", "description": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "A milestone falls after the meeting that sets it." in page
    assert "This field is required." in page
    assert Milestone.objects.count() == 0


def test_an_official_cannot_post_a_milestone(client, partnership, reviewer, eu_official):
    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    client.force_login(eu_official)
    response = client.post(reverse("dialogues:milestone_add", args=[sdd.pk]), {
        "commitment": commitment("14.4").pk, "due_on": "2026-01-01", "description": "Report"})
    assert response.status_code == 403
    assert Milestone.objects.count() == 0


def test_the_next_meetings_pack_follows_up_the_milestones_set(partnership, reviewer, uk_official):
    first = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    set_milestone(first, reviewer, ref="14.4", due_on=date(2026, 3, 31), description="Align the sanctions packages")
    update("14.4", "UK", uk_official, date(2026, 3, 25))
    second = services.meeting_create(series=DialogueSeries.objects.get(slug="security-and-defence-dialogue"),
                                     date=date(2027, 5, 20), place="Brussels", by=reviewer, now=at(date(2026, 12, 1)))
    pack = build_pack(second, today=date(2026, 12, 1))
    [shown] = pack["follow_up"]["milestones"]
    assert (shown["reference"], shown["description"], shown["due_on"]) == (
        "¶14.4", "Align the sanctions packages", "2026-03-31")
    assert shown["sides"] == [{"code": "EU", "state": "overdue"}, {"code": "UK", "state": "reported"}]


def test_the_seed_gives_no_commitment_a_date_the_text_does_not(partnership):
    assert Commitment.objects.exclude(target_date=None).count() == 0
    assert Milestone.objects.count() == 0


# --- commitments fulfilled by meetings --------------------------------------------------------------------------


def test_the_commitments_meetings_fulfil_are_due_a_year_after_adoption_until_one_is_held(partnership):
    for ref in ("12c", "12d", "61.1"):
        assert side(ref, "EU").due_on == date(2026, 5, 19), ref
    assert side("12a", "UK").due_on == date(2025, 11, 19)


def test_a_held_sdd_moves_on_what_it_fulfils_and_an_update_in_between_does_not(partnership, reviewer, uk_official):
    held(reviewer, "security-and-defence-dialogue", date(2026, 6, 10))
    assert side("12c", "UK").due_on == date(2027, 6, 10)
    assert side("61.1", "EU").due_on == date(2027, 6, 10)
    assert side("12d", "UK").due_on == date(2026, 5, 19)  # the consultations are their own series
    update("12c", "UK", uk_official, date(2026, 7, 1))
    assert side("12c", "UK").due_on == date(2027, 6, 10)
    assert side("60.1", "UK").due_on == date(2025, 11, 19)  # carried by the SDD, not fulfilled: from its updates
    then = {f.party: f for f in facts(partnership, date(2026, 6, 1), today=date(2026, 12, 1),
                                      commitments=[commitment("12c").pk])}
    assert then["UK"].plan.due_on == date(2026, 5, 19)  # before the Dialogue was held


def test_the_commitment_page_says_its_due_date_comes_from_the_meetings(client, partnership, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("commitments:detail", args=[commitment("61.1").pk])).content.decode()
    assert "Due from the meetings of" in page
    assert "holding the next one moves it on" in page


def test_the_api_and_the_export_carry_the_milestones_with_their_meeting(client, partnership, reviewer, analyst):
    import csv
    import io

    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    set_milestone(sdd, reviewer, ref="14.4", party_code="UK", due_on=date(2025, 10, 31), description="=OFSI guidance",
                  now=at(date(2025, 10, 2)))
    client.force_login(analyst)
    body = client.get(f"/api/commitments/{commitment('14.4').pk}/").json()
    assert body["milestones"] == [{"due_on": "2025-10-31", "description": "=OFSI guidance", "side": "UK",
                                   "meeting": sdd.pk, "set_at": "2025-10-02T08:00:00Z", "withdrawn_at": None}]
    assert body["sides"][1]["due_on"] == "2025-10-31"
    response = client.get(reverse("reports:commitments", args=["csv"]), {"paragraph": "14"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8")[1:])))
    columns = rows[rows.index([]) + 1]
    data = {row[0]: dict(zip(columns, row)) for row in rows[rows.index([]) + 2:]}
    assert data["¶14.4"]["Milestones set at meetings"] == (
        "31 Oct 2025 (UK): =OFSI guidance (set at the Security and Defence Dialogue, 01 October 2025)")
    assert data["¶14.1"]["Milestones set at meetings"] == ""


def test_a_meeting_whose_milestones_stand_cannot_be_recorded_as_not_held(partnership, reviewer):
    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    milestone = set_milestone(sdd, reviewer, ref="14.4", due_on=date(2025, 10, 31), description="Align packages")
    with pytest.raises(ValidationError) as refused:
        services.meeting_update(meeting=sdd, expected_version=sdd.version, by=reviewer, status=Meeting.Status.CANCELLED,
                                now=at(date(2025, 10, 5)))
    assert refused.value.message_dict == {"status": [
        "Milestones were set at this meeting: withdraw them before recording it as not held."]}
    milestones.milestone_withdraw(milestone=milestone, by=reviewer, now=at(date(2025, 10, 5)))
    services.meeting_update(meeting=sdd, expected_version=sdd.version, by=reviewer, status=Meeting.Status.CANCELLED,
                            now=at(date(2025, 10, 5)))
    assert Meeting.objects.get(pk=sdd.pk).status == Meeting.Status.CANCELLED


def test_a_milestone_withdrawn_twice_is_withdrawn_and_audited_once(partnership, reviewer):
    from audit.models import AuditEntry

    sdd = held(reviewer, "security-and-defence-dialogue", date(2025, 10, 1))
    milestone = set_milestone(sdd, reviewer, ref="14.4", due_on=date(2025, 10, 31), description="Align packages")
    stale_copy = Milestone.objects.get(pk=milestone.pk)
    milestones.milestone_withdraw(milestone=milestone, by=reviewer, now=at(date(2025, 10, 5)))
    milestones.milestone_withdraw(milestone=stale_copy, by=reviewer, now=at(date(2025, 10, 6)))
    assert Milestone.objects.get(pk=milestone.pk).withdrawn_at == at(date(2025, 10, 5))
    assert AuditEntry.objects.filter(action="milestone withdrawn").count() == 1
