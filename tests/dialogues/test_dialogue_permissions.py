"""Who may see and do what on the dialogue pages: every page and action against every persona, one test per cell.

Personas: an anonymous visitor, a signed-in account without a role (outsider), an EU official at the EEAS, a UK
official at the FCDO, an official at the EDA (which takes no part in the Security and Defence Dialogue), an analyst, a
reviewer and an administrator.

Meetings used (made by the `meetings` fixture through the services, as the reviewer), both of the Security and
Defence Dialogue (SDD), whose participants are eeas-dsg, eeas, fcdo and mod:
- PLANNED: planned, two months ahead, participants defaulting to the series';
- HELD: held a month ago, with one guidance and one open follow-up action owned by fcdo.
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from dialogues import services
from dialogues.models import DialogueSeries, FollowUpAction, Guidance, Meeting
from agreement.models import Organisation

# Personas are fixtures looked up by name, which pytest-django cannot see: mark the module so it runs with the
# database tests (before the transactional ones flush the seeded Partnership).
pytestmark = pytest.mark.django_db

SDD = "security-and-defence-dialogue"

PERSONAS = [
    "anonymous", "outsider", "eu_official", "uk_official", "eda_official", "analyst", "reviewer", "administrator",
]

# Expected outcomes other than a bare status code.
LOGIN = "login"  # 302 to /accounts/login/?next=<the page asked for>
DONE = "done"  # 302, and the change was made


def matrix(**expected):
    """One pytest.param per persona, with an id that reads as the cell: `outsider-403`, `anonymous-login`."""
    assert set(expected) == set(PERSONAS), "every persona needs an expected outcome"
    return [pytest.param(persona, expected[persona], id=f"{persona}-{expected[persona]}") for persona in PERSONAS]


def everyone(outcome, **overrides):
    return matrix(**{persona: outcome for persona in PERSONAS} | overrides)


@dataclass
class Meetings:
    series: DialogueSeries
    planned: Meeting
    held: Meeting
    guidance: Guidance
    action: FollowUpAction


@pytest.fixture
def meetings(partnership, reviewer) -> Meetings:
    series = DialogueSeries.objects.get(partnership=partnership, slug=SDD)
    today = timezone.localdate()
    planned = services.meeting_create(series=series, date=today + timedelta(days=60), place="Brussels", by=reviewer)
    held = services.meeting_create(
        series=series, date=today - timedelta(days=30), place="London", status=Meeting.Status.HELD, by=reviewer
    )
    guidance = services.guidance_add(meeting=held, text="Deepen the exchanges on maritime security.", by=reviewer)
    action = services.action_add(
        meeting=held, title="Propose dates for a maritime security workshop", owner=org("fcdo"),
        due_on=today + timedelta(days=30), guidance=guidance, by=reviewer,
    )
    return Meetings(series=series, planned=planned, held=held, guidance=guidance, action=action)


def org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def sign_in(client, request, persona):
    """Sign the persona in with force_login; the anonymous visitor stays signed out."""
    if persona == "anonymous":
        return None
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


def assert_outcome(response, expected, url):
    if expected == LOGIN:
        assert (response.status_code, response.get("Location")) == (302, f"/accounts/login/?next={url}")
    else:
        assert response.status_code == expected, f"{url}: expected {expected}, got {response.status_code}"


# ---------------------------------------------------------------------------------------------------------------------
# The data the matrix relies on


def test_the_meetings_the_matrix_relies_on(meetings, eda_official):
    participants = {o.slug for o in meetings.series.participants.all()}
    assert participants == {"eeas-dsg", "eeas", "fcdo", "mod"}
    assert {o.slug for o in meetings.planned.participants.all()} == participants
    assert "eda" not in participants | {o.slug for o in meetings.series.organisers.all()}
    assert meetings.planned.status == Meeting.Status.PLANNED and meetings.planned.date > timezone.localdate()
    assert meetings.held.status == Meeting.Status.HELD and meetings.held.date < timezone.localdate()
    assert meetings.action.owner.slug == "fcdo" and meetings.action.status == FollowUpAction.Status.OPEN
    assert not Meeting.objects.filter(pk=999999).exists()


# ---------------------------------------------------------------------------------------------------------------------
# Reading


@pytest.mark.parametrize(("persona", "expected"), everyone(200, anonymous=LOGIN, outsider=403))
@pytest.mark.parametrize("path", ["/dialogues/", "/dialogues/series/{series}/"])
def test_the_dialogue_index_and_series_pages_answer_every_role(client, request, meetings, path, persona, expected):
    sign_in(client, request, persona)
    url = path.format(series=meetings.series.pk)
    assert_outcome(client.get(url), expected, url)


@pytest.mark.parametrize(
    ("persona", "expected"), everyone(200, anonymous=LOGIN, outsider=403, eda_official=403)
)
def test_a_meeting_is_seen_by_its_participants_officials_and_the_roles_that_see_everything(
    client, request, meetings, persona, expected
):
    sign_in(client, request, persona)
    url = f"/dialogues/meetings/{meetings.planned.pk}/"
    assert_outcome(client.get(url), expected, url)


@pytest.mark.parametrize(("persona", "expected"), everyone(404, anonymous=LOGIN, outsider=403))
def test_a_meeting_that_does_not_exist_is_not_found(client, request, meetings, persona, expected):
    sign_in(client, request, persona)
    url = "/dialogues/meetings/999999/"
    assert_outcome(client.get(url), expected, url)


@pytest.mark.parametrize(("persona", "expected"), everyone(200, anonymous=LOGIN, outsider=403))
@pytest.mark.parametrize("path", ["/dialogues/notifications/", "/dialogues/calendar/"])
def test_the_notifications_and_calendar_pages_answer_every_role(client, request, meetings, path, persona, expected):
    sign_in(client, request, persona)
    assert_outcome(client.get(path), expected, path)


# ---------------------------------------------------------------------------------------------------------------------
# Planning and editing meetings


MANAGERS_ONLY = everyone(403, anonymous=LOGIN, reviewer=200, administrator=200)


@pytest.mark.parametrize(("persona", "expected"), MANAGERS_ONLY)
@pytest.mark.parametrize("path", ["/dialogues/series/{series}/meetings/new/", "/dialogues/meetings/{planned}/edit/",
                                  "/dialogues/meetings/{held}/milestones/new/"])
def test_only_reviewers_and_administrators_may_open_the_meeting_forms(client, request, meetings, path, persona, expected):
    sign_in(client, request, persona)
    url = path.format(series=meetings.series.pk, planned=meetings.planned.pk, held=meetings.held.pk)
    assert_outcome(client.get(url), expected, url)


def valid_meeting() -> dict:
    return {
        "date": (timezone.localdate() + timedelta(days=120)).isoformat(),
        "place": "Brussels",
        "status": "planned",
        "participants": [org("eeas").pk, org("fcdo").pk],
        "marking": "OFFICIAL",
        "outcome": "",
        "version": "",
    }


@pytest.mark.parametrize(("persona", "expected"), everyone(403, anonymous=LOGIN, reviewer=DONE, administrator=DONE))
def test_only_reviewers_and_administrators_may_plan_a_meeting(client, request, meetings, persona, expected):
    user = sign_in(client, request, persona)
    url = f"/dialogues/series/{meetings.series.pk}/meetings/new/"
    before = set(Meeting.objects.values_list("pk", flat=True))

    response = client.post(url, valid_meeting())

    if expected == DONE:
        assert response.status_code == 302, response.content.decode()[:2000]
        new = set(Meeting.objects.values_list("pk", flat=True)) - before
        assert len(new) == 1
        meeting = Meeting.objects.get(pk=new.pop())
        assert urlsplit(response["Location"]).path == f"/dialogues/meetings/{meeting.pk}/"
        assert (meeting.series, meeting.status, meeting.created_by) == (meetings.series, "planned", user)
        assert {o.slug for o in meeting.participants.all()} == {"eeas", "fcdo"}
    else:
        assert_outcome(response, expected, url)
        assert set(Meeting.objects.values_list("pk", flat=True)) == before


# ---------------------------------------------------------------------------------------------------------------------
# Recording guidance and follow-up actions


@pytest.mark.parametrize(("persona", "expected"), everyone(403, anonymous=LOGIN, reviewer=DONE, administrator=DONE))
def test_only_reviewers_and_administrators_may_record_guidance(client, request, meetings, persona, expected):
    sign_in(client, request, persona)
    url = f"/dialogues/meetings/{meetings.held.pk}/guidance/"
    before = Guidance.objects.filter(meeting=meetings.held).count()

    response = client.post(url, {"text": "Report on the maritime workshop at the next Dialogue."})

    if expected == DONE:
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == f"/dialogues/meetings/{meetings.held.pk}/"
        assert Guidance.objects.filter(meeting=meetings.held).count() == before + 1
        assert Guidance.objects.filter(
            meeting=meetings.held, text="Report on the maritime workshop at the next Dialogue."
        ).exists()
    else:
        assert_outcome(response, expected, url)
        assert Guidance.objects.filter(meeting=meetings.held).count() == before


@pytest.mark.parametrize(("persona", "expected"), everyone(403, anonymous=LOGIN, reviewer=DONE, administrator=DONE))
def test_only_reviewers_and_administrators_may_set_a_follow_up_action(client, request, meetings, persona, expected):
    sign_in(client, request, persona)
    url = f"/dialogues/meetings/{meetings.held.pk}/actions/"
    before = FollowUpAction.objects.filter(meeting=meetings.held).count()
    body = {
        "title": "Share the draft terms of reference",
        "owner": org("eeas").pk,
        "due_on": (timezone.localdate() + timedelta(days=45)).isoformat(),
        "guidance": "",
    }

    response = client.post(url, body)

    if expected == DONE:
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == f"/dialogues/meetings/{meetings.held.pk}/"
        assert FollowUpAction.objects.filter(meeting=meetings.held).count() == before + 1
        added = FollowUpAction.objects.get(meeting=meetings.held, title="Share the draft terms of reference")
        assert (added.owner.slug, added.status) == ("eeas", FollowUpAction.Status.OPEN)
    else:
        assert_outcome(response, expected, url)
        assert FollowUpAction.objects.filter(meeting=meetings.held).count() == before


@pytest.mark.parametrize(("persona", "expected"), everyone(403, anonymous=LOGIN, reviewer=DONE, administrator=DONE))
def test_only_reviewers_and_administrators_may_set_or_withdraw_a_milestone(client, request, meetings, persona, expected):
    from commitments.models import Commitment
    from dialogues.models import Milestone

    sign_in(client, request, persona)
    url = f"/dialogues/meetings/{meetings.held.pk}/milestones/new/"
    body = {"commitment": Commitment.objects.get(ref="14.4").pk, "party": "",
            "due_on": (timezone.localdate() + timedelta(days=45)).isoformat(), "description": "Report on alignment"}

    response = client.post(url, body)

    if expected == DONE:
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == f"/dialogues/meetings/{meetings.held.pk}/"
        milestone = Milestone.objects.get(meeting=meetings.held, description="Report on alignment")
        withdrawn = client.post(f"/dialogues/milestones/{milestone.pk}/withdraw/")
        assert withdrawn.status_code == 302
        milestone.refresh_from_db()
        assert milestone.withdrawn_at is not None
    else:
        assert_outcome(response, expected, url)
        assert not Milestone.objects.filter(meeting=meetings.held).exists()
        kept = services_milestone(meetings)
        withdraw = f"/dialogues/milestones/{kept.pk}/withdraw/"
        assert_outcome(client.post(withdraw), expected, withdraw)
        kept.refresh_from_db()
        assert kept.withdrawn_at is None


def services_milestone(meetings):
    from commitments.models import Commitment
    from dialogues.milestones import milestone_set

    reviewer = meetings.held.created_by
    return milestone_set(meeting=meetings.held, commitment=Commitment.objects.get(ref="14.4"),
                         due_on=timezone.localdate() + timedelta(days=30), description="Set by the reviewer", by=reviewer)


# ---------------------------------------------------------------------------------------------------------------------
# Updating a follow-up action


@pytest.mark.parametrize(
    ("persona", "expected"),
    everyone(403, anonymous=LOGIN, uk_official=DONE, reviewer=DONE, administrator=DONE),
)
def test_only_the_owning_organisations_officials_and_the_managers_may_update_an_action(
    client, request, meetings, persona, expected
):
    sign_in(client, request, persona)
    action = meetings.action
    url = f"/dialogues/actions/{action.pk}/status/"

    response = client.post(url, {"status": "in_progress", "note": ""})

    action.refresh_from_db()
    if expected == DONE:
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == f"/dialogues/meetings/{meetings.held.pk}/"
        assert action.status == FollowUpAction.Status.IN_PROGRESS
    else:
        assert_outcome(response, expected, url)
        assert action.status == FollowUpAction.Status.OPEN


# ---------------------------------------------------------------------------------------------------------------------
# An OFFICIAL-SENSITIVE outcome

SENSITIVE_OUTCOME = "Both sides agreed to explore a joint exercise in the Baltic in the autumn."


@pytest.fixture
def sensitive_outcome(meetings, reviewer) -> Meeting:
    return services.meeting_update(
        meeting=meetings.held, expected_version=meetings.held.version, by=reviewer,
        marking="OFFICIAL-SENSITIVE", outcome=SENSITIVE_OUTCOME,
    )


@pytest.mark.parametrize("persona", ["eu_official", "uk_official", "reviewer", "administrator"])
def test_participants_officials_and_managers_read_a_sensitive_outcome(client, request, sensitive_outcome, persona):
    sign_in(client, request, persona)
    response = client.get(f"/dialogues/meetings/{sensitive_outcome.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert SENSITIVE_OUTCOME in page
    assert "Outcome withheld" not in page


def test_an_analyst_sees_that_a_sensitive_outcome_is_withheld(client, request, sensitive_outcome):
    sign_in(client, request, "analyst")
    response = client.get(f"/dialogues/meetings/{sensitive_outcome.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Outcome withheld" in page
    assert SENSITIVE_OUTCOME not in page
