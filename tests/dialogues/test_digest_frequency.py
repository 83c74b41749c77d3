"""Each person chooses whether the overdue digest comes daily (as it always did, and without a choice) or weekly,
on a page reached from the notifications; a weekly digest goes on the configured weekday, or on the first sweep
after it when nothing ran that day."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from audit.models import AuditEntry
from dialogues.models import DigestPreference, Reminder
from dialogues.reminders import send_due_reminders
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY = date(2026, 2, 2)  # every side without an update has been overdue since early December 2025
PAGE = "/dialogues/notifications/digest/"


def at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BRUSSELS)


def digest_keys(user) -> list[str]:
    return sorted(Reminder.objects.filter(recipient=user, kind="digest").values_list("key", flat=True))


def sweep_days(first: date, count: int) -> None:
    for n in range(count):
        send_due_reminders(now=at(first + timedelta(days=n)))


def choose(client, user, frequency: str):
    client.force_login(user)
    return client.post(PAGE, {"frequency": frequency})


def test_without_a_choice_the_digest_is_daily(client, eu_official):
    client.force_login(eu_official)
    html = client.get(PAGE).content.decode()

    assert 'value="daily" checked' in html and 'value="weekly" checked' not in html
    assert "Weekly, on Mondays at 07:00" in html
    sweep_days(MONDAY, 3)
    assert digest_keys(eu_official) == [f"digest:{eu_official.pk}:{day}" for day in ("20260202", "20260203", "20260204")]


def test_the_notifications_page_leads_to_the_choice(client, eu_official):
    client.force_login(eu_official)

    assert f'href="{PAGE}"' in client.get("/dialogues/notifications/").content.decode()


def test_who_chooses_weekly_gets_one_digest_a_week_on_mondays_and_colleagues_stay_daily(client, eu_official):
    colleague = make_user("eeas-two", organisation="eeas", is_official=True)

    response = choose(client, eu_official, "weekly")

    assert (response.status_code, response["Location"]) == (302, PAGE)
    assert 'value="weekly" checked' in client.get(PAGE).content.decode()
    sweep_days(MONDAY, 8)  # Monday to the next Monday
    assert digest_keys(eu_official) == [f"digest:{eu_official.pk}:2026W06", f"digest:{eu_official.pk}:2026W07"]
    weekly = Reminder.objects.get(key=f"digest:{eu_official.pk}:2026W06")
    assert weekly.subject_line.startswith("This week: ") and weekly.subject_line.endswith(" overdue for EEAS")
    assert weekly.due_at == at(MONDAY, 7)
    assert len(digest_keys(colleague)) == 8


def test_a_week_whose_monday_went_unswept_still_gets_its_weekly_digest_once(client, eu_official):
    choose(client, eu_official, "weekly")

    sweep_days(MONDAY + timedelta(days=2), 5)  # Wednesday to Sunday

    assert digest_keys(eu_official) == [f"digest:{eu_official.pk}:2026W06"]
    assert Reminder.objects.get(recipient=eu_official, kind="digest").created_at == at(MONDAY + timedelta(days=2))


def test_the_weekly_digest_goes_on_the_configured_weekday(client, eu_official, settings):
    settings.REMINDER_DIGEST_WEEKDAY = 4  # Friday
    choose(client, eu_official, "weekly")
    assert "Weekly, on Fridays at 07:00" in client.get(PAGE).content.decode()

    sweep_days(MONDAY, 4)
    assert digest_keys(eu_official) == []
    send_due_reminders(now=at(MONDAY + timedelta(days=4), 6))  # Friday, before the digest hour
    assert digest_keys(eu_official) == []
    send_due_reminders(now=at(MONDAY + timedelta(days=4), 7))
    assert digest_keys(eu_official) == [f"digest:{eu_official.pk}:2026W06"]


def test_choosing_daily_again_brings_the_daily_digest_back(client, eu_official):
    choose(client, eu_official, "weekly")
    sweep_days(MONDAY, 2)
    choose(client, eu_official, "daily")
    sweep_days(MONDAY + timedelta(days=2), 2)

    assert digest_keys(eu_official) == [
        f"digest:{eu_official.pk}:20260204", f"digest:{eu_official.pk}:20260205", f"digest:{eu_official.pk}:2026W06"]


def test_each_choice_is_audited(client, eu_official):
    choose(client, eu_official, "weekly")
    choose(client, eu_official, "daily")

    entries = AuditEntry.objects.filter(user=eu_official, action="digest frequency chosen").order_by("pk")
    assert [(e.details, e.path) for e in entries] == [({"frequency": "weekly"}, PAGE), ({"frequency": "daily"}, PAGE)]
    assert DigestPreference.objects.get(user=eu_official).frequency == "daily"


@pytest.mark.parametrize("value", ["", "hourly", "WEEKLY", "a\x00b", "x" * 100_000])
def test_anything_but_daily_or_weekly_is_refused_on_the_field(client, eu_official, value):
    response = choose(client, eu_official, value)

    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="field-error" id="frequency-error">Choose daily or weekly.</p>' in html
    assert 'aria-invalid="true"' in html and "<title>Error: " in html
    assert not DigestPreference.objects.exists()
    assert not AuditEntry.objects.filter(action="digest frequency chosen").exists()


@pytest.mark.parametrize("persona", ["eu_official", "analyst", "reviewer", "administrator"])
def test_every_role_may_open_and_set_its_own_choice(client, request, persona):
    user = request.getfixturevalue(persona)

    assert choose(client, user, "weekly").status_code == 302

    assert DigestPreference.objects.get().user == user


def test_the_page_needs_a_role_and_a_sign_in(client, outsider):
    assert client.get(PAGE).status_code == 302
    client.force_login(outsider)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"frequency": "weekly"}).status_code == 403
    assert not DigestPreference.objects.exists()
