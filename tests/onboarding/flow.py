"""The steps of onboarding the tests share: the fictional EU–Freedonia PDF (tests/onboarding/pdf_agreement.py)
without its closing line, so that its date of adoption is the one doubt that blocks the import, uploaded, corrected
and imported through the services."""

from datetime import date
from functools import cache

from onboarding import services
from onboarding.models import Onboarding
from tests.onboarding.pdf_agreement import BODY, freedonia_pdf

CLOSING = "<p>Done at Brussels on 3 March 2026.</p>"
# (b) gets a second sentence: one clause for the sub-paragraph, which a curator may split at the sentence's end.
SUB_B = "<p>(b) on capacity building in the region.<span class=\"fn\">Including through the EU Cyber Diplomacy\nToolbox.</span></p>"
SUB_B_TWO_SENTENCES = ("<p>(b) on capacity building in the region.<span class=\"fn\">Including through the EU Cyber "
                       "Diplomacy\nToolbox.</span> Joint training courses will be held annually.</p>")
assert CLOSING in BODY and SUB_B in BODY
UNDATED_BODY = BODY.replace(CLOSING, "").replace(SUB_B, SUB_B_TWO_SENTENCES)


@cache
def undated_pdf() -> bytes:
    return freedonia_pdf(UNDATED_BODY)


def upload(by, data: bytes | None = None, filename: str = "eu-freedonia.pdf") -> Onboarding:
    return services.onboarding_upload(filename=filename, data=undated_pdf() if data is None else data, by=by)


def correct(onboarding: Onboarding, by, **changes) -> Onboarding:
    values = {"start_line": None, "end_line": None, "title": "", "short_title": "EU–Freedonia Partnership",
              "parties": ["", ""], "codes": ["", ""], "adopted_on": date(2026, 3, 3), "place": "Brussels"}
    return services.onboarding_correct(onboarding=onboarding, by=by, **(values | changes))


def imported(by) -> Onboarding:
    onboarding = correct(upload(by), by)
    services.onboarding_import(onboarding=onboarding, by=by)
    onboarding.refresh_from_db()
    return onboarding
