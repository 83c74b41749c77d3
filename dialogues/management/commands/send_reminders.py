from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dialogues.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Run the reminder sweep now (what beat runs every few minutes). --dry-run lists what would go out."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be sent; change nothing.")
        parser.add_argument("--now", help="Sweep as of this ISO date-time instead of now (for catching up or testing).")

    def handle(self, dry_run: bool, now: str | None, **options):
        moment = timezone.now()
        if now:
            try:
                moment = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now must be an ISO date-time such as 2026-05-01T08:00, not {now!r}") from None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        report = send_due_reminders(now=moment, dry_run=dry_run)
        if dry_run:
            for due in report.would_send:
                self.stdout.write(f"{due.kind:<17} {due.recipient.username:<20} {due.subject}")
            self.stdout.write(f"{len(report.would_send)} reminder(s) would go out; nothing was sent.")
            return
        self.stdout.write(
            f"{report.planned} due, {report.created} newly recorded, {report.sent} sent, "
            f"{report.retrying} to retry, {report.failed} failed."
        )
