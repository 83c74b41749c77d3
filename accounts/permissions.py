from rest_framework.permissions import BasePermission


class HasRole(BasePermission):
    """Signed in and holding at least one role (official, analyst, reviewer, administrator)."""

    message = "Your account has no role in the tracker yet: ask an administrator to give you one."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_role)
