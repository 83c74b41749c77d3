"""The content version: moved on every write to the data pages show, read before a cached page is looked up.

Signals cover saves and deletes made through the ORM, wherever they run; the few queryset updates and bulk inserts
that change what pages show call `bump()` themselves. The version moves in the writer's transaction, so it becomes
visible with the data; reading it before the data means a page kept under a version never holds older data.

Each move draws a new random number rather than adding one: after a database is restored or recreated, the numbers
it goes on to draw are not those of pages still kept from the timeline it left."""

import secrets

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

# Whose writes change what pages show. The reminder ledger, notifications, sweep runs, tokens, the audit log and
# returns in progress are not shown on cached pages, and are written often; they do not move the version.
APPS = {"partnership", "commitments", "dialogues", "accounts"}
QUIET = {"partnership.contentversion", "dialogues.reminder", "dialogues.notification", "dialogues.sweeprun",
         "accounts.apitoken"}


def current() -> int:
    from partnership.models import ContentVersion

    return ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def bump() -> None:
    from partnership.models import ContentVersion

    value = secrets.randbits(62)
    if not ContentVersion.objects.filter(pk=1).update(value=value):
        ContentVersion.objects.update_or_create(pk=1, defaults={"value": value})


def _moved(sender, **kwargs) -> None:
    if kwargs.get("raw") or not kwargs.get("action", "post_").startswith("post_"):
        return  # fixtures being loaded, or the first half of a many-to-many change
    fields = kwargs.get("update_fields")
    if fields and set(fields) <= {"last_login"}:
        return  # a sign-in changes nothing a page shows
    bump()


def connect() -> None:
    for model in apps.get_models():
        if model._meta.app_label in APPS and model._meta.label_lower not in QUIET:
            post_save.connect(_moved, sender=model, dispatch_uid=f"version-save-{model._meta.label_lower}")
            post_delete.connect(_moved, sender=model, dispatch_uid=f"version-delete-{model._meta.label_lower}")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(_moved, sender=field.remote_field.through,
                                    dispatch_uid=f"version-m2m-{model._meta.label_lower}-{field.name}")
