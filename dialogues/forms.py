import datetime

from django import forms

from commitments.models import Commitment, Marking
from dialogues.milestones import milestone_errors
from dialogues.models import FollowUpAction, Meeting
from dialogues.selectors import REASONS, proposal_groups
from dialogues.services import meeting_errors
from common.choices import ModelChoiceField, ModelMultipleChoiceField
from common.forms import ServiceErrors
from agreement.models import Organisation
from agreement.selectors import partnership_organisations

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _FirstChoiceNamed:
    """A group of boxes or radios is labelled by its legend, so Django gives the field no id to label; the error
    summary links each field by that id, so it names the first choice's, as the GOV.UK pattern does."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class Boxes(_FirstChoiceNamed, forms.CheckboxSelectMultiple):
    pass


class Radios(_FirstChoiceNamed, forms.RadioSelect):
    pass


class MeetingForm(ServiceErrors, forms.Form):
    date = forms.DateField(widget=DATE)
    place = forms.CharField(max_length=200, required=False)
    status = forms.ChoiceField(choices=Meeting.Status.choices, initial=Meeting.Status.PLANNED)
    participants = ModelMultipleChoiceField(
        queryset=Organisation.objects.select_related("party"), required=False, widget=Boxes,
        help_text="Their officials see the meeting and receive its reminders.",
    )
    prepares = ModelChoiceField(
        queryset=Meeting.objects.none(), required=False, label="Prepares the meeting",
        empty_label="—",
    )
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=20000,
                              label="Outcome notes", help_text="What was discussed and decided.")
    marking = forms.ChoiceField(choices=Marking.choices, initial=Marking.OFFICIAL, widget=Radios,
                                label="Handling marking of the outcome")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, series, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.series, self.today = series, today
        self.fields["participants"].queryset = partnership_organisations(series.partnership_id)
        self.fields["participants"].label_from_instance = lambda o: f"{o.short_name} ({o.party.code})"
        if series.prepares_id:
            self.fields["prepares"].queryset = Meeting.objects.filter(series=series.prepares_id).order_by("-date")
        else:
            del self.fields["prepares"]
        self.fields["date"].help_text = self._date_hint()

    def _date_hint(self) -> str:
        hint = "A planned meeting is today or later; a held one today or earlier."
        due = self.series.next_due_on
        if due and due < self.today:
            return f"The next meeting was due on {due:%d %B %Y}, so it is overdue. {hint}"
        return f"The next meeting is due on {due:%d %B %Y}. {hint}" if due else hint

    @staticmethod
    def initial_date(series, today: datetime.date) -> datetime.date | None:
        """The series' due date, when it is still to come: a date already past cannot be a planned meeting's."""
        return series.next_due_on if series.next_due_on and series.next_due_on >= today else None

    def clean(self):
        data = super().clean()
        # The service's rules, in the same pass: every mistake is told at once, each on its field.
        errors = meeting_errors(series=self.series, meeting_date=data.get("date"), status=data.get("status"),
                                prepares=data.get("prepares"), place=data.get("place", ""),
                                outcome=data.get("outcome", ""), today=self.today)
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return data


class AgendaForm(ServiceErrors, forms.Form):
    commitments = forms.MultipleChoiceField(
        required=False, widget=Boxes, label="Commitments to add",
        error_messages={"invalid_choice": "Choose among the commitments proposed now: %(value)s is not one of them "
                                          "(it may have been added, or changed, meanwhile)."})
    # Set by the button pressed: "add every proposal for this reason", which works without JavaScript.
    reason = forms.ChoiceField(choices=[("", "—"), *((r.key, r.label) for r in REASONS)], required=False)
    title = forms.CharField(max_length=300, required=False, label="Or add another item")

    def __init__(self, *args, proposals, **kwargs):
        # Ids of its own: the meeting page holds the action form too, whose title would share "id_title".
        super().__init__(*args, auto_id="agenda_%s", **kwargs)
        self.proposals = {str(p.commitment_id): p for p in proposals}
        self.fields["commitments"].choices = [(pk, p.title) for pk, p in self.proposals.items()]

    def groups(self) -> list:
        """The proposals by their most pressing reason, each with its checkbox: [(ProposalGroup, [(Proposal, box)])]."""
        boxes = dict(zip(self.proposals, self["commitments"]))
        return [(group, [(p, boxes[str(p.commitment_id)]) for p in group.proposals])
                for group in proposal_groups(list(self.proposals.values()))]

    def chosen(self) -> list[int]:
        """The commitments ticked, and every one proposed for the reason whose button was pressed."""
        reason = self.cleaned_data["reason"]
        ticked = set(self.cleaned_data["commitments"])
        return [p.commitment_id for pk, p in self.proposals.items() if pk in ticked or reason in p.kinds]


class GuidanceForm(ServiceErrors, forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="New guidance")


class ActionForm(ServiceErrors, forms.Form):
    title = forms.CharField(max_length=300, label="Action")
    owner = ModelChoiceField(queryset=Organisation.objects.select_related("party"), label="Owner organisation")
    due_on = forms.DateField(widget=DATE, label="Due on")
    guidance = ModelChoiceField(queryset=None, required=False, label="Follows up guidance", empty_label="—")

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = partnership_organisations(meeting.series.partnership_id)
        self.fields["guidance"].queryset = meeting.guidance.all()
        self.fields["guidance"].label_from_instance = lambda g: g.text[:80]
        self.fields["owner"].label_from_instance = lambda o: f"{o.short_name} ({o.party.code})"


class MilestoneForm(ServiceErrors, forms.Form):
    commitment = ModelChoiceField(queryset=None, label="Commitment")
    party = forms.ChoiceField(label="For", required=False)
    due_on = forms.DateField(widget=DATE, label="Milestone date")
    description = forms.CharField(max_length=300, label="What is to be done or reported by then")

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        partnership = meeting.series.partnership
        self.fields["commitment"].queryset = Commitment.objects.filter(
            paragraph__partnership=partnership).select_related("paragraph", "subparagraph")
        self.fields["commitment"].label_from_instance = lambda c: f"{c.reference} {c.title}"
        self.fields["party"].choices = [("", "Every side"), *((p.code, f"The {p.code} side") for p in partnership.parties.all())]
        self.meeting = meeting

    def clean(self):
        data = super().clean()
        # The service's rules, in the same pass: every mistake is told at once, each on its field.
        errors = milestone_errors(meeting=self.meeting, commitment=data.get("commitment"),
                                  party_code=data.get("party", ""), due_on=data.get("due_on"),
                                  description=data.get("description"))
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=FollowUpAction.Status.choices)
    note = forms.CharField(max_length=2000, required=False)
