"""Django's createsuperuser, whose account is also an administrator in the tracker.

Django's own makes an account with every permission in the admin and no role in the tracker, so it sees nothing
else (403 everywhere): roles, not Django's permissions, decide what the tracker shows."""

from django.contrib.auth.management.commands import createsuperuser
from django.db import transaction

from accounts.models import User
from audit import log as audit


def superuser_make_administrator(*, user: User) -> None:
    """The tracker's administrator role for a new superuser, with the audit entry that records the account (made
    by the command line, which the entry names as its origin)."""
    with transaction.atomic(using=user._state.db):
        User.objects.db_manager(user._state.db).filter(pk=user.pk).update(is_administrator=True)
        audit.write("superuser created", object_ref=f"user {user.pk}", details={
            "username": user.username, "roles": ["administrator"], "staff": True,
        })


class Command(createsuperuser.Command):
    help = (
        "Make a superuser who is also the tracker's administrator: every page, the admin, and the right to give "
        "other people their roles. An official needs an organisation too, set in the admin (Users)."
    )

    def handle(self, *args, **options):
        # The account is made by Django's command, prompts and all; the role is added once it exists. Not in one
        # transaction with it: that would hold the database (SQLite: locked for `make run`) while someone types.
        users = User.objects.db_manager(options["database"])
        before = set(users.filter(is_superuser=True).values_list("pk", flat=True))
        super().handle(*args, **options)
        for user in users.filter(is_superuser=True).exclude(pk__in=before):
            superuser_make_administrator(user=user)
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"{user.username} is the tracker's administrator: they see every page and give people their "
                    "roles in the admin (Users). To record updates as an official, give them an organisation and "
                    "the official role there too."
                )
