"""The reader of real agreements (PDF or text) and its preview; see agreement.reading.reader for the steps."""

from agreement.reading.preview import (
    ROLES, Doubt, Dropped, HeadingRead, Overrides, Preview, Reading, Redaction, Repair, SourceLine,
)
from agreement.reading.reader import read_agreement, read_lines, read_text

__all__ = [
    "ROLES", "Doubt", "Dropped", "HeadingRead", "Overrides", "Preview", "Reading", "Redaction", "Repair",
    "SourceLine", "read_agreement", "read_lines", "read_text",
]
