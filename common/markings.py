"""The tracker holds OFFICIAL and OFFICIAL-SENSITIVE information only. Text carrying a higher classification
marking is refused before it is stored, with a message that says why."""

import re

from django.core.exceptions import ValidationError

# Markings are written in capitals; matching them case-sensitively spares "Secretary General" and the like.
ABOVE_OFFICIAL = re.compile(
    r"\b(?:"
    r"TOP SECRET|SECRET|CONFIDENTIAL|RESTRICTED"
    r"|TR[EÈ]S SECRET UE|SECRET UE|CONFIDENTIEL UE|RESTREINT UE"
    r"|EU (?:TOP SECRET|SECRET|CONFIDENTIAL|RESTRICTED)"
    r"|COSMIC TOP SECRET|NATO (?:SECRET|CONFIDENTIAL|RESTRICTED)"
    r")\b"
)

MESSAGE = (
    "“{marking}” is a classification above OFFICIAL-SENSITIVE: this system may not hold it. Remove the material "
    "and record only what is OFFICIAL or OFFICIAL-SENSITIVE."
)


def classified_errors(**fields: str) -> dict[str, str]:
    """By field, the message for each text that carries a marking above OFFICIAL-SENSITIVE (for a service that
    tells every error at once)."""
    errors = {}
    for name, text in fields.items():
        if text and (match := ABOVE_OFFICIAL.search(str(text))):
            errors[name] = MESSAGE.format(marking=match.group(0))
    return errors


def refuse_classified(**fields: str) -> None:
    """Raise a ValidationError naming each field whose text carries a marking above OFFICIAL-SENSITIVE."""
    if errors := classified_errors(**fields):
        raise ValidationError(errors)
