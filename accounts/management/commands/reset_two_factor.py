from django.core.management.base import BaseCommand, CommandError

from accounts import two_factor
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Remove a person's authenticator app (a lost or replaced phone): they sign in with their password alone and "
        "may set up a new one. For when no other administrator can do it in the admin (TOTP devices)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        removed = two_factor.devices_remove(user=user)  # audited, as coming from this command
        self.stdout.write(f"Removed {removed} authenticator app(s) of {user.username}: they sign in with their "
                          "password alone until they set up a new one.")
