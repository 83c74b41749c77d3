from django.contrib import admin
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from audit.models import AuditEntry
from common.exports import Column, Header, csv_response

COLUMNS = [
    Column("When", lambda e: e.at, 18, "datetime"),
    Column("Who", lambda e: e.username, 16),
    Column("What", lambda e: e.action, 30),
    Column("Object", lambda e: e.object_ref, 20),
    Column("Why", lambda e: e.reason, 40),
    Column("Method", lambda e: e.method, 8),
    Column("Path", lambda e: e.path, 40),
    Column("Status", lambda e: e.status_code, 8, "number"),
    Column("From", lambda e: e.ip_address, 16),
    Column("Details", lambda e: e.details, 60),
]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Readable and exportable by administrators; nobody edits or deletes it."""

    list_display = ["at", "username", "action", "object_ref", "status_code", "ip_address"]
    list_filter = ["action", "method"]
    search_fields = ["username", "action", "path", "object_ref", "reason"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    change_list_template = "admin/audit/auditentry/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and (request.user.is_superuser or request.user.is_administrator)

    def get_urls(self):
        return [path("export.csv", self.admin_site.admin_view(self.export), name="audit_export")] + super().get_urls()

    def export(self, request) -> HttpResponse:
        """The audit log as filtered in the admin, as CSV."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        entries = changelist.get_queryset(request).select_related("user").iterator(chunk_size=1000)
        header = Header(title="Audit log", partnership="all", filters=dict(request.GET.items()),
                        produced_by=request.user.username, as_of=None, produced_at=timezone.now())
        return csv_response(f"audit-{timezone.localdate():%Y-%m-%d}", header, COLUMNS, entries)
