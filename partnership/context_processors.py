from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from accounts.models import User
from agreement.choice import remembered_slug
from agreement.selectors import default_partnership_slug, partnership_choices
from commitments.models import StatusUpdate
from dialogues.models import Notification
from reports.access import user_may_see_portfolio


def site(request):
    """The tracker's name (not `site_name`: Django's sign-in view sets that to the host name), and whether demo data
    is present (every page then says the history is illustrative)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"tracker_name": settings.SITE_NAME}
    header = SimpleLazyObject(lambda: _header(request.user))
    return {
        "tracker_name": settings.SITE_NAME,
        "has_illustrative_data": SimpleLazyObject(lambda: header["demo"]),
        "unread_notifications": SimpleLazyObject(lambda: header["unread"]),
        "partnership_switch": SimpleLazyObject(lambda: _switch(request)),
        "may_see_portfolio": user_may_see_portfolio(request.user),
    }


def _header(user) -> dict:
    """The user's unread notifications and whether demo data is present, in one query read once a page (a partial
    index over demo entries answers the second without reading the history)."""
    unread = Notification.objects.filter(user=OuterRef("pk"), read_at=None).order_by().values("user")
    return User.objects.filter(pk=user.pk).values(
        unread=Coalesce(Subquery(unread.annotate(n=Count("pk")).values("n")), 0),
        demo=Exists(StatusUpdate.objects.filter(illustrative=True)),
    ).get()


@dataclass(frozen=True)
class Switch:
    """The header's partnership switcher: shown only when there is more than one partnership to choose from."""

    options: list[tuple[str, str]]  # (slug, short title), in order of adoption
    selected: str
    action: str  # where choosing leads: this page for another partnership, or the dashboard

    @property
    def shown(self) -> bool:
        return len(self.options) > 1


def _switch(request) -> Switch:
    options = partnership_choices()
    if len(options) < 2:
        return Switch(options, options[0][0] if options else "", "")
    shown = getattr(request, "partnership", None)  # set by the page (agreement.choice)
    here = shown is not None and getattr(request, "partnership_switch_here", False)
    if shown is not None:
        selected = shown.slug
    else:
        organisation = request.user.organisation_id
        # Without an organisation the default is the first adopted: the first option, no query needed.
        selected = remembered_slug(request) or (default_partnership_slug(organisation) if organisation
                                                 else options[0][0])
    return Switch(options, selected, request.path if here else reverse("dashboards:overview"))

