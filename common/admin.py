"""Admin pieces every app uses."""

from django.contrib import admin


class ReadOnly:
    """Shown in the admin, written elsewhere: by a service with rules the admin's forms would skip, or by the
    importer of the agreement's text."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0
