"""In real Chromium: an administrator sets up an authenticator app from its QR code page, then signs in with a code."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app given `secret` shows now (or `steps_ahead` 30-second steps from now)."""
    return f"{totp(b32decode(secret.replace(' ', '')), drift=steps_ahead):06d}"


def test_an_administrator_turns_on_two_factor_sign_in_and_is_then_asked_for_a_code(
    partnership, administrator, live_server, sign_in, assert_accessible, screenshot
):
    page = sign_in(administrator)
    page.get_by_role("link", name="Two-factor").click()
    page.get_by_role("button", name="Set up an authenticator app").click()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    assert_accessible(page)
    screenshot("two-factor-set-up")
    secret = page.locator("#totp-secret").inner_text()

    page.get_by_label("Code", exact=True).fill(code(secret))
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_role("status").first).to_contain_text("Two-factor sign-in is on")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(administrator)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.goto(f"{live_server.url}/commitments/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(page)
    screenshot("two-factor-code")

    page.get_by_label("Code", exact=True).fill(code(secret, steps_ahead=1))  # the code used above is not taken twice
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/commitments/$"))
