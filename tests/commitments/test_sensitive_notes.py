"""OFFICIAL-SENSITIVE notes: shown to the owning organisations' officials, reviewers and administrators only."""

from datetime import date

import pytest

from commitments.models import Commitment
from commitments.services import Evidence, commitment_update_status
from tests.conftest import make_user

SECRET_NOTE = "Ministers disagree on the venue."


@pytest.fixture
def sensitive_update(partnership, eu_official):
    commitment = Commitment.objects.get(ref="14.1")  # EU: EEAS, UK: FCDO
    return commitment_update_status(
        commitment=commitment, party_code="EU", status="at_risk", note=SECRET_NOTE, as_of=date.today(),
        marking="OFFICIAL-SENSITIVE", evidence=[Evidence("Internal minute", "https://example.org/minute")],
        by=eu_official, expected_version=commitment.version,
    )


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("eu_official", True),  # owns the EU side
        ("uk_official", True),  # the FCDO owns the UK side of the same commitment
        ("reviewer", True),
        ("administrator", True),
        ("analyst", False),
        ("other_official", False),  # an official of an organisation that owns no side of it
    ],
)
def test_a_sensitive_note_is_withheld_from_those_outside_the_owners(client, request, sensitive_update, persona, sees):
    user = make_user("eda-official", organisation="eda", is_official=True) if persona == "other_official" else request.getfixturevalue(persona)
    client.force_login(user)
    html = client.get(sensitive_update.commitment.get_absolute_url()).content.decode()
    assert (SECRET_NOTE in html) is sees
    assert ("https://example.org/minute" in html) is sees
    assert ("Note withheld: OFFICIAL-SENSITIVE" in html) is not sees
    assert "OFFICIAL-SENSITIVE" in html  # the marking itself is always shown
