from django.http import Http404

from agreement.models import Partnership


def partnership_asked(slug: str | None) -> Partnership:
    """The partnership a page or export asks for by slug (`?partnership=`), else the first adopted."""
    if slug and "\x00" in slug:  # PostgreSQL refuses NUL in a query: no partnership has one in its slug
        raise Http404("No such partnership.")
    partnerships = Partnership.objects.prefetch_related("parties").order_by("adopted_on", "slug")
    partnership = partnerships.filter(slug=slug).first() if slug else partnerships.first()
    if partnership is None:
        raise Http404("No such partnership." if slug else "No partnership has been imported yet.")
    return partnership
