"""Every write of the onboarding app: each validates, writes and writes its audit entry in one transaction.

- reading: upload an agreement, correct how it is read, import it (and propose its commitments);
- proposals: edit, split, merge, drop proposals; fill in owners; add an organisation of the new party;
- publishing: publish the proposals as the partnership's commitments (commitments.curation)."""

from onboarding.services.proposals import (
    onboarding_add_organisation, owners_fill, proposal_drop, proposal_edit, proposal_merge, proposal_split,
)
from onboarding.services.publishing import PublishRefused, onboarding_publish
from onboarding.services.reading import (
    MAX_BYTES, MAX_LINES, MAX_PAGES, onboarding_correct, onboarding_import, onboarding_mark_line, onboarding_upload,
)

__all__ = [
    "MAX_BYTES", "MAX_LINES", "MAX_PAGES", "PublishRefused", "onboarding_add_organisation", "onboarding_correct",
    "onboarding_import", "onboarding_mark_line", "onboarding_publish", "onboarding_upload", "owners_fill",
    "proposal_drop", "proposal_edit", "proposal_merge", "proposal_split",
]
