"""The lines the reader reads, each with its page: from a text (pages split by form feeds, as pdftotext writes them)
or from a PDF's text layer (pypdf, in layout mode so that the vertical space between blocks survives as blank
lines)."""

import io
import re

from agreement.parsing import AgreementFormatError, decode_agreement
from agreement.reading.preview import SourceLine

MAX_PAGES = 500
PDF_MAGIC = b"%PDF-"


def is_pdf(data: bytes) -> bool:
    return PDF_MAGIC in data[:1024]


def lines_from_bytes(data: bytes) -> list[SourceLine]:
    """A PDF's lines, or a UTF-8 text's; refused with a clear message when it is neither."""
    if is_pdf(data):
        return lines_from_pdf(data)
    return lines_from_text(decode_agreement(data))


def lines_from_text(text: str) -> list[SourceLine]:
    """Lines numbered as `parse_agreement` numbers them: a form feed ends a line and starts a page."""
    lines, page, number = [], 1, 0
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        for index, piece in enumerate(raw.split("\f")):
            page += 1 if index else 0
            number += 1
            lines.append(SourceLine(number, page, piece))
    return lines


def lines_from_pdf(data: bytes) -> list[SourceLine]:
    pages = _pdf_pages(data)
    if not any(page.strip() for page in pages):
        raise AgreementFormatError(1, "the PDF has no text layer (a scan?); export it with its text, or paste the text")
    lines, number = [], 0
    for page_number, page in enumerate(pages, start=1):
        for text in _page_lines(page):
            number += 1
            lines.append(SourceLine(number, page_number, text))
    return lines


def _pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise AgreementFormatError(1, "the PDF is encrypted; upload a copy without a password")
        if len(reader.pages) > MAX_PAGES:
            raise AgreementFormatError(1, f"the PDF has {len(reader.pages)} pages; an agreement has at most {MAX_PAGES}")
        return [page.extract_text(extraction_mode="layout") for page in reader.pages]
    except AgreementFormatError:
        raise
    except Exception:  # pypdf raises many kinds of error on a damaged file; each means the same to the uploader
        raise AgreementFormatError(1, "not a readable PDF; check the file, or paste the agreement's text") from None


def _page_lines(page: str) -> list[str]:
    """A page's lines without the layout's indentation, runs of blank lines kept as one."""
    lines, blank = [], False
    for line in page.split("\n"):
        line = re.sub(r"\s+", " ", line).strip()
        if not line:
            blank = bool(lines)
            continue
        if blank:
            lines.append("")
        lines.append(line)
        blank = False
    return lines
