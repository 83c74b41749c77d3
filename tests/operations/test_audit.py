"""The audit log: every service writes its entry in the transaction of its change, whoever calls it (a page, the API,
the admin, a Celery task, a management command); the entry says who, when, what, why and from where; nothing posted
can make it fail a write that succeeded, and an address from X-Forwarded-For counts only from our own proxies."""

from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agreement.models import Organisation
from audit.models import AuditEntry
from commitments.models import Commitment, StatusUpdate
from dialogues import services as dialogue_services
from dialogues.models import DialogueSeries, FollowUpAction
from dialogues.tasks import sweep_reminders

pytestmark = pytest.mark.django_db


def entries_since(start):
    return AuditEntry.objects.filter(at__gte=start).order_by("at", "pk")


def update_form(commitment, **changes):
    data = {"status": "at_risk", "note": "The venue is disputed.", "as_of": date.today().isoformat(),
            "marking": "OFFICIAL", "version": commitment.version, "corrects": "",
            **{f"evidence_{f}_{n}": "" for f in ("title", "url") for n in (1, 2, 3)}}
    return {**data, **changes}


def test_a_status_update_from_the_page_is_audited_with_who_what_why_and_from_where(client, partnership, eu_official):
    start = timezone.now()
    client.post(reverse("login"), {"username": eu_official.username, "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("login"), {"username": eu_official.username, "password": "correct-horse-battery"},
                REMOTE_ADDR="10.1.2.3")
    commitment = Commitment.objects.get(ref="14.1")
    response = client.post(reverse("commitments:update", args=[commitment.pk, "EU"]), update_form(commitment),
                           REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Test browser")
    assert response.status_code == 302
    assert list(entries_since(start).values_list("action", "username")) == [
        ("sign-in failed", "eu-official"), ("signed in", "eu-official"), ("status update", "eu-official")]
    entry = entries_since(start).get(action="status update")
    assert (entry.ip_address, entry.user_agent, entry.method) == ("10.1.2.3", "Test browser", "POST")
    assert entry.path == f"/commitments/{commitment.pk}/update/EU/"
    assert (entry.object_ref, entry.reason) == ("¶14.1 EU", "The venue is disputed.")
    assert entry.details["status"] == "at_risk" and entry.details["update"] == StatusUpdate.objects.latest("pk").pk


def test_a_refused_form_and_a_read_write_nothing_to_the_log(client, partnership, eu_official):
    client.force_login(eu_official)
    start = timezone.now()
    commitment = Commitment.objects.get(ref="14.1")
    client.get(commitment.get_absolute_url())
    response = client.post(reverse("commitments:update", args=[commitment.pk, "EU"]), update_form(commitment, note=""))
    assert response.status_code == 400  # "at risk" needs a note: the form is shown again with the error
    assert not entries_since(start).exists()


@pytest.mark.parametrize("field", ["note", "as_of", "marking", "ignored_by_the_form", "evidence_title_1"])
def test_a_nul_byte_in_any_field_is_a_form_error_or_a_clean_write_never_a_500(client, partnership, eu_official, field):
    client.force_login(eu_official)
    commitment = Commitment.objects.get(ref="14.1")
    updates, start = StatusUpdate.objects.count(), timezone.now()
    response = client.post(reverse("commitments:update", args=[commitment.pk, "EU"]),
                           update_form(commitment, **{field: "with a \x00 NUL"}))
    assert response.status_code in (200, 302, 400)
    wrote = StatusUpdate.objects.count() - updates
    assert entries_since(start).filter(action="status update").count() == wrote
    assert "\x00" not in "".join(entries_since(start).values_list("reason", flat=True))


def test_a_nul_byte_over_the_api_is_a_400_that_says_where(client, partnership, eu_official):
    client.force_login(eu_official)
    commitment = Commitment.objects.get(ref="14.1")
    start = timezone.now()
    etag = client.get(f"/api/commitments/{commitment.pk}/", headers={"Accept": "application/json"})["ETag"]
    response = client.post(f"/api/commitments/{commitment.pk}/updates/", {
        "side": "EU", "status": "at_risk", "note": "bad \x00 byte", "as_of": date.today().isoformat()},
        content_type="application/json", headers={"Accept": "application/json", "If-Match": etag})
    assert response.status_code == 400 and "note" in response.json()["errors"]
    assert not entries_since(start).exists()


def test_a_management_command_write_is_audited_as_coming_from_the_command(partnership, tmp_path):
    text = Path(__file__).resolve().parents[2] / "fixtures" / "eu-uk-security-and-defence-partnership-2025.txt"
    start = timezone.now()
    call_command("import_partnership", str(text), "--slug", "a-second-copy", stdout=StringIO())
    entry = entries_since(start).get(action="agreement created")
    assert (entry.method, entry.user, entry.object_ref) == ("command", None, "a-second-copy")
    assert entry.details["paragraphs"] == 62


def test_a_celery_task_write_is_audited_as_coming_from_the_task(partnership, reviewer, eu_official):
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    dialogue_services.meeting_create(series=sdd, date=timezone.localdate() + timedelta(days=5), place="London",
                                     by=reviewer)
    start = timezone.now()
    report = sweep_reminders.apply().get()
    assert report["sent"] > 0
    entry = entries_since(start).get(action="reminders sent")
    assert (entry.method, entry.path) == ("task", "dialogues.tasks.sweep_reminders")
    assert entry.details["sent"] == report["sent"]


def test_meeting_guidance_and_actions_are_audited_by_their_services(partnership, reviewer, uk_official):
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    start = timezone.now()
    meeting = dialogue_services.meeting_create(series=sdd, date=date(2026, 5, 20), place="Brussels", status="held",
                                               by=reviewer, now=timezone.make_aware(timezone.datetime(2026, 5, 21)))
    guidance = dialogue_services.guidance_add(meeting=meeting, text="Agree the dates.", by=reviewer)
    action = dialogue_services.action_add(meeting=meeting, title="Propose dates", owner=uk_official.organisation,
                                          due_on=date(2026, 9, 1), guidance=guidance, by=reviewer)
    dialogue_services.action_update(action=action, status=FollowUpAction.Status.DROPPED, note="Overtaken.",
                                    by=uk_official)
    assert list(entries_since(start).values_list("action", "username", "reason")) == [
        ("meeting created", "reviewer-1", ""), ("guidance added", "reviewer-1", "Agree the dates."),
        ("action added", "reviewer-1", ""), ("action updated", "uk-official", "Overtaken.")]


def test_an_admin_change_is_audited(client, partnership, administrator):
    client.force_login(administrator)
    start = timezone.now()
    organisation = Organisation.objects.get(slug="fcdo")
    response = client.post(f"/admin/partnership/organisation/{organisation.pk}/change/", {
        "party": organisation.party_id, "slug": organisation.slug, "short_name": organisation.short_name,
        "name": "Foreign, Commonwealth and Development Office (renamed)", "parent": "", "senior_contact": "",
        "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = entries_since(start).get(action="admin:partnership_organisation_change")
    assert entry.user == administrator and (entry.object_ref, entry.details) == (
        f"organisation {organisation.pk}", {"object": "FCDO", "change": "Changed Name."})


@pytest.mark.parametrize(("peer", "forwarded", "proxies", "seen"), [
    ("203.0.113.9", "198.51.100.1", [], "203.0.113.9"),  # from anyone: the claim is ignored
    ("10.0.0.5", "198.51.100.1", ["10.0.0.0/24"], "198.51.100.1"),  # from our proxy: the client it saw
    ("10.0.0.5", "198.51.100.1, 10.0.0.7", ["10.0.0.0/24"], "198.51.100.1"),  # through two of ours
    ("10.0.0.5", "not-an-address", ["10.0.0.0/24"], "10.0.0.5"),
    ("203.0.113.9", "", ["10.0.0.0/24"], "203.0.113.9"),
])
def test_the_client_address_trusts_x_forwarded_for_only_from_our_proxies(
        client, partnership, analyst, settings, peer, forwarded, proxies, seen):
    settings.TRUSTED_PROXIES = proxies
    start = timezone.now()
    client.post(reverse("login"), {"username": analyst.username, "password": "correct-horse-battery"},
                REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert entries_since(start).get(action="signed in").ip_address == seen


def test_passwords_never_reach_the_audit_log(client, partnership, analyst):
    client.force_login(analyst)
    start = timezone.now()
    client.post(reverse("password_change"), {"old_password": "correct-horse-battery",
                                             "new_password1": "a-much-longer-passphrase-2026",
                                             "new_password2": "a-much-longer-passphrase-2026"})
    entry = entries_since(start).get(action="password changed")
    assert entry.user == analyst and entry.details == {}
    assert "passphrase" not in str(list(AuditEntry.objects.filter(at__gte=start).values()))


def test_nul_bytes_in_every_field_of_the_dialogue_and_account_forms_never_make_a_500(client, partnership, reviewer):
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    held = dialogue_services.meeting_create(series=sdd, date=date(2026, 5, 20), place="Brussels", status="held",
                                            by=reviewer, now=timezone.make_aware(timezone.datetime(2026, 5, 21)))
    action = dialogue_services.action_add(meeting=held, title="Propose dates", owner=Organisation.objects.get(slug="fcdo"),
                                          due_on=date(2026, 9, 1), by=reviewer)
    client.force_login(reviewer)
    nul = "a \x00 b"
    posts = [
        (reverse("dialogues:guidance_add", args=[held.pk]), {"text": nul, "extra": nul}),
        (reverse("dialogues:action_add", args=[held.pk]), {"title": nul, "owner": nul, "due_on": nul, "guidance": nul}),
        (reverse("dialogues:action_status", args=[action.pk]), {"status": "done", "note": nul}),
        (reverse("dialogues:meeting_edit", args=[held.pk]), {"date": nul, "place": nul, "status": nul, "version": nul}),
        (reverse("api_tokens"), {"name": nul}),
        (reverse("dialogues:notifications_read"), {"anything": nul}),
    ]
    for path, data in posts:
        start = timezone.now()
        assert client.post(path, data).status_code in (200, 302, 400), path
        assert "\x00" not in str(list(AuditEntry.objects.filter(at__gte=start).values()))
