from django.contrib import admin

from returns.models import Return


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin):
    list_display = ["organisation", "uploaded_by", "uploaded_at", "state", "applied_count"]
    list_filter = ["state", "organisation__party"]
    list_select_related = ["organisation", "uploaded_by"]
    readonly_fields = [f.name for f in Return._meta.fields]

    def has_add_permission(self, request):
        return False
