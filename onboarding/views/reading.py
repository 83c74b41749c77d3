"""The list of agreements being onboarded, the upload, the preview of how a text was read, its corrections and
the import."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agreement.parsing import AgreementFormatError
from onboarding import services
from onboarding.access import onboarding_for, require_onboarding
from onboarding.forms import CorrectionsForm, LineForm, UploadForm
from onboarding.models import Onboarding
from onboarding.selectors import dropped_groups, line_readings, preview_items, reading_of

LINES_AROUND = 30  # the lines page shows this many either side of the line asked for


def index(request: HttpRequest) -> HttpResponse:
    require_onboarding(request.user)
    return _index(request, UploadForm())


def _index(request, form, status=200):
    onboardings = Onboarding.objects.select_related("partnership", "uploaded_by").defer("source")
    return render(request, "onboarding/index.html", {"form": form, "onboardings": onboardings}, status=status)


@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    require_onboarding(request.user)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.MAX_BYTES:  # refused before it is read into memory
                raise ValidationError({"file": f"The file is larger than {services.MAX_BYTES // (1024 * 1024)} MB; "
                                               "an agreement's PDF or text is much smaller."})
            onboarding = services.onboarding_upload(filename=upload.name, data=upload.read(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{onboarding.filename} has been read: check the preview, correct what was read "
                                      "wrongly, then import it.")
            return redirect(onboarding)
    return _index(request, form, status=400)


def _initial(onboarding: Onboarding, preview) -> dict:
    stored = onboarding.overrides
    parties = (preview.parties if preview else []) + ["", ""]
    codes = list(onboarding.party_codes) + ["", ""]
    return {"start_line": stored.get("start_line"), "end_line": stored.get("end_line"), "title": stored.get("title", ""),
            "short_title": onboarding.short_title, "party_1": parties[0], "party_2": parties[1],
            "code_1": codes[0], "code_2": codes[1], "adopted_on": stored.get("adopted_on"), "place": stored.get("place", "")}


def _preview_page(request, onboarding, *, corrections=None, line_form=None, import_errors=(), status=200):
    try:
        reading, read_error = reading_of(onboarding), ""
    except AgreementFormatError as error:
        reading, read_error = None, f"Line {error.line}: {error.message}"
    preview = reading.preview if reading else None
    doubts = sorted(preview.doubts, key=lambda d: (not d.blocking, d.line)) if preview else []
    return render(request, "onboarding/preview.html", {
        "onboarding": onboarding, "reading": reading, "preview": preview, "read_error": read_error,
        "doubts": doubts, "blocking": [d for d in doubts if d.blocking],
        "items": preview_items(preview) if preview else [], "dropped": dropped_groups(preview) if preview else [],
        "roles": sorted(onboarding.corrections.roles.items()),
        "corrections": corrections or CorrectionsForm(initial=_initial(onboarding, preview)),
        "line_form": line_form or LineForm(), "import_errors": list(import_errors), "row_problems": list(import_errors),
        "form": corrections or line_form,  # the form posted, if any: base.html titles the page "Error:" for its errors
        "editable": onboarding.state == Onboarding.State.READING,
    }, status=status)


def preview(request: HttpRequest, pk: int) -> HttpResponse:
    return _preview_page(request, onboarding_for(request.user, pk))


def lines(request: HttpRequest, pk: int) -> HttpResponse:
    """The text line by line around the line asked for, with what the reader made of each."""
    onboarding = onboarding_for(request.user, pk)
    around = request.GET.get("around", "1")
    around = min(max(int(around), 1), len(onboarding.source)) if around.isascii() and around.isdigit() and len(around) < 7 else 1
    try:
        readings = line_readings(reading_of(onboarding).preview)
    except AgreementFormatError:
        readings = {}
    first, last = max(around - LINES_AROUND, 1), min(around + LINES_AROUND, len(onboarding.source))
    shown = [(line, readings.get(line.number, "")) for line in onboarding.lines[first - 1:last]]
    return render(request, "onboarding/lines.html", {
        "onboarding": onboarding, "shown": shown, "around": around, "first": first, "last": last,
        "earlier": max(first - LINES_AROUND - 1, 1) if first > 1 else None,
        "later": min(last + LINES_AROUND + 1, len(onboarding.source)) if last < len(onboarding.source) else None,
        "line_form": LineForm(initial={"line": around}), "editable": onboarding.state == Onboarding.State.READING,
    })


@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    onboarding = onboarding_for(request.user, pk)
    form = CorrectionsForm(request.POST)
    if form.is_valid():
        try:
            services.onboarding_correct(onboarding=onboarding, by=request.user, **form.changes())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Read again with your corrections.")
            return redirect(onboarding)
    return _preview_page(request, onboarding, corrections=form, status=400)


@require_POST
def mark_line(request: HttpRequest, pk: int) -> HttpResponse:
    onboarding = onboarding_for(request.user, pk)
    form = LineForm(request.POST)
    if form.is_valid():
        line, role = form.cleaned_data["line"], form.cleaned_data["role"]
        try:
            services.onboarding_mark_line(onboarding=onboarding, by=request.user, line=line, role=role)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Line {line} is now read as {role or 'the reader reads it'}.")
            return redirect(onboarding)
    return _preview_page(request, onboarding, line_form=form, status=400)


@require_POST
def import_text(request: HttpRequest, pk: int) -> HttpResponse:
    onboarding = onboarding_for(request.user, pk)
    try:
        partnership = services.onboarding_import(onboarding=onboarding, by=request.user)
    except ValidationError as error:
        return _preview_page(request, onboarding, import_errors=error.messages, status=400)
    onboarding.refresh_from_db()
    count = onboarding.proposals.count()
    messages.success(request, f"{partnership.short_title} has been imported: {count} commitment"
                              f"{'s are' if count != 1 else ' is'} proposed for you to review.")
    return redirect(onboarding)
