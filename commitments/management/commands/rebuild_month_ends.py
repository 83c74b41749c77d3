from django.core.management.base import BaseCommand, CommandError

from commitments.month_ends import rebuild_month_ends
from agreement.models import Partnership


class Command(BaseCommand):
    help = "Store the month-end pictures of progress over time again, from the history (after a data repair)."

    def add_arguments(self, parser):
        parser.add_argument("--partnership", help="The partnership's slug (default: every partnership).")

    def handle(self, partnership=None, **options):
        partnerships = Partnership.objects.all()
        if partnership:
            partnerships = partnerships.filter(slug=partnership)
            if not partnerships:
                raise CommandError(f"No partnership {partnership!r}.")
        for item in partnerships:
            self.stdout.write(f"{item.short_title}: {rebuild_month_ends(item)} month-ends stored.")
