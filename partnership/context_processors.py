from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

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
    return {
        "tracker_name": settings.SITE_NAME,
        # A partial index over demo entries answers this without reading the history; asked once however many
        # templates of the page ask. (Two plain queries cost less than one that combines them: its subqueries take
        # the ORM longer to build than a round trip.)
        "has_illustrative_data": SimpleLazyObject(StatusUpdate.objects.filter(illustrative=True).exists),
        "unread_notifications": Notification.objects.filter(user=request.user, read_at=None).count,
        "partnership_switch": SimpleLazyObject(lambda: _switch(request)),
        "may_see_portfolio": user_may_see_portfolio(request.user),
    }


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

