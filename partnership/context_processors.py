from django.conf import settings

from commitments.models import StatusUpdate
from dialogues.models import Notification


def site(request):
    """The tracker's name (not `site_name`: Django's sign-in view sets that to the host name), and whether demo data
    is present (every page then says the history is illustrative)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"tracker_name": settings.SITE_NAME}
    return {
        "tracker_name": settings.SITE_NAME,
        # A partial index over demo entries answers this without reading the history.
        "has_illustrative_data": StatusUpdate.objects.filter(illustrative=True).exists,
        "unread_notifications": Notification.objects.filter(user=request.user, read_at=None).count,
    }
