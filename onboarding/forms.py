"""The onboarding forms. They read what is typed; the services (onboarding.services) hold the rules and give their
errors back by field (common.forms.ServiceErrors)."""

from django import forms

from agreement.reading import ROLES
from commitments.status import Cadence, Strength
from common.forms import ServiceErrors
from onboarding.curating import TITLE_LENGTH
from onboarding.services import MAX_LINES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ROLE_LABELS = {"heading": "a heading (the reader chooses part or area)", "part": "a part's heading",
               "area": "an area's heading", "text": "text (it goes on with the text above it)",
               "drop": "not the agreement's: drop it"}
OWNER_ROLES = [("", "Not an owner"), ("lead", "Lead"), ("supporting", "Supporting")]


class UploadForm(forms.Form):
    file = forms.FileField(label="The agreement: a PDF, or its text (.txt)",
                           help_text="At most 5 MB and 200 pages. Nothing is written until you import it.")


class CorrectionsForm(ServiceErrors, forms.Form):
    start_line = forms.IntegerField(required=False, min_value=1, max_value=MAX_LINES, label="Start line",
                                    help_text="The line of the title; every line before it is front matter.")
    end_line = forms.IntegerField(required=False, min_value=1, max_value=MAX_LINES, label="End line",
                                  help_text="The agreement's last line; every line after it is dropped.")
    title = forms.CharField(required=False, max_length=300, label="Title", help_text="Blank: the title as read.")
    short_title = forms.CharField(required=False, max_length=120, label="Short title",
                                  help_text="As pages and lists name it, e.g. “EU–Norway Security and Defence "
                                            "Partnership”; its address (slug) is made from it.")
    party_1 = forms.CharField(required=False, max_length=200, label="First party")
    code_1 = forms.CharField(required=False, max_length=8, label="First party's code",
                             help_text="Blank: the text's abbreviation, or the name's initials.")
    party_2 = forms.CharField(required=False, max_length=200, label="Second party")
    code_2 = forms.CharField(required=False, max_length=8, label="Second party's code",
                             help_text="Blank: the text's abbreviation, or the name's initials.")
    adopted_on = forms.DateField(required=False, widget=DATE, label="Date of adoption",
                                 help_text="Blank: the date of the closing line (“Done at … on …”).")
    place = forms.CharField(required=False, max_length=120, label="Place of adoption", help_text="Blank: as read.")

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "start_line": data["start_line"], "end_line": data["end_line"], "title": data["title"],
            "short_title": data["short_title"], "parties": [data["party_1"], data["party_2"]],
            "codes": [data["code_1"], data["code_2"]], "adopted_on": data["adopted_on"], "place": data["place"],
        }


class LineForm(ServiceErrors, forms.Form):
    line = forms.IntegerField(min_value=1, max_value=MAX_LINES, label="Line")
    role = forms.ChoiceField(required=False, label="Read it as", choices=[("", "as the reader reads it (undo my marking)")] + [
        (role, ROLE_LABELS[role]) for role in ROLES])


class ProposalForm(ServiceErrors, forms.Form):
    title = forms.CharField(max_length=TITLE_LENGTH, label="Title")
    strength = forms.ChoiceField(choices=Strength.choices, widget=forms.RadioSelect, label="Strength")
    cadence = forms.ChoiceField(choices=Cadence.choices, label="Cadence")
    cadence_note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                   label="Cadence note", help_text="Why this cadence, where the words leave a doubt.")

    def __init__(self, *args, sides: list[dict], organisations: dict[str, list], **kwargs):
        """`sides` as the proposal stores them; `organisations` the organisations of each party, by its code."""
        initial = kwargs.setdefault("initial", {})
        super().__init__(*args, **kwargs)
        self.side_fields = []
        for side in sides:
            names = []
            for organisation in organisations.get(side["party"], []):
                name = f"owner_{side['party']}_{organisation.slug}"
                role = "lead" if organisation.slug in side["lead"] else (
                    "supporting" if organisation.slug in side["supporting"] else "")
                self.fields[name] = forms.ChoiceField(choices=OWNER_ROLES, required=False,
                                                      label=f"{organisation.short_name} ({organisation.name})")
                initial.setdefault(name, role)
                names.append(name)
            self.side_fields.append((side["party"], names))

    @property
    def sides(self):
        """Each side's code and its bound owner fields, for the template."""
        return [(code, [self[name] for name in names]) for code, names in self.side_fields]

    def chosen_owners(self) -> dict[str, dict[str, str]]:
        return {code: {name.removeprefix(f"owner_{code}_"): self.cleaned_data[name] for name in names
                       if self.cleaned_data[name]} for code, names in self.side_fields}


class SplitForm(ServiceErrors, forms.Form):
    at = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="Split it here")

    def __init__(self, *args, cuts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].choices = [(cut.second_start, f"{cut.before} ‖ {cut.after}") for cut in cuts]


class FillOwnersForm(ServiceErrors, forms.Form):
    organisation = forms.ChoiceField(label="Organisation")

    def __init__(self, *args, organisations: dict[str, list], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            (code, [(o.slug, f"{o.short_name} ({code})") for o in items]) for code, items in organisations.items() if items]


class OrganisationForm(ServiceErrors, forms.Form):
    party = forms.ChoiceField(label="Party")
    slug = forms.CharField(max_length=60, label="Slug", help_text="Lower-case letters, digits and hyphens, e.g. rf-mfa.")
    short_name = forms.CharField(max_length=60, label="Short name", help_text="As pages show it, e.g. MFA.")
    name = forms.CharField(max_length=200, label="Name", help_text="e.g. Ministry of Foreign Affairs of Freedonia.")

    def __init__(self, *args, parties: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(party.code, f"{party.name} ({party.code})") for party in parties]
