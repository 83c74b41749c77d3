"""Two-factor sign-in for administrators: setting up an authenticator app, the code page after the password, the
API and the admin site behind it, throttled guessing, turning it off, the audit log and the operator's reset.

Codes are computed from the device's key as an authenticator app would; time is frozen so that they are known, and
moved on by one 30-second step where a code has already been used (each is accepted once)."""

from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tokens import ApiToken
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
VERIFY = "/accounts/two-factor/verify/"
STEP = timedelta(seconds=30)


def code_for(device: TOTPDevice) -> str:
    """The code the device's app shows now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A well-formed code that is none of those accepted now (the previous, current and next step's)."""
    accepted = {f"{totp(device.bin_key, device.step, device.t0 + shift, device.digits):06d}" for shift in (-30, 0, 30)}
    return next(c for c in (f"{n:06d}" for n in range(0, 1_000_000, 111_111)) if c not in accepted)


def app_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password was refused"
    return response


def actions(user) -> list[tuple[str, dict]]:
    return list(AuditEntry.objects.filter(user=user, action__startswith="two-factor").order_by("at", "pk")
                .values_list("action", "details"))


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


# ---------------------------------------------------------------------------------------------------------------------
# Setting up


def test_an_administrator_turns_it_on_only_with_a_right_code(client, administrator, clock):
    sign_in(client, administrator)
    page = client.get(reverse("two_factor"))
    assert page.status_code == 200 and "Set up an authenticator app" in page.content.decode()

    assert client.post(reverse("two_factor_start")).status_code == 302
    device = TOTPDevice.objects.get(user=administrator)
    assert not device.confirmed

    wrong = client.post(reverse("two_factor"), {"otp_token": wrong_code_for(device)})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    clock.shift(STEP)  # past the one-second pause after the wrong code
    right = client.post(reverse("two_factor"), {"otp_token": code_for(device)})

    assert (right.status_code, right["Location"]) == (302, reverse("two_factor"))
    device.refresh_from_db()
    assert device.confirmed
    assert "Two-factor sign-in is on" in client.get(reverse("two_factor")).content.decode()
    # The code just typed proves this session: no second code before the next page.
    assert client.get(reverse("commitments:list")).status_code == 200
    assert actions(administrator) == [("two-factor set-up started", {}),
                                      ("two-factor code refused", {"during": "set-up", "throttled": False}),
                                      ("two-factor turned on", {})]


def test_the_set_up_page_shows_the_qr_code_the_key_and_the_address(client, administrator):
    client.force_login(administrator)
    client.post(reverse("two_factor_start"))
    device = TOTPDevice.objects.get(user=administrator)

    response = client.get(reverse("two_factor"))
    html = response.content.decode()

    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="img"' in svg and "aria-label=" in svg and "<path" in svg
    assert "style" not in svg and "<script" not in svg  # nothing the Content Security Policy would block
    secret = response.context["secret"]
    assert b32decode(secret.replace(" ", "")) == device.bin_key
    assert secret in html
    otpauth = response.context["otpauth"]
    assert otpauth.startswith(f"otpauth://totp/EU%E2%80%93UK%20Partnership%20Tracker%3A{administrator.username}?")
    assert "secret=" + secret.replace(" ", "") in otpauth
    assert otpauth.replace("&", "&amp;") in html


def test_starting_again_replaces_the_key_and_confirming_keeps_one_app(client, administrator, clock):
    client.force_login(administrator)
    client.post(reverse("two_factor_start"))
    first = TOTPDevice.objects.get(user=administrator)
    client.post(reverse("two_factor_start"))
    second = TOTPDevice.objects.get(user=administrator)
    assert second.pk != first.pk and second.key != first.key

    client.post(reverse("two_factor"), {"otp_token": code_for(second)})

    assert list(TOTPDevice.objects.filter(user=administrator).values_list("pk", "confirmed")) == [(second.pk, True)]
    assert client.post(reverse("two_factor_start")).status_code == 302  # a second app is not started over the first
    assert TOTPDevice.objects.filter(user=administrator).count() == 1


@pytest.mark.parametrize("persona", ["eu_official", "analyst", "reviewer", "outsider"])
def test_people_who_are_not_administrators_cannot_set_up_an_app(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("two_factor")).status_code == 403
    assert client.post(reverse("two_factor_start")).status_code == 403
    assert client.post(reverse("two_factor"), {"otp_token": "123456"}).status_code == 403
    assert client.post(reverse("two_factor_disable"), {"otp_token": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert "Two-factor" not in client.get(reverse("password_change")).content.decode()


def test_staff_with_admin_access_may_set_up_an_app_too(client, analyst):
    analyst.is_staff = True
    analyst.save()
    client.force_login(analyst)
    assert client.get(reverse("two_factor")).status_code == 200
    assert 'href="/accounts/two-factor/"' in client.get(reverse("password_change")).content.decode()


def test_confirming_without_an_app_being_set_up_changes_nothing(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("two_factor"), {"otp_token": "123456"})
    assert (response.status_code, response["Location"]) == (302, reverse("two_factor"))
    assert not TOTPDevice.objects.exists()


# ---------------------------------------------------------------------------------------------------------------------
# Signing in


PAGES = ["/", "/commitments/", "/dashboard/", "/accounts/tokens/", "/accounts/password/", "/accounts/two-factor/",
         "/admin/", "/admin/audit/auditentry/", "/dialogues/calendar/", "/my-work/", "/accounts/login/"]


def test_after_the_password_every_page_leads_to_the_code_page(client, administrator, clock):
    app_for(administrator)
    response = sign_in(client, administrator)
    assert client.get(response["Location"])["Location"] == f"{VERIFY}?next=%2F"

    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{VERIFY}?next="), (url, response["Location"])
    code_page = client.get(VERIFY)
    assert code_page.status_code == 200 and "Enter your code" in code_page.content.decode()
    assert client.get("/health/").status_code in (200, 503)
    # Writes wait too: nothing is made before the code.
    assert client.post("/accounts/tokens/", {"name": "sneaky"})["Location"].startswith(VERIFY)
    assert not ApiToken.objects.exists()


def test_the_code_page_brings_you_back_to_the_page_you_asked_for(client, administrator, clock):
    device = app_for(administrator)
    sign_in(client, administrator)
    assert client.get("/commitments/?side=EU")["Location"] == f"{VERIFY}?next=%2Fcommitments%2F%3Fside%3DEU"

    response = client.post(VERIFY, {"otp_token": code_for(device), "next": "/commitments/?side=EU"})

    assert (response.status_code, response["Location"]) == (302, "/commitments/?side=EU")
    for url in ("/commitments/", "/admin/", "/accounts/two-factor/", "/api/commitments/"):
        assert client.get(url).status_code == 200, url
    assert actions(administrator) == [("two-factor code accepted", {})]


def test_the_code_page_never_sends_you_to_another_site(client, administrator, clock):
    device = app_for(administrator)
    sign_in(client, administrator)
    response = client.post(VERIFY, {"otp_token": code_for(device), "next": "https://evil.example/"})
    assert (response.status_code, response["Location"]) == (302, "/")


def test_the_api_used_with_the_session_answers_403_until_the_code_is_entered(client, administrator, clock):
    device = app_for(administrator)
    sign_in(client, administrator)

    response = client.get("/api/commitments/", headers={"Accept": "application/json"})

    assert response.status_code == 403
    assert response.json() == {
        "status": 403, "code": "second_factor_required",
        "detail": "Enter the code from your authenticator app at /accounts/two-factor/verify/ first "
                  "(API tokens are not asked for one).", "errors": {},
    }
    assert client.post("/api/commitments/1/updates/", {}, content_type="application/json").status_code == 403
    client.post(VERIFY, {"otp_token": code_for(device)})
    assert client.get("/api/commitments/", headers={"Accept": "application/json"}).status_code == 200


def test_api_tokens_are_a_credential_of_their_own(client, administrator, clock):
    app_for(administrator)
    _, key = ApiToken.issue(user=administrator, name="report script")
    bearer = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    assert Client().get("/api/commitments/", headers=bearer).status_code == 200
    # Even beside an unverified session, the token decides (DRF tries it first).
    sign_in(client, administrator)
    assert client.get("/api/commitments/", headers=bearer).status_code == 200
    # A bearer header does not open the pages.
    assert client.get("/commitments/", headers=bearer)["Location"].startswith(VERIFY)
    # A made-up token beside an unverified session is refused, never taken for the session.
    for header in ("Bearer not-a-real-key", "Token not-a-real-key", "Bearer"):
        response = client.get("/api/commitments/", headers={"Authorization": header, "Accept": "application/json"})
        assert response.status_code == 401, header
    # A header the token check does not take as a token (a non-breaking space, say) leaves the session to decide.
    for header in ("Bearer\xa0not-a-real-key", "Bearer\x1fkey", "Basic abc"):
        response = client.get("/api/commitments/", headers={"Authorization": header, "Accept": "application/json"})
        assert response.status_code == 403 and response.json()["code"] == "second_factor_required", header


def test_a_wrong_code_gives_a_form_error_and_is_recorded(client, administrator, clock):
    device = app_for(administrator)
    sign_in(client, administrator)

    response = client.post(VERIFY, {"otp_token": wrong_code_for(device)}, REMOTE_ADDR="10.9.8.7")

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/commitments/")["Location"].startswith(VERIFY)
    entry = AuditEntry.objects.get(action="two-factor code refused")
    assert (entry.user, entry.ip_address) == (administrator, "10.9.8.7")
    assert entry.details == {"during": "sign-in", "throttled": False}


@pytest.mark.parametrize("typed", ["", "abcdef", "12345", "1234567", "１２３４５６", "9" * 5000, "12 34 5x"])
def test_the_code_page_answers_nonsense_with_a_form_error(client, administrator, clock, typed):
    app_for(administrator)
    sign_in(client, administrator)
    response = client.post(VERIFY, {"otp_token": typed})
    assert response.status_code == 200
    assert response.context["form"].errors["otp_token"]
    assert client.get("/commitments/")["Location"].startswith(VERIFY)


def test_an_empty_post_to_the_code_page_is_a_form_error(client, administrator, clock):
    app_for(administrator)
    sign_in(client, administrator)
    response = client.post(VERIFY)
    assert response.status_code == 200 and response.context["form"].errors["otp_token"]


def test_a_code_with_a_space_in_the_middle_is_accepted(client, administrator, clock):
    device = app_for(administrator)
    sign_in(client, administrator)
    code = code_for(device)
    assert client.post(VERIFY, {"otp_token": f" {code[:3]} {code[3:]} "}).status_code == 302
    assert client.get("/commitments/").status_code == 200


def test_repeated_wrong_codes_pause_checking_and_say_so(client, administrator, clock):
    device = app_for(administrator)
    sign_in(client, administrator)
    for pause in (1, 2, 4):  # each wrong code doubles the pause before the next is looked at
        assert "That code is not right" in client.post(VERIFY, {"otp_token": wrong_code_for(device)}).content.decode()
        clock.shift(pause)
    assert "That code is not right" in client.post(VERIFY, {"otp_token": wrong_code_for(device)}).content.decode()

    # Paused for 8 seconds: even the right code is not looked at.
    throttled = client.post(VERIFY, {"otp_token": code_for(device)})

    assert throttled.status_code == 200
    assert "Too many wrong codes in a row: checking is paused for 8 more seconds" in throttled.content.decode()
    assert client.get("/commitments/")["Location"].startswith(VERIFY)
    assert actions(administrator)[-1] == ("two-factor code refused", {"during": "sign-in", "throttled": True})
    clock.shift(7)
    assert "paused for 1 more second." in client.post(VERIFY, {"otp_token": code_for(device)}).content.decode()
    clock.shift(1)
    assert client.post(VERIFY, {"otp_token": code_for(device)}).status_code == 302
    assert client.get("/commitments/").status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_code_is_accepted_once(client, administrator, clock):
    device = app_for(administrator)
    sign_in(client, administrator)
    code = code_for(device)
    assert client.post(VERIFY, {"otp_token": code}).status_code == 302

    other = Client()
    sign_in(other, administrator)
    assert "That code is not right" in other.post(VERIFY, {"otp_token": code}).content.decode()
    clock.shift(STEP)  # the next code (and past the pause after that refusal)
    assert other.post(VERIFY, {"otp_token": code_for(device)}).status_code == 302


def test_the_code_page_without_an_app_leads_on(client, analyst):
    client.force_login(analyst)
    assert (client.get(VERIFY).status_code, client.get(VERIFY)["Location"]) == (302, "/")
    assert client.get(f"{VERIFY}?next=/commitments/")["Location"] == "/commitments/"


def test_a_verified_session_stays_verified_after_a_password_change(client, administrator, clock):
    device = app_for(administrator)
    sign_in(client, administrator)
    client.post(VERIFY, {"otp_token": code_for(device)})

    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "a-much-longer-passphrase-2026",
        "new_password2": "a-much-longer-passphrase-2026",
    })

    assert response.status_code == 302
    assert client.get("/commitments/").status_code == 200


def test_signing_out_ends_the_verification(client, administrator, clock):
    device = app_for(administrator)
    sign_in(client, administrator)
    client.post(VERIFY, {"otp_token": code_for(device)})
    client.post(reverse("logout"))

    sign_in(client, administrator)

    assert client.get("/commitments/")["Location"].startswith(VERIFY)


def test_a_device_confirmed_for_a_signed_in_session_is_asked_for_on_the_next_request(client, administrator):
    """An app added in the admin (or on another browser) applies to sessions already open."""
    client.force_login(administrator)
    assert client.get("/commitments/").status_code == 200
    app_for(administrator)
    assert client.get("/commitments/")["Location"].startswith(VERIFY)


# ---------------------------------------------------------------------------------------------------------------------
# Turning it off, and resets


def test_turning_it_off_needs_a_right_code(client, administrator, clock):
    device = app_for(administrator)
    sign_in(client, administrator)
    client.post(VERIFY, {"otp_token": code_for(device)})

    refused = client.post(reverse("two_factor_disable"), {"otp_token": wrong_code_for(device)})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.post(reverse("two_factor_disable")).status_code == 200  # no code at all: a form error too
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    clock.shift(STEP)
    response = client.post(reverse("two_factor_disable"), {"otp_token": code_for(device)})

    assert (response.status_code, response["Location"]) == (302, reverse("two_factor"))
    assert not TOTPDevice.objects.filter(user=administrator).exists()
    assert [a for a, _ in actions(administrator)] == ["two-factor code accepted", "two-factor code refused",
                                                      "two-factor code refused", "two-factor turned off"]
    client.post(reverse("logout"))
    sign_in(client, administrator)
    assert client.get("/commitments/").status_code == 200


def test_turning_it_off_is_refused_to_a_session_not_yet_verified(client, administrator, clock):
    device = app_for(administrator)
    sign_in(client, administrator)
    response = client.post(reverse("two_factor_disable"), {"otp_token": code_for(device)})
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_admin_lists_devices_without_their_keys_and_removes_them(client, administrator, reviewer, clock):
    mine, theirs = app_for(administrator), app_for(reviewer)
    sign_in(client, administrator)
    client.post(VERIFY, {"otp_token": code_for(mine)})

    assert client.get("/admin/otp_totp/totpdevice/").status_code == 200
    change = client.get(f"/admin/otp_totp/totpdevice/{theirs.pk}/change/")
    assert change.status_code == 200 and theirs.key not in change.content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{theirs.pk}/config/").status_code == 403

    client.post(f"/admin/otp_totp/totpdevice/{theirs.pk}/delete/", {"post": "yes"})

    assert not TOTPDevice.objects.filter(pk=theirs.pk).exists()
    assert AuditEntry.objects.filter(action="admin:otp_totp_totpdevice_delete", user=administrator).exists()


def test_an_operator_removes_a_lost_app_with_a_command(administrator):
    app_for(administrator)
    call_command("reset_two_factor", administrator.username, stdout=open("/dev/null", "w"))
    assert not TOTPDevice.objects.filter(user=administrator).exists()
    entry = AuditEntry.objects.get(action="two-factor removed by an operator")
    assert (entry.user, entry.details) == (administrator, {"devices": 1})
    with pytest.raises(CommandError, match="No user named"):
        call_command("reset_two_factor", "nobody-at-all")


# ---------------------------------------------------------------------------------------------------------------------
# ADMIN_TOTP_REQUIRED


def test_when_required_administrators_set_up_an_app_before_anything_else(client, administrator, analyst, settings):
    settings.ADMIN_TOTP_REQUIRED = True
    client.force_login(administrator)
    for url in ("/commitments/", "/admin/", "/accounts/tokens/"):
        assert client.get(url)["Location"].startswith("/accounts/two-factor/?next="), url
    api = client.get("/api/commitments/")
    assert (api.status_code, api.json()["code"]) == (403, "second_factor_setup_required")
    assert client.get("/accounts/two-factor/").status_code == 200
    assert client.post(reverse("two_factor_start")).status_code == 302
    # Other roles are not asked.
    client.force_login(analyst)
    assert client.get("/commitments/").status_code == 200
