"""The optional second factor: an authenticator app (TOTP, django-otp's TOTPDevice) for administrators.

1. An administrator starts: a new unconfirmed device with a fresh key (its QR code and key are shown).
2. They type a current code: the device is confirmed and this session counts as verified.
3. From then on, after the password, `accounts.middleware.SecondFactorMiddleware` sends them to the code page before
   any other page; django-otp remembers the verified device in the session until sign-out or expiry.
4. Turning it off needs a current code too; an administrator who lost their phone is reset by another one in the
   admin (TOTP devices) or with `manage.py reset_two_factor USERNAME` (docs/operations.md).

API tokens and calendar feed addresses are separate credentials and are not asked for a code.
"""

import math
from base64 import b32encode
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import log as audit

DEVICE_NAME = "Authenticator app"


def may_enrol(user) -> bool:
    """Administrators: the tracker's role, or staff access to the admin site."""
    return user.is_authenticated and (user.is_administrator or user.is_staff)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-pk").first()


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def device_start(*, user) -> TOTPDevice:
    """A new unconfirmed device with a fresh key. An earlier unconfirmed one goes: its key was never proven."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
        audit.write("two-factor set-up started", by=user)
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def device_confirm(*, device: TOTPDevice) -> None:
    """Only one confirmed device per person: the code page then never has to ask which one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.write("two-factor turned on", by=device.user)


@transaction.atomic
def devices_remove(*, user, by=None) -> int:
    """Every authenticator app of the user, confirmed or not; they sign in with their password alone again.
    `by` the user themself, or nobody signed in: an operator's command."""
    deleted, _ = TOTPDevice.objects.filter(user_id=user.pk).delete()
    action = "two-factor turned off" if by is not None and by.pk == user.pk else "two-factor removed by an operator"
    audit.write(action, by=user, details={"devices": deleted})
    return deleted


def record_check(*, user, during: str, accepted: bool, throttled: bool = False) -> None:
    """A code typed at sign-in (accepted or refused), or refused while setting up or turning off."""
    if accepted:
        audit.write("two-factor code accepted", by=user)
    else:
        audit.write("two-factor code refused", by=user, details={"during": during, "throttled": throttled})


@dataclass(frozen=True)
class Check:
    accepted: bool
    wait_seconds: int = 0  # > 0: throttled, the code was not even looked at


def check_code(*, device: TOTPDevice, code: str, now=None) -> Check:
    """Is `code` the device's current one? Wrong codes pause checking for 1, 2, 4, 8… seconds (django-otp's
    throttling, saved even though the caller refuses the form). The row is locked so that two requests can neither
    use one code twice nor slip past the pause."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk).first()
        if locked is None:  # removed meanwhile (in the admin, say)
            return Check(accepted=False)
        allowed, why = locked.verify_is_allowed()
        if not allowed:
            until = (why or {}).get("locked_until")
            wait = math.ceil((until - (now or timezone.now())).total_seconds()) if until else 1
            return Check(accepted=False, wait_seconds=max(wait, 1))
        return Check(accepted=locked.verify_token(code))


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// address as an inline SVG QR code: no image file, no Pillow, nothing the CSP would block
    (presentation attributes only, no style)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.get_image()
    svg.set("role", "img")
    svg.set("aria-label", "QR code to scan with your authenticator app")
    # Our own markup, generated from the device's key: nothing typed by a person goes into it.
    return mark_safe(image.to_string(encoding="unicode"))
