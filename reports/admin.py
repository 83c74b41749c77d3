from django.contrib import admin

from reports.models import GeneratedPdf


@admin.register(GeneratedPdf)
class GeneratedPdfAdmin(admin.ModelAdmin):
    """Read only: failures show here with their error; readers ask again from the page they came from."""

    list_display = ["filename", "kind", "state", "reusable", "requested_by", "requested_at", "finished_at", "size", "error"]
    list_filter = ["state", "kind", "reusable"]
    list_select_related = ["requested_by"]
    search_fields = ["key", "filename"]
    readonly_fields = [f.name for f in GeneratedPdf._meta.fields if f.name != "content"]
    exclude = ["content"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
