"""The briefing pack pages: live while the meeting is planned, frozen once held, and both side by side."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from commitments.access import sensitive_commitment_ids
from commitments.charts import stacked_bar
from commitments.dashboard import STATUS_ORDER
from commitments.history import updates_since
from commitments.models import Commitment
from commitments.status import Verdict
from dialogues import services
from dialogues.models import Assessment, DialogueSeries, Meeting
from dialogues.pack import changes_since_frozen, pack_for
from dialogues.views import _visible_meeting
from reports.exports import pdf_response


def _context(request, meeting, data, frozen):
    readable = sensitive_commitment_ids(request.user)
    for area in data["areas"]:
        for commitment in area["commitments"]:
            for update in commitment["updates"]:
                update["readable"] = (
                    update["marking"] != "OFFICIAL-SENSITIVE" or readable is None or commitment["id"] in readable
                )
    summary = data["summary"]
    bars = [("All commitments", stacked_bar(summary["overall"], STATUS_ORDER, lambda s: ""))]
    bars += [(f"{code} side", stacked_bar(counts, STATUS_ORDER, lambda s: "")) for code, counts in summary["per_side"].items()]
    return {
        "meeting": meeting, "pack": data, "frozen": frozen, "bars": bars, "order": STATUS_ORDER,
        "may_assess": services.user_may_assess(request.user) and meeting.series.kind == DialogueSeries.Kind.SDD
        and meeting.status == Meeting.Status.PLANNED,
        "verdicts": dict(Verdict.choices),
    }


def _pack_meeting(pk: int) -> Meeting:
    """A pack reads the meeting's agenda and follow-up itself: the meeting page's prefetches are not needed."""
    return Meeting.objects.select_related("series__partnership").get(pk=pk)


def pack_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible_meeting(request, pk, load=_pack_meeting)
    return render(request, "dialogues/pack.html", _context(request, meeting, *pack_for(meeting)))


def pack_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible_meeting(request, pk, load=_pack_meeting)
    data, frozen = pack_for(meeting)
    context = _context(request, meeting, data, frozen)
    context["header"] = {"title": f"Briefing pack: {meeting}", "marking": data["marking"]}
    context["produced_by"] = request.user.get_full_name() or request.user.username
    context["produced_at"] = timezone.now()
    return pdf_response(f"briefing-pack-{meeting.date:%Y-%m-%d}", "dialogues/pack_pdf.html", context, request)


def pack_compare(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible_meeting(request, pk, load=_pack_meeting)
    data, frozen = pack_for(meeting)
    if frozen is None:
        raise Http404("This meeting has not been held: its pack is not frozen yet.")
    return render(request, "dialogues/pack_compare.html", {
        "meeting": meeting, "frozen": frozen, "then": data,
        "changes": changes_since_frozen(data, meeting.series.partnership),
        "updates_since": updates_since(meeting.series.partnership, frozen.frozen_at),
    })


class AssessmentForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices, widget=forms.RadioSelect, label="Verdict")
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, label="Rationale")


def assess(request: HttpRequest, pk: int, commitment_id: int) -> HttpResponse:
    meeting = _visible_meeting(request, pk)
    if not services.user_may_assess(request.user):
        raise PermissionDenied("Only reviewers record independent assessments.")
    commitment = get_object_or_404(Commitment.objects.select_related("paragraph", "subparagraph"), pk=commitment_id)
    existing = Assessment.objects.filter(meeting=meeting, commitment=commitment).first()
    form = AssessmentForm(request.POST or None, initial={"verdict": existing.verdict, "rationale": existing.rationale} if existing else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(meeting=meeting, commitment=commitment, verdict=form.cleaned_data["verdict"],
                                       rationale=form.cleaned_data["rationale"], by=request.user)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Your assessment of {commitment.reference} has been recorded.")
            return redirect(f"{meeting.get_absolute_url()}pack/#c{commitment.pk}")
    return render(request, "dialogues/assess.html", {"meeting": meeting, "commitment": commitment, "form": form,
                                                     "existing": existing})
