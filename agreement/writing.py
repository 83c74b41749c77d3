"""A partnership's text written back in the form `agreement.parsing.parse_agreement` reads (the seed's form), so that
`seed` loads a partnership onboarded from any other form: the title in bold, each heading on its own line, a
paragraph as "N. text", a sub-paragraph as "- a. text", a footnote as "¹ text" after its paragraph, and the closing
"Adopted in PLACE on D Month YYYY.". The parts whose titles are not among the parser's usual part headings are
returned beside the text, for the partnership's entry in fixtures/partnerships.toml (`part_headings`)."""

from agreement.models import Partnership
from agreement.parsing import PART_HEADINGS, SUPERSCRIPTS

TO_SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPTS)


def agreement_text(partnership: Partnership) -> tuple[str, list[str]]:
    """The text, and the part headings the parser must be told of."""
    blocks = [f"**{partnership.title}**"]
    usual = {title.casefold() for title in PART_HEADINGS}
    told = []
    paragraphs = partnership.paragraphs.select_related("part", "area").prefetch_related(
        "subparagraphs", "footnotes").order_by("number")
    part = area = None
    for paragraph in paragraphs:
        if paragraph.part_id != part:
            part, area = paragraph.part_id, None
            if paragraph.part.has_heading:
                blocks.append(paragraph.part.title)
                if paragraph.part.title.casefold() not in usual:
                    told.append(paragraph.part.title)
        if paragraph.area_id and paragraph.area_id != area:
            area = paragraph.area_id
            blocks.append(paragraph.area.title)
        blocks.append(f"{paragraph.number}. {paragraph.text}")
        blocks += [f"- {sub.label}. {sub.text}" for sub in paragraph.subparagraphs.all()]
        blocks += [f"{footnote.marker.translate(TO_SUPERSCRIPT)} {footnote.text}" for footnote in paragraph.footnotes.all()]
    blocks.append(f"Adopted in {partnership.place} on {partnership.adopted_on.day} {partnership.adopted_on:%B %Y}.")
    return "\n\n".join(blocks) + "\n", told
