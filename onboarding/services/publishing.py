"""Publishing the proposals: the encoding built as fixtures/commitments.toml holds it, written through
commitments.curation, all or nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit import log as audit
from commitments.curation import CurationError, load_commitments
from onboarding.export import encoding, kept_proposals
from onboarding.models import Onboarding


class PublishRefused(Exception):
    """Nothing was published. `problems` maps a proposal's id to what is wrong with it; `general` is the rest."""

    def __init__(self, problems: dict[int, list[str]], general: list[str]):
        super().__init__("; ".join(general + [m for messages in problems.values() for m in messages]))
        self.problems, self.general = problems, general


@transaction.atomic
def onboarding_publish(*, onboarding: Onboarding, by) -> int:
    """The kept proposals become the partnership's commitments (created, or updated where published before);
    the number of commitments. Every problem of every proposal is reported at once, and then nothing is written."""
    onboarding = Onboarding.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=onboarding.pk)
    if onboarding.state == Onboarding.State.READING:
        raise ValidationError("Import the text first: there is nothing to publish yet.")
    proposals = kept_proposals(onboarding)
    if not proposals:
        raise PublishRefused({}, ["Every proposal is dropped: keep at least one to publish."])
    data = encoding(proposals)
    try:
        with transaction.atomic():
            count = load_commitments(onboarding.partnership, data, name=f"onboarding of {onboarding.partnership.slug}")
    except CurationError as error:
        by_ref = {p.ref: p.pk for p in proposals}
        problems = {by_ref[ref]: messages for ref, messages in error.problems.items() if ref in by_ref}
        general = [] if error.problems else [str(error)]
        raise PublishRefused(problems, general) from None
    first = onboarding.published_at is None
    onboarding.state, onboarding.published_at, onboarding.published_by = Onboarding.State.PUBLISHED, timezone.now(), by
    onboarding.save(update_fields=["state", "published_at", "published_by"])
    audit.write("onboarded commitments published", by=by, object_ref=onboarding.partnership.slug,
                details={"onboarding": onboarding.pk, "commitments": count, "first time": first})
    return count
