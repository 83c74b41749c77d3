"""Sessions: idle timeout, absolute lifetime, throttled sign-in, password change."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone


def sign_in(client, user, password="correct-horse-battery"):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def test_a_session_ends_after_the_idle_timeout(client, analyst, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, analyst)
        assert client.get(reverse("commitments:list")).status_code == 200
    with time_machine.travel(start + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60), tick=False):
        assert client.get(reverse("commitments:list")).status_code == 200  # activity renews it
    with time_machine.travel(start + timedelta(seconds=2 * settings.SESSION_COOKIE_AGE + 60), tick=False):
        assert client.get(reverse("commitments:list")).status_code == 302


def test_a_session_ends_after_its_absolute_lifetime_however_active(client, analyst, settings):
    start = timezone.now()
    step = timedelta(seconds=settings.SESSION_COOKIE_AGE // 2)
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, analyst)
        while timezone.now() - start < timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS - step.total_seconds()):
            clock.shift(step)
            assert client.get(reverse("commitments:list")).status_code == 200
        clock.shift(step * 2)
        response = client.get(reverse("commitments:list"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_repeated_failed_sign_ins_are_throttled_whether_or_not_the_user_exists(client, analyst, settings):
    for username in (analyst.username, "no-such-person"):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert client.post(reverse("login"), {"username": username, "password": "wrong"}).status_code == 200
        locked = client.post(reverse("login"), {"username": username, "password": "wrong"})
        assert locked.status_code == 429
        assert "Too many sign-in attempts" in locked.content.decode()
    # Even the right password is refused while locked.
    assert sign_in(client, analyst).status_code == 429


def test_a_user_can_change_their_password(client, analyst):
    sign_in(client, analyst)
    response = client.post(reverse("password_change"), {
        "old_password": "correct-horse-battery", "new_password1": "a-much-longer-passphrase-2026",
        "new_password2": "a-much-longer-passphrase-2026",
    })
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.check_password("a-much-longer-passphrase-2026")


def test_an_address_failing_for_many_names_is_paused_whatever_the_names(client, partnership, eu_official):
    from django.urls import reverse

    for n in range(20):  # one wrong password each: axes's pause per name never trips
        client.post(reverse("login"), {"username": f"guess-{n}", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    paused = client.post(reverse("login"), {"username": eu_official.username, "password": "correct-horse-battery"},
                         REMOTE_ADDR="10.9.9.9")
    assert paused.status_code == 200 and "_auth_user_id" not in client.session
    assert "Please enter a correct username and password" in paused.content.decode()  # as for a wrong password
    elsewhere = client.post(reverse("login"), {"username": eu_official.username, "password": "correct-horse-battery"},
                            REMOTE_ADDR="10.9.9.10")
    assert elsewhere.status_code == 302 and client.session["_auth_user_id"] == str(eu_official.pk)
