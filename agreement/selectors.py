from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from agreement.models import Organisation, Partnership


def partnership_asked(slug: str | None) -> Partnership:
    """The partnership a page or export asks for by slug (`?partnership=`), else the first adopted. One query: its
    parties are read where they are shown (a page needs them rarely, an export once)."""
    if slug and "\x00" in slug:  # PostgreSQL refuses NUL in a query: no partnership has one in its slug
        raise Http404("No such partnership.")
    partnerships = Partnership.objects.order_by("adopted_on", "slug")
    partnership = partnerships.filter(slug=slug).first() if slug else partnerships.first()
    if partnership is None:
        raise Http404("No such partnership." if slug else "No partnership has been imported yet.")
    return partnership


def _default_first(organisation_id: int | None) -> QuerySet[Partnership]:
    """Every partnership, the one shown to someone who has chosen none first: the first adopted of those their
    organisation's party is party to (a Norwegian ministry's official starts on the EU–Norway partnership; the EU's
    bodies, party to them all, on the first), else the first adopted."""
    partnerships = Partnership.objects.order_by("adopted_on", "slug")
    if not organisation_id:
        return partnerships
    own = Partnership.parties.through.objects.filter(partnership=OuterRef("pk"), party__organisations=organisation_id)
    return partnerships.annotate(own=Exists(own)).order_by("-own", "adopted_on", "slug")


def partnership_by_default(organisation_id: int | None) -> Partnership:
    """The partnership shown to someone who has chosen none (`_default_first`): one query."""
    partnership = _default_first(organisation_id).first()
    if partnership is None:
        raise Http404("No partnership has been imported yet.")
    return partnership


def default_partnership_slug(organisation_id: int | None) -> str | None:
    """The slug of `partnership_by_default`, None when there is no partnership: one query."""
    return _default_first(organisation_id).values_list("slug", flat=True).first()


def partnership_choices() -> list[tuple[str, str]]:
    """Every partnership as (slug, short title), in order of adoption: the switcher's options."""
    return list(Partnership.objects.order_by("adopted_on", "slug").values_list("slug", "short_title"))


def partnership_organisations(partnership_id: int) -> QuerySet[Organisation]:
    """The organisations of a partnership: those of its parties. The EU's bodies belong to every EU partnership."""
    return Organisation.objects.filter(party__partnerships=partnership_id).select_related("party")
