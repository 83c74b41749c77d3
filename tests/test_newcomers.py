"""What a newcomer meets first: the superuser they make is the tracker's administrator (not an account that sees
nothing), `make run` serves on the PORT they give, and links point to where the app is served unless told otherwise."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


def test_createsuperuser_makes_the_trackers_administrator(client, partnership, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-password-2025")
    out = io.StringIO()
    call_command("createsuperuser", interactive=False, username="first-admin", email="admin@example.org", stdout=out)
    user = User.objects.get(username="first-admin")
    assert (user.is_superuser, user.is_staff, user.is_administrator, user.roles) == (True, True, True, ["administrator"])
    assert "first-admin is the tracker's administrator" in out.getvalue()
    entry = AuditEntry.objects.get(action="superuser created")
    assert (entry.object_ref, entry.method, entry.details["roles"]) == (f"user {user.pk}", "command", ["administrator"])

    client.force_login(user)
    for page in ("/dashboard/", "/commitments/", "/reports/", "/admin/"):
        assert client.get(page).status_code == 200, page


def test_createsuperuser_leaves_existing_superusers_as_they_are(partnership, administrator, monkeypatch):
    User.objects.filter(pk=administrator.pk).update(is_administrator=False)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-password-2025")
    call_command("createsuperuser", interactive=False, username="second-admin", email="b@example.org", stdout=io.StringIO())
    assert list(User.objects.filter(is_administrator=True).values_list("username", flat=True)) == ["second-admin"]
    assert AuditEntry.objects.filter(action="superuser created").count() == 1


def site_url(**env) -> str:
    """SITE_URL as the settings read it from this environment, in a process of its own."""
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}} | env
    environment["DJANGO_SETTINGS_MODULE"] = "partnership.settings"
    code = "from django.conf import settings; print(settings.SITE_URL)"
    return subprocess.run([sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_site_url_defaults_to_the_address_make_run_serves_on():
    assert site_url() == "http://127.0.0.1:8000"
    assert site_url(PORT="8123") == "http://127.0.0.1:8123"
    assert site_url(PORT="8123", SITE_URL="https://tracker.example.org") == "https://tracker.example.org"


def test_make_run_serves_on_the_port_it_is_given():
    planned = subprocess.run(["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    assert "manage.py runserver 127.0.0.1:8123" in planned
    assert "Serving on http://127.0.0.1:8123" in planned
    assert planned.count("PORT=8123") >= 3  # the worker, beat and the web server: their links follow it
