"""Writes a parsed agreement (agreement.parsing) to the database, all or nothing."""

import re

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify

from agreement.parsing import ParsedAgreement, ParsedParagraph
from audit import log as audit


class AgreementConflict(Exception):
    """A partnership of that name already holds a different text."""


def _find_party(name: str, paragraphs: list[ParsedParagraph]):
    """The Party the title names, created on first sight with the abbreviation the text gives it ("… (EU)")."""
    from agreement.models import Party

    party = Party.objects.filter(name__iexact=name).first()
    if party:
        return party
    for paragraph in paragraphs:
        if match := re.search(rf"({re.escape(name)})\s+\(([A-Z]{{2,8}})\)", paragraph.text, re.IGNORECASE):
            return Party.objects.create(name=match.group(1), code=_free_code(match.group(2)))
    # As the text spells it ("Kingdom of Ruritania", not the title's capitals), coded by its initials ("KR").
    spelled = next((m.group() for p in paragraphs if (m := re.search(re.escape(name), p.text, re.IGNORECASE))), name)
    initials = "".join(word[0] for word in spelled.split() if word[0].isupper())[:8] or spelled[:8].upper()
    return Party.objects.create(name=spelled, code=_free_code(initials))


def _free_code(code: str) -> str:
    """`code`, or, where another party has it, the first of code2, code3 … that none has."""
    from agreement.models import Party

    taken = set(Party.objects.filter(code__startswith=code[:6]).values_list("code", flat=True))
    candidate, number = code, 1
    while candidate in taken:
        number += 1
        candidate = f"{code[:8 - len(str(number))]}{number}"
    return candidate


@transaction.atomic
def save_agreement(parsed: ParsedAgreement, *, slug: str = "", short_title: str = "", replace: bool = False):
    """Write a parsed agreement; returns (partnership, outcome) with outcome "created", "unchanged" or "replaced".

    A partnership of the same slug with the same content is left alone; with different content it is refused
    unless `replace` is set, in which case the text is updated in place so commitments keep their paragraphs.
    """
    from agreement.models import Partnership

    slug = slug or slugify(short_title or parsed.title)[:80]
    digest = parsed.digest()
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership and partnership.source_digest == digest:
        return partnership, "unchanged"
    if partnership and not replace:
        raise AgreementConflict(
            f"A partnership named {slug!r} already exists with a different text. "
            "Use --replace to update it, or --slug to import this text as another partnership."
        )
    outcome = "replaced" if partnership else "created"
    fields = {
        "title": parsed.title,
        "short_title": short_title or partnership and partnership.short_title or parsed.title[:120],
        "adopted_on": parsed.adopted_on,
        "place": parsed.place,
        "source_digest": digest,
    }
    if partnership:
        Partnership.objects.filter(pk=partnership.pk).update(**fields)
        partnership.refresh_from_db()
    else:
        partnership = Partnership.objects.create(slug=slug, **fields)
    partnership.parties.set([_find_party(name, parsed.paragraphs) for name in parsed.parties])
    _save_text(partnership, parsed)
    audit.write(f"agreement {outcome}", object_ref=slug, details={
        "title": parsed.title, "paragraphs": len(parsed.paragraphs), "digest": digest})
    return partnership, outcome


def _save_text(partnership, parsed: ParsedAgreement) -> None:
    """Parts, areas, paragraphs, sub-paragraphs and footnotes as parsed, updated in place; what the text no longer
    has is removed, unless commitments still refer to it."""
    from agreement.models import Area, Footnote, Paragraph, Part, SubParagraph

    parts, areas = [], {}
    for position, parsed_part in enumerate(parsed.parts, start=1):
        part, _ = Part.objects.update_or_create(
            partnership=partnership, position=position,
            defaults={"title": parsed_part.title, "has_heading": parsed_part.has_heading},
        )
        parts.append(part)
        for area_position, parsed_area in enumerate(parsed_part.areas, start=1):
            areas[(position - 1, area_position - 1)], _ = Area.objects.update_or_create(
                part=part, position=area_position,
                defaults={"title": parsed_area.title, "slug": slugify(parsed_area.title)[:80]},
            )
    for parsed_paragraph in parsed.paragraphs:
        paragraph, _ = Paragraph.objects.update_or_create(
            partnership=partnership, number=parsed_paragraph.number,
            defaults={
                "part": parts[parsed_paragraph.part],
                "area": areas.get((parsed_paragraph.part, parsed_paragraph.area)),
                "text": parsed_paragraph.text,
            },
        )
        labels = [sub.label for sub in parsed_paragraph.subparagraphs]
        paragraph.subparagraphs.exclude(label__in=labels).delete()
        for sub in parsed_paragraph.subparagraphs:
            SubParagraph.objects.update_or_create(paragraph=paragraph, label=sub.label, defaults={"text": sub.text})
        markers = [note.marker for note in parsed_paragraph.footnotes]
        paragraph.footnotes.exclude(marker__in=markers).delete()
        for note in parsed_paragraph.footnotes:
            Footnote.objects.update_or_create(paragraph=paragraph, marker=note.marker, defaults={"text": note.text})
    try:
        partnership.paragraphs.exclude(number__in=[p.number for p in parsed.paragraphs]).delete()
        Area.objects.filter(part__partnership=partnership).exclude(pk__in=[a.pk for a in areas.values()]).delete()
        partnership.parts.exclude(pk__in=[p.pk for p in parts]).delete()
    except ProtectedError as exc:
        raise AgreementConflict(
            f"The new text drops paragraphs that commitments still refer to ({len(exc.protected_objects)} "
            "commitments); move or remove those commitments first."
        ) from None
