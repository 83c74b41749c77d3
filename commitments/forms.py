from django import forms
from django.core.validators import URLValidator
from django.utils import timezone

from commitments.models import Marking, StatusUpdate
from commitments.services import EVIDENCE_TITLE_MAX, EVIDENCE_URL_MAX, NOTE_MAX, Evidence, status_update_errors
from commitments.status import Status
from common.forms import ServiceErrors

EVIDENCE_ROWS = 3
CORRECTABLE = 20  # the latest entries offered for correction


class StatusUpdateForm(ServiceErrors, forms.Form):
    status = forms.ChoiceField(
        choices=[(value, label) for value, label in Status.choices if value != Status.NOT_ASSESSED],
        widget=forms.RadioSelect,
        label="New status",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=NOTE_MAX,
        label="Progress note",
        help_text="Required when the status is at risk, delayed or discontinued, or moves backwards.",
    )
    as_of = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="True as of",
        help_text="The date this status was true; not in the future.",
    )
    marking = forms.ChoiceField(
        choices=Marking.choices,
        initial=Marking.OFFICIAL,
        widget=forms.RadioSelect,
        label="Handling marking",
        help_text="OFFICIAL-SENSITIVE notes are shown only to the owning organisations, reviewers and administrators.",
    )
    corrects = forms.ModelChoiceField(
        queryset=StatusUpdate.objects.none(),
        required=False,
        label="Corrects an earlier entry (optional)",
        empty_label="No: this is a new update",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, side, **kwargs):
        super().__init__(*args, **kwargs)
        self.side = side
        corrects = self.fields["corrects"]
        corrects.queryset = side.updates.all()  # any entry of the side may be corrected (checked by id)
        # …but only the latest are offered: a side's history can hold thousands of entries.
        latest = side.updates.order_by("-as_of", "-created_at", "-pk")[:CORRECTABLE]
        corrects.widget.choices = [("", corrects.empty_label)] + [
            (u.pk, f"{u.as_of:%d %b %Y}: {u.get_status_display()}") for u in latest]
        for n in range(1, EVIDENCE_ROWS + 1):
            self.fields[f"evidence_title_{n}"] = forms.CharField(required=False, max_length=EVIDENCE_TITLE_MAX, label=f"Evidence {n}: title")
            self.fields[f"evidence_url_{n}"] = forms.CharField(
                required=False, max_length=EVIDENCE_URL_MAX, label=f"Evidence {n}: address",
                validators=[URLValidator(schemes=["http", "https"], message="Enter an http:// or https:// address.")],
                widget=forms.URLInput(attrs={"placeholder": "https://…"}),
            )

    def evidence_rows(self):
        return [(self[f"evidence_title_{n}"], self[f"evidence_url_{n}"]) for n in range(1, EVIDENCE_ROWS + 1)]

    def clean(self):
        data = super().clean()
        for n in range(1, EVIDENCE_ROWS + 1):
            title, url = data.get(f"evidence_title_{n}"), data.get(f"evidence_url_{n}")
            if url and not title:
                self.add_error(f"evidence_title_{n}", "Give the link a title.")
            if title and not url and f"evidence_url_{n}" not in self.errors:
                self.add_error(f"evidence_url_{n}", "Give the link's address.")
        # The service's rules, in the same pass: every mistake is told at once, each on its field.
        errors = status_update_errors(
            side=self.side, status=data.get("status"), note=data.get("note"), as_of=data.get("as_of"),
            marking=data.get("marking"), corrects=data.get("corrects"),
            adopted_on=self.side.commitment.paragraph.partnership.adopted_on, today=timezone.localdate())
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return data

    def evidence(self) -> list[Evidence]:
        data = self.cleaned_data
        return [
            Evidence(title=data[f"evidence_title_{n}"], url=data[f"evidence_url_{n}"])
            for n in range(1, EVIDENCE_ROWS + 1)
            if data.get(f"evidence_url_{n}")
        ]

    @staticmethod
    def initial_for(commitment, side) -> dict:
        return {"version": commitment.version, "as_of": timezone.localdate(), "marking": Marking.OFFICIAL,
                "status": side.status if side.status != Status.NOT_ASSESSED else None}
