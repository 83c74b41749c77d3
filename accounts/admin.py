from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "is_official", "is_analyst", "is_reviewer", "is_administrator", "is_active"]
    list_filter = ["is_official", "is_analyst", "is_reviewer", "is_administrator", "organisation__party", "is_active"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Roles in the tracker", {"fields": ["organisation", "is_official", "is_analyst", "is_reviewer", "is_administrator"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("Roles in the tracker", {"fields": ["organisation", "is_official", "is_analyst", "is_reviewer", "is_administrator"]}),
    )
