from django.apps import AppConfig
from django.db.models.signals import post_save


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from django.contrib import admin
        from django.contrib.admin.models import LogEntry

        from audit.log import admin_change

        # The admin journals every change it makes, in its own transaction: each journal line is audited too.
        post_save.connect(admin_change, sender=LogEntry, dispatch_uid="audit-admin-change")
        # "Delete selected" journals its rows in one bulk insert, which sends no signal: deletions go one at a time.
        admin.site.disable_action("delete_selected")
