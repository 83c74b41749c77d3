"""Planning a meeting: when a meeting may be, by its status (dialogues.services.meeting_errors), told all at once on
the fields of the form; the form's date left empty when the series' due date has passed; and the dialogues index
naming a planned meeting whose day has passed rather than saying none is planned.

Today is frozen by passing `now=` to the services; the pages use the real day, so their dates are counted from it."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from agreement.models import Paragraph
from dialogues import services
from dialogues.models import DialogueSeries, Meeting

BRUSSELS = ZoneInfo("Europe/Brussels")
TODAY = date(2026, 12, 1)
NOW = datetime.combine(TODAY, time(10), tzinfo=BRUSSELS)
PAST_PLANNED = "A planned meeting cannot be in the past: give the day it will take place, or record it as held."
HELD_IN_FUTURE = "A meeting cannot be held in the future; keep it planned until it has taken place."
CLASSIFIED = ("“SECRET” is a classification above OFFICIAL-SENSITIVE: this system may not hold it. Remove the "
              "material and record only what is OFFICIAL or OFFICIAL-SENSITIVE.")


def sdd() -> DialogueSeries:
    return DialogueSeries.objects.get(slug="security-and-defence-dialogue")


def create(reviewer, **fields) -> Meeting:
    return services.meeting_create(**{"series": sdd(), "place": "London", "by": reviewer, "now": NOW, **fields})


def refusal(reviewer, **fields) -> dict:
    with pytest.raises(ValidationError) as refused:
        create(reviewer, **fields)
    return {field: messages for field, messages in refused.value.message_dict.items()}


# --- the rules, in the service ----------------------------------------------------------------------------------


def test_a_planned_meeting_may_be_today_or_later(partnership, reviewer):
    assert create(reviewer, date=TODAY).status == Meeting.Status.PLANNED
    assert create(reviewer, date=date(2027, 5, 20)).date == date(2027, 5, 20)


def test_a_planned_meeting_in_the_past_is_refused_on_its_date(partnership, reviewer):
    before = Meeting.objects.count()
    assert refusal(reviewer, date=date(2026, 11, 30)) == {"date": [PAST_PLANNED]}
    assert refusal(reviewer, date=date(2025, 11, 19)) == {"date": [PAST_PLANNED]}
    assert Meeting.objects.count() == before


def test_a_held_meeting_may_be_any_day_up_to_today_even_before_the_partnership(partnership, reviewer):
    """The sources record meetings held in 2023 and 2024, before the Partnership was adopted on 19 May 2025."""
    for day in (TODAY, date(2026, 5, 20), date(2023, 3, 20)):
        assert create(reviewer, date=day, status=Meeting.Status.HELD).date == day
    assert refusal(reviewer, date=date(2026, 12, 2), status=Meeting.Status.HELD) == {"status": [HELD_IN_FUTURE]}


def test_a_postponed_or_cancelled_meeting_keeps_the_day_it_was_planned_for(partnership, reviewer):
    assert create(reviewer, date=date(2026, 10, 5), status=Meeting.Status.POSTPONED).date == date(2026, 10, 5)
    assert create(reviewer, date=date(2027, 1, 5), status=Meeting.Status.CANCELLED).date == date(2027, 1, 5)


def test_dates_outside_the_window_are_refused_whatever_the_status(partnership, reviewer):
    window = "Give a date between 01 January 2000 and 16 December 2046."
    assert refusal(reviewer, date=date(1999, 12, 31), status=Meeting.Status.HELD) == {"date": [window]}
    assert refusal(reviewer, date=date(9999, 12, 31)) == {"date": [window]}


def test_every_problem_is_told_at_once_each_on_its_field(partnership, reviewer):
    assert refusal(reviewer, date=date(2026, 6, 1), place="SECRET venue", outcome="SECRET talks") == {
        "date": [PAST_PLANNED], "place": [CLASSIFIED], "outcome": [CLASSIFIED]}


def test_a_planned_meeting_whose_day_has_passed_is_recorded_as_held_or_moved_not_left_planned(partnership, reviewer):
    meeting = services.meeting_create(series=sdd(), date=date(2026, 11, 20), place="London", by=reviewer,
                                      now=datetime(2026, 10, 1, 10, tzinfo=BRUSSELS))
    with pytest.raises(ValidationError) as refused:
        services.meeting_update(meeting=meeting, expected_version=meeting.version, place="Paris", by=reviewer, now=NOW)
    assert refused.value.message_dict == {"date": [PAST_PLANNED]}

    moved = services.meeting_update(meeting=meeting, expected_version=meeting.version, date=date(2026, 12, 15),
                                    by=reviewer, now=NOW)
    assert (moved.date, moved.status, moved.version) == (date(2026, 12, 15), Meeting.Status.PLANNED, 2)
    held = services.meeting_update(meeting=moved, expected_version=2, date=date(2026, 11, 20), status="held",
                                   by=reviewer, now=NOW)
    assert (held.date, held.status) == (date(2026, 11, 20), Meeting.Status.HELD)


# --- the form ---------------------------------------------------------------------------------------------------


def form_page(client, series: DialogueSeries) -> str:
    response = client.get(f"/dialogues/series/{series.pk}/meetings/new/")
    assert response.status_code == 200
    return response.content.decode()


def date_input(html: str) -> str:
    start = html.index('<input type="date" name="date"')
    return html[start: html.index(">", start) + 1]


def test_the_form_leaves_the_date_empty_when_the_series_due_date_has_passed(client, partnership, reviewer):
    series = DialogueSeries.objects.get(slug="foreign-security-policy-dialogue")  # six-monthly: due 19 Nov 2025
    assert series.next_due_on == date(2025, 11, 19) < timezone.localdate()
    client.force_login(reviewer)
    html = form_page(client, series)
    assert "value=" not in date_input(html)
    assert ("The next meeting was due on 19 November 2025, so it is overdue. A planned meeting is today or later; "
            "a held one today or earlier.") in html


def test_the_form_offers_the_series_due_date_while_it_is_to_come(client, partnership, reviewer):
    series = sdd()
    due = timezone.localdate() + timedelta(days=100)
    DialogueSeries.objects.filter(pk=series.pk).update(next_due_on=due)
    series.refresh_from_db()
    client.force_login(reviewer)
    html = form_page(client, series)
    assert f'value="{due.isoformat()}"' in date_input(html)
    assert f"The next meeting is due on {due:%d %B %Y}." in html


def test_posting_a_past_date_for_a_planned_meeting_shows_every_problem_on_its_field(client, partnership, reviewer):
    series = sdd()
    client.force_login(reviewer)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(f"/dialogues/series/{series.pk}/meetings/new/", {
        "date": yesterday.isoformat(), "place": "SECRET venue", "status": "planned", "marking": "OFFICIAL",
        "outcome": "", "version": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="error-summary"') == 1
    assert f'<a href="#id_date">Date: {escape(PAST_PLANNED)}</a>' in html
    assert f'<a href="#id_place">Place: {escape(CLASSIFIED)}</a>' in html
    assert "<title>Error: " in html
    assert not Meeting.objects.filter(series=series).exists()


def test_a_held_meeting_in_the_future_is_refused_on_its_status_in_the_form(client, partnership, reviewer):
    series = sdd()
    client.force_login(reviewer)
    response = client.post(f"/dialogues/series/{series.pk}/meetings/new/", {
        "date": (timezone.localdate() + timedelta(days=3)).isoformat(), "place": "", "status": "held",
        "marking": "OFFICIAL", "outcome": "", "version": ""})
    assert response.status_code == 400
    assert f'<a href="#id_status">Status: {escape(HELD_IN_FUTURE)}</a>' in response.content.decode()


# --- the index --------------------------------------------------------------------------------------------------


def series_row(html: str, name: str) -> str:
    start = html.index(f">{name}</a>")
    return html[start: html.index("</tr>", start)]


def test_the_index_names_a_planned_meeting_whose_day_has_passed_instead_of_none_planned(client, partnership, reviewer):
    today = timezone.localdate()
    passed = services.meeting_create(series=sdd(), date=today - timedelta(days=10), place="Oslo", by=reviewer,
                                     now=timezone.now() - timedelta(days=40))
    client.force_login(reviewer)

    row = series_row(client.get("/dialogues/").content.decode(), "Security and Defence Dialogue")
    assert f'href="/dialogues/meetings/{passed.pk}/">{passed.date:%-d %b %Y}, Oslo</a>' in row
    assert "Its day has passed: record whether it was held." in row
    assert "None planned" not in row

    upcoming = services.meeting_create(series=sdd(), date=today + timedelta(days=30), place="Rome", by=reviewer)
    row = series_row(client.get("/dialogues/").content.decode(), "Security and Defence Dialogue")
    assert f'href="/dialogues/meetings/{upcoming.pk}/">{upcoming.date:%-d %b %Y}, Rome</a>' in row
    assert "Its day has passed" not in row


def test_the_index_says_none_planned_only_when_no_meeting_is_planned(client, partnership, reviewer):
    client.force_login(reviewer)
    row = series_row(client.get("/dialogues/").content.decode(), "Security and Defence Dialogue")
    assert "None planned" in row


# --- the series page --------------------------------------------------------------------------------------------


def test_the_series_page_links_each_paragraph_it_serves_in_the_same_queries_however_many(
        client, partnership, analyst, django_assert_max_num_queries):
    series = DialogueSeries.objects.get(slug="consular-consultations")
    client.force_login(analyst)
    url = reverse("dialogues:series", args=[series.pk])
    with CaptureQueriesContext(connection) as two:
        page = client.get(url).content.decode()
    assert '<a href="/partnerships/eu-uk-sdp-2025/#p20">¶20</a>, <a href="/partnerships/eu-uk-sdp-2025/#p21">¶21</a>' in page

    series.paragraphs.add(*Paragraph.objects.filter(partnership__slug="eu-uk-sdp-2025", number__in=[30, 31, 32]))
    with django_assert_max_num_queries(len(two.captured_queries)):
        page = client.get(url).content.decode()
    assert '<a href="/partnerships/eu-uk-sdp-2025/#p32">¶32</a>' in page
