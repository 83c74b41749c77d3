"""Hardening: the deploy check, headers on every page, cookies, markings above OFFICIAL-SENSITIVE, the audit log."""

import os
import secrets
import subprocess
import sys
from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings
from django.db import ProgrammingError, transaction
from django.urls import reverse

from audit.models import AuditEntry
from commitments.models import Commitment
from dialogues import services as dialogue_services
from dialogues.models import DialogueSeries

pytestmark = pytest.mark.django_db


def test_the_deploy_check_passes_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_SSL", "STATIC_MANIFEST", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="tracker.example.org")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def every_page(partnership, reviewer):
    commitment = Commitment.objects.get(ref="14.1")
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    meeting = dialogue_services.meeting_create(series=sdd, date=date.today() + timedelta(days=170), place="London",
                                               by=reviewer)
    return [
        "/dashboard/", "/dashboard/areas/", "/dashboard/owners/", "/partnerships/",
        f"/partnerships/{partnership.slug}/", "/commitments/", f"/commitments/{commitment.pk}/",
        "/dialogues/", f"/dialogues/series/{sdd.pk}/", f"/dialogues/meetings/{meeting.pk}/",
        f"/dialogues/meetings/{meeting.pk}/pack/", f"/dialogues/meetings/{meeting.pk}/edit/",
        f"/dialogues/series/{sdd.pk}/meetings/new/", f"/dialogues/meetings/{meeting.pk}/assess/{commitment.pk}/",
        "/dialogues/notifications/", "/dialogues/calendar/", "/reports/", "/reports/history/",
        "/accounts/tokens/", "/accounts/password/", "/accounts/two-factor/", "/api/", "/api/commitments/", "/api/docs/", "/admin/",
        "/admin/audit/auditentry/",
    ]


def test_every_page_carries_the_security_headers(client, partnership, reviewer, administrator, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    reviewer.is_administrator = reviewer.is_staff = reviewer.is_superuser = True
    reviewer.save()
    client.force_login(reviewer)
    for url in every_page(partnership, reviewer):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert_security_headers(response, url)


def test_the_two_factor_code_page_carries_the_security_headers(client, partnership, administrator, settings):
    """The one page a signed-in person with an authenticator app sees before the code (no other page answers 200)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.SECURE_HSTS_SECONDS = 31_536_000
    TOTPDevice.objects.create(user=administrator, name="Authenticator app", confirmed=True)
    client.force_login(administrator)
    response = client.get("/accounts/two-factor/verify/", secure=True)
    assert response.status_code == 200
    assert_security_headers(response, "/accounts/two-factor/verify/")


def assert_security_headers(response, url):
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src and "'unsafe-inline'" not in script_src, url
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, url
    assert response["Strict-Transport-Security"].startswith("max-age=31536000"), url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["X-Frame-Options"] == "DENY", url
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
    assert "no-store" in response["Cache-Control"], url


def test_inline_scripts_carry_the_csp_nonce(client, partnership, analyst):
    client.force_login(analyst)
    response = client.get(reverse("dashboards:overview"))
    html = response.content.decode()
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0] if "'nonce-" in response["Content-Security-Policy"] else None
    for chunk in html.split("<script")[1:]:
        tag = chunk.split(">")[0]
        assert "src=" in tag or (nonce and f'nonce="{nonce}"' in tag), tag


def test_session_and_csrf_cookies_are_host_only_secure_cookies(client, partnership, analyst, settings):
    settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME = "__Host-sessionid", "__Host-csrftoken"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client.get(reverse("login"), secure=True)
    response = client.post(reverse("login"), {"username": analyst.username, "password": "correct-horse-battery"}, secure=True)
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["path"] == "/" and not cookie["domain"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize(
    "text",
    ["Briefing marked SECRET attached.", "RESTREINT UE/EU RESTRICTED annex", "see the CONFIDENTIEL UE note",
     "TOP SECRET", "NATO CONFIDENTIAL summary", "UK SECRET report"],
)
def test_text_carrying_a_higher_classification_is_refused(client, partnership, eu_official, text):
    client.force_login(eu_official)
    commitment = Commitment.objects.get(ref="14.1")
    data = {"status": "on_track", "note": text, "as_of": date.today().isoformat(), "marking": "OFFICIAL",
            "version": commitment.version, "corrects": "",
            **{f"evidence_{f}_{n}": "" for f in ("title", "url") for n in (1, 2, 3)}}
    response = client.post(reverse("commitments:update", args=[commitment.pk, "EU"]), data)
    assert response.status_code == 400
    assert "is a classification above OFFICIAL-SENSITIVE" in response.content.decode()
    assert not commitment.updates.exists()


def test_ordinary_words_that_contain_a_marking_are_accepted(client, partnership, eu_official):
    client.force_login(eu_official)
    commitment = Commitment.objects.get(ref="14.1")
    data = {"status": "on_track", "note": "Met the EEAS Deputy Secretary General; restricted list agreed.",
            "as_of": date.today().isoformat(), "marking": "OFFICIAL-SENSITIVE", "version": commitment.version,
            "corrects": "", **{f"evidence_{f}_{n}": "" for f in ("title", "url") for n in (1, 2, 3)}}
    assert client.post(reverse("commitments:update", args=[commitment.pk, "EU"]), data).status_code == 302


def test_markings_are_refused_in_meetings_and_over_the_api_too(partnership, reviewer):
    from django.core.exceptions import ValidationError

    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    with pytest.raises(ValidationError) as error:
        dialogue_services.meeting_create(series=sdd, date=date.today() + timedelta(days=35), place="London",
                                         outcome="SECRET UE matters", by=reviewer)
    assert "outcome" in error.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_change_delete_or_truncate_audit_entries(partnership, analyst):
    from django.db import connection
    from django.utils import timezone

    entry = AuditEntry.objects.create(at=timezone.now(), user=analyst, username=analyst.username, action="test")

    def truncate():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditentry")

    for attempt in (lambda: AuditEntry.objects.filter(pk=entry.pk).update(action="edited"),
                    lambda: AuditEntry.objects.filter(pk=entry.pk).delete(), truncate):
        with pytest.raises(ProgrammingError, match="append-only"):
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL tracker.audit_archiving = 'off'")  # as the application's sessions are
                attempt()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test"


@pytest.mark.django_db(transaction=True)
def test_an_operator_archiving_in_one_transaction_may_delete_old_entries(partnership, analyst):
    from django.db import connection
    from django.utils import timezone

    old = AuditEntry.objects.create(at=timezone.now() - timezone.timedelta(days=4000), username="x", action="old")
    with connection.cursor() as cursor:
        cursor.execute("SET tracker.audit_archiving = 'off'")  # the session as the application's are
        try:
            with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
                cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [old.pk])
            with transaction.atomic():
                cursor.execute("SET LOCAL tracker.audit_archiving = 'on'")
                cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [old.pk])
        finally:
            cursor.execute("RESET tracker.audit_archiving")
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


def test_administrators_read_and_export_the_audit_log_and_nobody_else_does(client, partnership, administrator, reviewer, eu_official):
    client.force_login(eu_official)
    client.post(reverse("dialogues:calendar"))
    client.force_login(administrator)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    response = client.get("/admin/audit/auditentry/export.csv")
    body = b"".join(response.streaming_content).decode()
    assert "calendar address renewed" in body and eu_official.username in body
    client.force_login(reviewer)
    assert client.get("/admin/audit/auditentry/export.csv").status_code == 302  # not staff: to the admin sign-in
