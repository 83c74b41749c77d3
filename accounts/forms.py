from django import forms
from django.core.exceptions import ValidationError

from accounts import two_factor


class CodeForm(forms.Form):
    """A current code from the user's authenticator app, checked against `device` (throttled by django-otp)."""

    otp_token = forms.CharField(  # the name the audit log withholds
        label="Code", max_length=20, help_text="The six digits your authenticator app shows now.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.throttled = False

    def clean_otp_token(self) -> str:
        code = "".join(self.cleaned_data["otp_token"].split())  # apps show "123 456"
        if not (code.isascii() and code.isdigit() and len(code) == self.device.digits):
            raise ValidationError(f"Enter the {self.device.digits} digits your authenticator app shows, nothing else.")
        check = two_factor.check_code(device=self.device, code=code)
        if check.wait_seconds:
            self.throttled = True
            raise ValidationError(
                f"Too many wrong codes in a row: checking is paused for {check.wait_seconds} more second"
                f"{'' if check.wait_seconds == 1 else 's'}. Wait, then enter the code your app shows at that time."
            )
        if not check.accepted:
            raise ValidationError(
                "That code is not right. Check that the app shows this account and that your device's clock is "
                "correct, then enter the code it shows now. Each code is accepted once."
            )
        return code
