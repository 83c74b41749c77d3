from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ProviderIdentity, User


class ProviderIdentityInline(admin.TabularInline):
    """Who the person is at their organisation's OpenID provider. Adding one links an existing account to the
    provider (its next sign-in there opens this account); removing one unlinks it."""

    model = ProviderIdentity
    extra = 0
    fields = ["provider", "issuer", "subject", "created_at", "last_signed_in_at"]
    readonly_fields = ["created_at", "last_signed_in_at"]
    verbose_name = "single sign-on identity"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "is_official", "is_analyst", "is_reviewer", "is_administrator", "is_active"]
    list_filter = ["is_official", "is_analyst", "is_reviewer", "is_administrator", "organisation__party", "is_active"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    inlines = [ProviderIdentityInline]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Roles in the tracker", {"fields": ["organisation", "is_official", "is_analyst", "is_reviewer", "is_administrator"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("Roles in the tracker", {"fields": ["organisation", "is_official", "is_analyst", "is_reviewer", "is_administrator"]}),
    )
