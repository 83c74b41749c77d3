"""The briefing pack pages: live while the meeting is planned, frozen once held, both side by side, and the PDF,
prepared in the background (reports.pack_pdf) while the reader waits on a page that refreshes itself."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from commitments.history import updates_since
from commitments.models import Commitment
from commitments.status import Verdict
from dialogues import services
from dialogues.models import Assessment, DialogueSeries, Meeting
from dialogues.pack import changes_since_frozen, pack_for
from reports.pack_display import pack_context, pack_meeting, readable_sensitive_updates
from reports.pack_pdf import pack_pdf_request, readers_pack_pdf
from dialogues.access import meeting_for
from reports.models import GeneratedPdf
from reports.pdfs import pdf_serve

REFRESH_SECONDS = 2


def pack_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request.user, pk, pack_meeting)
    area = request.GET.get("area", "1")
    data, frozen = pack_for(meeting, area=area)
    may_assess = (services.user_may_assess(request.user) and meeting.series.kind == DialogueSeries.Kind.SDD
                  and meeting.status == Meeting.Status.PLANNED)
    context = pack_context(meeting, data, frozen, readable_sensitive_updates(data, request.user), may_assess=may_assess,
                           area=area)
    return render(request, "dialogues/pack.html", context)


def pack_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF at once when one fits the reader; otherwise it is queued and they wait on its status page."""
    meeting = meeting_for(request.user, pk, pack_meeting)
    pdf = pack_pdf_request(meeting=meeting, user=request.user)
    if pdf.state == GeneratedPdf.State.READY:
        return pdf_serve(pdf)
    return redirect("packs:pdf_status", meeting.pk, pdf.pk)


def _readers_pdf(request, pk: int, pdf_id: int) -> tuple[Meeting, GeneratedPdf]:
    meeting = meeting_for(request.user, pk, pack_meeting)
    pdf = readers_pack_pdf(meeting=meeting, user=request.user, pdf_id=pdf_id)
    if pdf is None:
        raise Http404("No such PDF of this pack for you.")
    return meeting, pdf


def pack_pdf_status(request: HttpRequest, pk: int, pdf_id: int) -> HttpResponse:
    meeting, pdf = _readers_pdf(request, pk, pdf_id)
    response = render(request, "dialogues/pack_pdf_status.html", {
        "meeting": meeting, "pdf": pdf, "refresh_seconds": REFRESH_SECONDS,
    })
    if pdf.pending:
        # The header, not <meta http-equiv="refresh">: the same reload without inline markup that axe-core rejects.
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def pack_pdf_file(request: HttpRequest, pk: int, pdf_id: int) -> HttpResponse:
    meeting, pdf = _readers_pdf(request, pk, pdf_id)
    if pdf.state != GeneratedPdf.State.READY:
        return redirect("packs:pdf_status", meeting.pk, pdf.pk)
    return pdf_serve(pdf)


def pack_compare(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request.user, pk, pack_meeting)
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
    meeting = meeting_for(request.user, pk, pack_meeting)
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
            return redirect(f"{meeting.get_absolute_url()}pack/?area=c{commitment.pk}#c{commitment.pk}")
    return render(request, "dialogues/assess.html", {"meeting": meeting, "commitment": commitment, "form": form,
                                                     "existing": existing})
