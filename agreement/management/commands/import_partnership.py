from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agreement.importer import AgreementConflict, save_agreement
from agreement.parsing import PART_HEADINGS, AgreementFormatError, decode_agreement, parse_agreement


class Command(BaseCommand):
    help = "Import an agreement's text (parts, areas, paragraphs, sub-paragraphs, footnotes). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--slug", default="", help="The partnership's name in URLs; defaults to the title.")
        parser.add_argument("--short-title", default="", help="A short title for headings.")
        parser.add_argument(
            "--part-heading", action="append", default=[], metavar="TITLE",
            help=f"A heading that opens a part rather than an area (besides: {', '.join(PART_HEADINGS)}).",
        )
        parser.add_argument(
            "--replace", action="store_true",
            help="Allow a different text to replace the one already imported under this slug.",
        )

    def handle(self, path: Path, slug: str, short_title: str, part_heading: list[str], replace: bool, **options):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        try:
            parsed = parse_agreement(decode_agreement(data), part_headings=(*PART_HEADINGS, *part_heading))
            partnership, outcome = save_agreement(parsed, slug=slug, short_title=short_title, replace=replace)
        except AgreementFormatError as exc:
            raise CommandError(f"{path}: {exc}; nothing was imported.") from None
        except AgreementConflict as exc:
            raise CommandError(f"{exc} Nothing was imported.") from None
        counts = f"{len(parsed.paragraphs)} paragraphs, {len(parsed.parts)} parts, {sum(len(p.areas) for p in parsed.parts)} areas"
        self.stdout.write(f"{partnership.short_title} ({partnership.slug}): {outcome}; {counts}.")
