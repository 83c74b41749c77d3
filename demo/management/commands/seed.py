from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from commitments.month_ends import close_months
from commitments.curation import CurationError, load_commitments, load_organisations, read_toml
from commitments.encoding import load_references, organisations_dropped
from dialogues.curation import load_dialogues
from agreement.importer import AgreementConflict, save_agreement
from agreement.parsing import PART_HEADINGS, AgreementFormatError, decode_agreement, parse_agreement

FIXTURES = settings.BASE_DIR / "fixtures"


class Command(BaseCommand):
    help = "Load the parties, organisations, partnership texts and curated commitments from fixtures/ (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also add demo users and an illustrative history.")
        parser.add_argument("--fixtures", type=Path, default=FIXTURES)

    def handle(self, demo: bool, fixtures: Path, **options):
        try:
            with transaction.atomic():
                partnerships = self.load(fixtures)
        except (CurationError, AgreementFormatError, AgreementConflict, OSError) as exc:
            raise CommandError(f"{exc}; nothing was changed.") from None

        if demo:
            from demo.history import seed_demo

            self.stdout.write(seed_demo(partnerships))
        self.stdout.write(f"Month-end pictures stored: {close_months()}.")

    def load(self, fixtures: Path) -> list:
        organisations = load_organisations(fixtures / "organisations.toml")
        self.stdout.write(f"Organisations: {organisations}.")
        if dropped := organisations_dropped(fixtures / "organisations.toml"):
            self.stdout.write(f"No longer in organisations.toml, left for an administrator to remove: {', '.join(dropped)}.")
        partnerships = []
        for entry in read_toml(fixtures / "partnerships.toml").get("partnership", []):
            text = decode_agreement((fixtures / entry["text"]).read_bytes())
            # An onboarded partnership's text (onboarding's download) names the parts the parser must be told of.
            part_headings = (*PART_HEADINGS, *entry.get("part_headings", []))
            partnership, outcome = save_agreement(
                parse_agreement(text, part_headings=part_headings), slug=entry["slug"], short_title=entry["short_title"]
            )
            count = load_commitments(partnership, fixtures / entry["commitments"])
            series = load_dialogues(partnership, fixtures / entry["dialogues"]) if entry.get("dialogues") else 0
            load_references(partnership, fixtures / entry["commitments"])  # its links name the series just loaded
            self.stdout.write(f"{partnership.short_title}: text {outcome}; {count} commitments; {series} dialogue series.")
            partnerships.append(partnership)
        return partnerships
