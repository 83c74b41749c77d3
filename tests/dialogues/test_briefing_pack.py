"""The briefing pack: its contents for a known history, frozen when the meeting is held, reviews beside
self-report, full rows for what needs attention, and the viewer's rights in the HTML and the PDF (whose preparation in
the background is tested in test_pack_pdf.py)."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from commitments.models import Commitment
from commitments.status import Status
from dialogues import services
from dialogues.models import BriefingPack
from dialogues.pack import build_pack
from reports.pack_display import pack_context
from tests.conftest import make_user
from tests.dialogues.conftest import SENSITIVE_NOTE, at, download_pack_pdf, pdf_text, record


def find(pack, ref):
    return next(c for area in pack["areas"] for c in area["commitments"] if c["ref"] == ref)


def test_the_pack_summarises_what_moved_since_the_last_meeting(cycle):
    pack = build_pack(cycle["next"], today=date(2026, 10, 1))
    assert pack["since"] == "2026-05-20" and pack["previous"]["date"] == "2026-05-20"
    assert pack["summary"]["commitments"] == Commitment.objects.count()  # the SDD reviews everything
    assert pack["summary"]["updates_since"] == 2
    assert pack["summary"]["moved"] == 1  # 14.1, on both sides
    assert pack["summary"]["troubled"] == 1
    entry = find(pack, "14.1")
    sides = {s["code"]: s for s in entry["sides"]}
    assert (sides["EU"]["before"], sides["EU"]["status"]) == (Status.NOT_ASSESSED, Status.ON_TRACK)
    assert (sides["UK"]["before"], sides["UK"]["status"]) == (Status.NOT_ASSESSED, Status.AT_RISK)
    assert [u["note"] for u in entry["updates"]] == ["First exchange held.", "Ministers disagree on the venue."]
    assert find(pack, "19.1")["late"] is True
    assert pack["marking"] == "OFFICIAL-SENSITIVE"


def test_the_pack_follows_up_the_previous_meetings_guidance_and_actions(cycle):
    pack = build_pack(cycle["next"], today=date(2026, 10, 1))
    assert pack["follow_up"]["guidance"] == ["Agree dates for every standing exchange."]
    (action,) = pack["follow_up"]["actions"]
    assert (action["title"], action["owner"], action["overdue"]) == ("Propose dates", "FCDO", True)
    assert pack["proposed"]  # planned: the tracker proposes an agenda
    assert any(p["commitment"] == cycle["b"].pk for p in pack["proposed"])


def test_holding_the_meeting_freezes_the_pack_and_later_updates_do_not_change_it(cycle, reviewer, eu_official):
    meeting = cycle["next"]
    services.meeting_update(meeting=meeting, expected_version=meeting.version, date=date(2026, 10, 5), status="held",
                            by=reviewer, now=at(date(2026, 10, 5)))
    frozen = BriefingPack.objects.get(meeting=meeting)
    before = frozen.data
    record(cycle["b"], make_user("crc", organisation="eeas-crc", is_official=True), "EU", Status.IN_PROGRESS,
           date(2026, 10, 20))
    services.meeting_update(meeting=meeting, expected_version=meeting.version + 1, place="Paris", by=reviewer,
                            now=at(date(2026, 10, 21)))
    frozen.refresh_from_db()
    assert frozen.data == before
    assert find(frozen.data, "19.1")["sides"][0]["status"] == Status.NOT_ASSESSED


def test_the_frozen_pack_and_today_are_shown_side_by_side(client, cycle, reviewer, analyst):
    meeting = cycle["next"]
    services.meeting_update(meeting=meeting, expected_version=meeting.version, date=date(2026, 10, 5), status="held",
                            by=reviewer, now=at(date(2026, 10, 5)))
    record(cycle["b"], make_user("crc", organisation="eeas-crc", is_official=True), "EU", Status.IN_PROGRESS, date(2026, 10, 20))
    client.force_login(analyst)
    page = client.get(reverse("packs:page", args=[meeting.pk])).content.decode()
    assert "Frozen when the meeting was marked held" in page
    compare = client.get(reverse("packs:compare", args=[meeting.pk]))
    changed = {(c["commitment"]["ref"], c["code"]) for c in compare.context["changes"]}
    assert ("19.1", "EU") in changed
    assert "<mark>" in compare.content.decode()


def test_reviews_sit_beside_self_report_and_disagreements_show(client, cycle, reviewer, analyst):
    meeting, a, b = cycle["next"], cycle["a"], cycle["b"]
    services.assessment_record(meeting=meeting, commitment=a, verdict="on_track", rationale="Exchanges are happening.", by=reviewer)
    services.assessment_record(meeting=meeting, commitment=b, verdict="insufficient_evidence", rationale="No reports.", by=reviewer)
    pack = build_pack(meeting, today=date(2026, 10, 1))
    assert find(pack, "14.1")["review"]["verdict"] == "on_track"
    assert find(pack, "14.1")["review_disagrees"] is True  # self-reported at risk on the UK side
    assert find(pack, "19.1")["review_disagrees"] is False
    assert (pack["summary"]["reviews"], pack["summary"]["review_disagrees"]) == (2, 1)
    client.force_login(analyst)
    dashboard = client.get(reverse("dashboards:overview")).content.decode()
    assert "disagree with the officials" in dashboard or "disagrees with the officials" in dashboard
    assert a.title in dashboard


def test_only_reviewers_assess_and_only_for_a_planned_sdd(cycle, reviewer, analyst, administrator):
    from django.core.exceptions import PermissionDenied, ValidationError

    for user in (analyst, administrator):
        with pytest.raises(PermissionDenied):
            services.assessment_record(meeting=cycle["next"], commitment=cycle["a"], verdict="on_track", rationale="x", by=user)
    with pytest.raises(ValidationError) as error:
        services.assessment_record(meeting=cycle["first"], commitment=cycle["a"], verdict="on_track", rationale="x", by=reviewer)
    assert "no longer planned" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.assessment_record(meeting=cycle["next"], commitment=cycle["a"], verdict="on_track", rationale=" ", by=reviewer)
    assert "rationale" in error.value.message_dict


def test_a_reviewer_records_an_assessment_in_the_browser_form(client, cycle, reviewer, analyst):
    url = reverse("packs:assess", args=[cycle["next"].pk, cycle["a"].pk])
    client.force_login(analyst)
    assert client.get(url).status_code == 403
    client.force_login(reviewer)
    assert client.post(url, {"verdict": "off_track", "rationale": ""}).status_code == 200  # rationale required
    response = client.post(url, {"verdict": "off_track", "rationale": "The venue dispute blocks it."})
    assert response.status_code == 302
    assert cycle["next"].assessments.get().verdict == "off_track"


@pytest.mark.parametrize(("persona", "sees"), [("analyst", False), ("reviewer", True), ("uk_official", True), ("eu_official", True)])
def test_sensitive_notes_follow_the_viewer_in_the_html_and_the_pdf(client, request, cycle, persona, sees):
    client.force_login(request.getfixturevalue(persona))
    meeting = cycle["next"]
    html = client.get(reverse("packs:page", args=[meeting.pk]), {"area": "all"}).content.decode()
    assert (SENSITIVE_NOTE in html) is sees
    assert ("Note withheld: OFFICIAL-SENSITIVE" in html) is not sees
    assert "OFFICIAL-SENSITIVE" in html  # the pack's own marking
    text = pdf_text(download_pack_pdf(client, meeting))
    assert ("Ministers disagree" in text) is sees
    assert "OFFICIAL-SENSITIVE" in text
    assert "commitments reviewed" in text and "overdue or stale" in text


def test_the_pack_is_for_those_who_may_see_the_meeting(client, cycle, outsider):
    other = make_user("eda-official", organisation="eda", is_official=True)
    for user, code in ((other, 403), (outsider, 403)):
        client.force_login(user)
        assert client.get(reverse("packs:page", args=[cycle["next"].pk])).status_code == code
        assert client.get(reverse("packs:pdf", args=[cycle["next"].pk])).status_code == code
    client.logout()
    assert client.get(reverse("packs:page", args=[cycle["next"].pk])).status_code == 302


def test_the_compare_page_needs_a_frozen_pack(client, cycle, analyst):
    client.force_login(analyst)
    assert client.get(reverse("packs:compare", args=[cycle["next"].pk])).status_code == 404
    assert client.get(reverse("packs:compare", args=[cycle["first"].pk])).status_code == 200


def test_the_pack_page_query_count_is_bounded(client, cycle, analyst, eu_official, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(analyst)
    url = reverse("packs:page", args=[cycle["next"].pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for day in range(30):
        record(cycle["a"], eu_official, "EU", [Status.IN_PROGRESS, Status.ON_TRACK][day % 2],
               date(2026, 9, 1) + timedelta(days=day))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_quiet_commitments_get_one_line_and_those_needing_attention_a_full_row(cycle, reviewer, eu_official,
                                                                               uk_official):
    meeting = cycle["next"]
    # Fulfilled by the SDD held in May 2026: not due again before May 2027, nothing since. The consultations (12d)
    # were never held: updates on both sides do not make them quiet.
    consultations = Commitment.objects.get(ref="12d")
    record(consultations, eu_official, "EU", Status.ONGOING, date(2026, 5, 1))
    record(consultations, uk_official, "UK", Status.ONGOING, date(2026, 5, 1))
    context = pack_context(meeting, build_pack(meeting, today=date(2026, 10, 1)), None, frozenset(), may_assess=False)
    quiet = [c["ref"] for area in context["areas"] for c in area["quiet"]]
    assert quiet == ["12c", "61.1"]
    html = render_to_string("dialogues/_pack_body.html", context)
    assert html.count('<table class="table compact pack-quiet">') == 2  # the areas of 12(c) and of 61.1
    # Every area (and part outside the areas) has a commitment that needs attention.
    assert html.count('<table class="table compact pack-table">') == len(context["areas"]) == 24
    assert "Independent review" not in html  # nothing reviewed and nothing to assess: no empty column on every row
    assert "OFFICIAL</span>" not in html  # a note is OFFICIAL unless marked, said once

    services.assessment_record(meeting=meeting, commitment=cycle["b"], verdict="off_track", rationale="No reports.",
                               by=reviewer)
    context = pack_context(meeting, build_pack(meeting, today=date(2026, 10, 1)), None, frozenset(), may_assess=False)
    assert "<th scope=\"col\">Independent review</th>" in render_to_string("dialogues/_pack_body.html", context)


def test_the_pack_page_shows_one_area_at_a_time_with_an_index_of_all(client, cycle, reviewer):
    client.force_login(reviewer)
    url = reverse("packs:page", args=[cycle["next"].pk])
    first = client.get(url)
    areas = first.context["area_index"]
    assert len(areas) > 10 and [a["title"] for a in first.context["areas"]] == [areas[0]["title"]]
    maritime = next(a for a in areas if a["title"] == "Maritime Security")
    page = client.get(url, {"area": str(maritime["number"])})
    assert [a["title"] for a in page.context["areas"]] == ["Maritime Security"]
    html = page.content.decode()
    assert 'aria-current="page">Maritime Security</a>' in html and "Show every area on one page" in html
    assert len(client.get(url, {"area": "all"}).context["areas"]) == len(areas)
    assert client.get(url, {"area": "999"}).context["areas"][0]["title"] == areas[0]["title"]  # out of range: the first


def test_a_live_pack_page_reads_the_latest_updates_of_the_area_it_shows_and_the_pdf_of_every_area(cycle):
    meeting = cycle["next"]
    area_of_14_1 = build_pack(meeting, today=date(2026, 10, 1), area=f"c{cycle['a'].pk}")
    assert [u["note"] for u in find(area_of_14_1, "14.1")["updates"]] == ["First exchange held.", "Ministers disagree on the venue."]
    first_area = build_pack(meeting, today=date(2026, 10, 1), area="1")
    assert "14.1" not in [c["ref"] for c in first_area["areas"][0]["commitments"]]
    assert find(first_area, "14.1")["updates"] == []
    # What the page does not show still counts: the summary, the marking and the index are the whole pack's.
    assert first_area["summary"] == area_of_14_1["summary"] and first_area["summary"]["updates_since"] == 2
    assert first_area["marking"] == "OFFICIAL-SENSITIVE"


def test_the_pack_is_marked_sensitive_by_a_sensitive_update_of_its_period_even_one_not_among_the_latest(cycle, uk_official):
    meeting, a = cycle["next"], cycle["a"]
    for day in (date(2026, 8, 10), date(2026, 8, 20), date(2026, 8, 30)):
        record(a, uk_official, "UK", Status.AT_RISK, day, note="Plain news.")
    pack = build_pack(meeting, today=date(2026, 10, 1))
    assert all(u["marking"] == "OFFICIAL" for u in find(pack, "14.1")["updates"])  # the sensitive one is older
    assert pack["marking"] == "OFFICIAL-SENSITIVE"
    held_before = build_pack(cycle["first"], today=date(2026, 10, 1))  # its period ended before the sensitive update
    assert held_before["marking"] == "OFFICIAL"


def test_the_pack_says_its_format_and_holds_what_the_format_describes(cycle):
    pack = build_pack(cycle["next"], today=date(2026, 10, 1))
    assert pack["format"] == 1
    assert set(pack) == {"format", "meeting", "partnership", "as_of", "since", "previous", "marking", "summary",
                         "areas", "follow_up", "agenda", "proposed", "illustrative"}
    assert set(pack["summary"]) == {"commitments", "sides", "overall", "per_side", "late", "troubled", "moved",
                                    "updates_since", "newly_achieved", "reviews", "review_disagrees"}
    entry = find(pack, "14.1")
    assert set(entry) == {"id", "ref", "reference", "title", "strength", "cadence", "overall", "sides", "updates",
                          "update_count", "review", "review_disagrees", "late", "troubled", "moved"}
    assert set(entry["sides"][0]) == {"code", "status", "before", "due_state", "due_on"}
    assert set(entry["updates"][0]) == {"id", "side", "status", "note", "marking", "as_of", "recorded", "by",
                                        "illustrative"}
