from django import forms

from commitments.models import Marking
from dialogues.models import FollowUpAction, Meeting
from common.choices import ModelChoiceField, ModelMultipleChoiceField
from common.forms import ServiceErrors
from agreement.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(ServiceErrors, forms.Form):
    date = forms.DateField(widget=DATE)
    place = forms.CharField(max_length=200, required=False)
    status = forms.ChoiceField(choices=Meeting.Status.choices, initial=Meeting.Status.PLANNED)
    participants = ModelMultipleChoiceField(
        queryset=Organisation.objects.select_related("party"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Their officials see the meeting and receive its reminders.",
    )
    prepares = ModelChoiceField(
        queryset=Meeting.objects.none(), required=False, label="Prepares the meeting",
        empty_label="—",
    )
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=20000,
                              label="Outcome notes", help_text="What was discussed and decided.")
    marking = forms.ChoiceField(choices=Marking.choices, initial=Marking.OFFICIAL, widget=forms.RadioSelect,
                                label="Handling marking of the outcome")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].label_from_instance = lambda o: f"{o.short_name} ({o.party.code})"
        if series.prepares_id:
            self.fields["prepares"].queryset = Meeting.objects.filter(series=series.prepares_id).order_by("-date")
        else:
            del self.fields["prepares"]


class AgendaForm(forms.Form):
    commitments = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    title = forms.CharField(max_length=300, required=False, label="Or add another item")

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = {str(p.commitment_id): p for p in proposals}
        self.fields["commitments"].choices = [(pk, p.title) for pk, p in self.proposals.items()]


class GuidanceForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="New guidance")


class ActionForm(forms.Form):
    title = forms.CharField(max_length=300, label="Action")
    owner = ModelChoiceField(queryset=Organisation.objects.select_related("party"), label="Owner organisation")
    due_on = forms.DateField(widget=DATE, label="Due on")
    guidance = ModelChoiceField(queryset=None, required=False, label="Follows up guidance", empty_label="—")

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guidance"].queryset = meeting.guidance.all()
        self.fields["guidance"].label_from_instance = lambda g: g.text[:80]
        self.fields["owner"].label_from_instance = lambda o: f"{o.short_name} ({o.party.code})"


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=FollowUpAction.Status.choices)
    note = forms.CharField(max_length=2000, required=False)
