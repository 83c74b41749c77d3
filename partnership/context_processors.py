from django.conf import settings

from commitments.models import StatusUpdate
from dialogues.models import Notification
from partnership import pagecache


def site(request):
    """The site name, and whether demo data is present (every page then says the history is illustrative)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"site_name": settings.SITE_NAME}
    return {
        "site_name": settings.SITE_NAME,
        "has_illustrative_data": lambda: pagecache.value(
            "illustrative", StatusUpdate.objects.filter(illustrative=True).exists, request=request),
        "unread_notifications": Notification.objects.filter(user=request.user, read_at=None).count,
    }
