from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from agreement.models import Organisation
from agreement.choice import chosen_partnership
from returns.models import Return
from returns.selectors import return_board
from returns.services import return_apply, return_discard, return_upload, user_may_act_on
from returns.spreadsheet import MAX_BYTES, ReturnFileError, build_workbook, read_workbook


class UploadForm(forms.Form):
    file = forms.FileField(label="Your filled-in return (.xlsx)")


def _is_official(user) -> bool:
    return bool(user.is_official and user.organisation_id)


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (_is_official(user) or user.is_administrator):
        raise PermissionDenied("Returns are for officials (and administrators, who follow them).")
    partnership = chosen_partnership(request)
    context = {"partnership": partnership, "form": UploadForm()}
    if _is_official(user):
        context["own_returns"] = Return.objects.filter(organisation=user.organisation_id).select_related("uploaded_by")[:20]
    if user.is_administrator:
        context.update(return_board(partnership, timezone.localdate()))
    return render(request, "returns/index.html", context)


def download(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("party"), slug=slug)
    user = request.user
    if not (user.is_administrator or (_is_official(user) and user.organisation_id == organisation.pk)):
        raise PermissionDenied("You may download the return of your own organisation only.")
    partnership = chosen_partnership(request)
    data = build_workbook(organisation, partnership, produced_by=user.get_full_name() or user.username)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="return-{organisation.slug}-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response


@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _is_official(user):
        raise PermissionDenied("Only officials upload their organisation's return.")
    form = UploadForm(request.POST, request.FILES)
    partnership = chosen_partnership(request, switch_here=False)  # the form shown again switches from the index
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                raise ReturnFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; a return is much smaller.")
            rows = read_workbook(upload.read())
            if not rows:
                raise ReturnFileError("No row has a New status: fill in the rows that changed, then upload again.")
        except ReturnFileError as error:
            form.add_error("file", str(error))
        else:
            record = return_upload(rows, organisation=user.organisation, partnership=partnership, by=user,
                                   filename=upload.name)
            return redirect(record)
    own = Return.objects.filter(organisation=user.organisation_id).select_related("uploaded_by")[:20]
    return render(request, "returns/index.html", {"partnership": partnership, "form": form, "own_returns": own}, status=400)


def _visible_return(request, pk) -> Return:
    record = get_object_or_404(Return.objects.select_related("organisation", "uploaded_by"), pk=pk)
    user = request.user
    if not (user.is_administrator or (_is_official(user) and user.organisation_id == record.organisation_id)):
        raise PermissionDenied("This return belongs to another organisation.")
    return record


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _visible_return(request, pk)
    return render(request, "returns/detail.html", {
        "record": record, "may_apply": user_may_act_on(request.user, record),
        # base.html titles the page "Error:" while rows cannot be applied, as it does for a form's errors.
        "row_problems": record.problems if record.state == Return.State.PREVIEWED else [],
    })


@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    record = _visible_return(request, pk)
    try:
        done, rows = return_apply(record, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(record)
    if done:
        messages.success(request, f"{len(rows)} update{'s' if len(rows) != 1 else ''} recorded from the return.")
    else:
        messages.error(request, "Nothing was applied: some rows no longer pass (see below). Download a fresh return.")
    return redirect(record)


@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    record = _visible_return(request, pk)
    if return_discard(record, by=request.user):
        messages.success(request, "The return has been discarded; nothing was applied.")
    else:
        messages.error(request, "This return had already been applied or discarded.")
    return redirect("returns:index")
