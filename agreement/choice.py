"""Which partnership a page shows, and keeping the person's choice of it.

1. The one the address asks for (`?partnership=<slug>`, as every link and the header's switcher give it); an
   unknown one is not found.
2. Else the one the person was last shown, kept in their session: a choice made once holds on every page.
3. Else the default (agreement.selectors.partnership_by_default): the first adopted of those their organisation's
   party is party to, else the first adopted.

Pages that show one partnership at a time call `chosen_partnership`; pages of one object (a commitment, a meeting)
show the object's own partnership and leave the choice alone. The API is stateless: its lists take `?partnership=`
and never read the session."""

from django.http import Http404, HttpRequest, QueryDict

from agreement.models import Partnership
from agreement.selectors import partnership_asked, partnership_by_default

SESSION_KEY = "partnership"


def chosen_partnership(request: HttpRequest, *, switch_here: bool = True) -> Partnership:
    """The partnership the page shows (see the module's rules), remembered for the next pages.

    `switch_here`: the header's switcher reloads this page for another partnership; a page whose address names its
    partnership (the document) leaves it False, and the switcher leads to the dashboard instead."""
    slug = request.GET.get("partnership")
    if slug:
        partnership = partnership_asked(slug)
    else:
        partnership = _remembered(request) or partnership_by_default(getattr(request.user, "organisation_id", None))
    return partnership_shown(request, partnership, switch_here=switch_here)


def partnership_shown(request: HttpRequest, partnership: Partnership, *, switch_here: bool = False) -> Partnership:
    """Remember the partnership shown, and tell the header's switcher (partnership.context_processors)."""
    if request.session.get(SESSION_KEY) != partnership.slug:
        request.session[SESSION_KEY] = partnership.slug
    request.partnership = partnership
    request.partnership_switch_here = switch_here
    return partnership


def remembered_slug(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None


def _remembered(request: HttpRequest) -> Partnership | None:
    slug = remembered_slug(request)
    if not slug:
        return None
    try:
        return partnership_asked(slug)
    except Http404:  # removed since it was chosen
        return None


def scoped_query(request: HttpRequest, partnership: Partnership) -> QueryDict:
    """The page's query string with the partnership shown filled in where it names none: its filters, its download
    links and the PDFs rendered from it in the background then all read the partnership the page shows."""
    query = request.GET.copy()
    if not query.get("partnership"):
        query["partnership"] = partnership.slug
    return query
