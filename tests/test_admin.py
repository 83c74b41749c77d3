"""The admin is usable for every model: each list and each object page opens for an administrator; what it may
change goes through the services, and what has rules it would skip is read-only there."""

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_model_in_the_admin_lists_and_opens(client, administrator, partnership, eu_official):
    from commitments.models import Commitment
    from commitments.services import commitment_update_status

    commitment = Commitment.objects.get(ref="14.1")
    commitment_update_status(commitment=commitment, party_code="EU", status="on_track", note="", as_of=partnership.adopted_on,
                             by=eu_official, expected_version=commitment.version)
    client.force_login(administrator)
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        listing = client.get(reverse("admin:%s_%s_changelist" % info))
        assert listing.status_code == 200, info
        obj = model._default_manager.first()
        if obj is not None:
            assert client.get(reverse("admin:%s_%s_change" % info, args=[obj.pk])).status_code == 200, info
        if model_admin.has_add_permission(listing.wsgi_request):
            assert client.get(reverse("admin:%s_%s_add" % info)).status_code == 200, info


def _change_form(client, url: str) -> dict:
    """The admin change form's fields as a browser would post them back unchanged (with its inlines' counts)."""
    context = client.get(url).context
    form = context["adminform"].form
    data = {}
    for inline in context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {management.add_prefix(name): value for name, value in management.initial.items()}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        data[name] = [getattr(v, "pk", v) for v in value] if isinstance(value, (list, tuple)) else getattr(value, "pk", value)
    return data


def test_changing_a_cadence_in_the_admin_reschedules_the_sides(client, administrator, partnership):
    from commitments.models import Commitment, CommitmentSide

    commitment = Commitment.objects.get(ref="14.1")
    assert commitment.cadence == "regular"  # every six months
    client.force_login(administrator)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    response = client.post(url, {**_change_form(client, url), "cadence": "biennial"})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    # Nothing recorded yet: due two years after the adoption (19 May 2025), overdue after 30 days' grace.
    due = set(CommitmentSide.objects.filter(commitment=commitment).values_list("due_on", "overdue_on"))
    assert due == {(date(2027, 5, 19), date(2027, 6, 19))}


def test_the_admin_cannot_skip_the_rules_of_meetings_guidance_and_actions(client, administrator, partnership, reviewer):
    from agreement.models import Organisation
    from dialogues import services
    from dialogues.models import DialogueSeries, FollowUpAction, Guidance

    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    planned = services.meeting_create(series=sdd, date=date.today() + timedelta(days=170), place="London", by=reviewer)
    held = services.meeting_create(series=sdd, date=date(2026, 5, 20), place="Brussels", status="held", by=reviewer)
    action = services.action_add(meeting=held, title="Propose dates", owner=Organisation.objects.get(slug="fcdo"),
                                 due_on=date(2026, 9, 1), by=reviewer)
    client.force_login(administrator)
    # Guidance on a meeting not yet held, through the meeting's inline: the meeting is read-only in the admin.
    meeting_url = reverse("admin:dialogues_meeting_change", args=[planned.pk])
    assert client.post(meeting_url, {"guidance-TOTAL_FORMS": "1", "guidance-INITIAL_FORMS": "0",
                                     "guidance-0-position": "1", "guidance-0-text": "Too early."}).status_code == 403
    assert not Guidance.objects.filter(meeting=planned).exists()
    # Dropping an action without a reason.
    action_url = reverse("admin:dialogues_followupaction_change", args=[action.pk])
    assert client.get(action_url).status_code == 200  # readable
    assert client.post(action_url, {"status": "dropped", "title": "Propose dates"}).status_code == 403
    assert FollowUpAction.objects.get(pk=action.pk).status == FollowUpAction.Status.OPEN
    assert client.get(reverse("admin:dialogues_followupaction_add")).status_code == 403


def test_the_agreements_text_and_the_sides_are_read_only_in_the_admin(client, administrator, partnership):
    from agreement.models import Paragraph
    from commitments.models import CommitmentSide

    client.force_login(administrator)
    paragraph = Paragraph.objects.get(partnership=partnership, number=14)
    assert client.post(reverse("admin:partnership_paragraph_change", args=[paragraph.pk]),
                       {"text": "Rewritten.", "number": 14}).status_code == 403
    side = CommitmentSide.objects.filter(commitment__ref="14.1").first()
    url = reverse("admin:commitments_commitmentside_change", args=[side.pk])
    client.post(url, {**_change_form(client, url), "due_on": "2099-01-01", "ownership_set-TOTAL_FORMS": "0",
                      "ownership_set-INITIAL_FORMS": "0"})
    assert CommitmentSide.objects.get(pk=side.pk).due_on == side.due_on  # derived: not a field of the form
    assert Paragraph.objects.get(pk=paragraph.pk).text == paragraph.text
