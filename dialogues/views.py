
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.views.decorators.http import require_POST

from accounts.models import User
from agreement.choice import chosen_partnership
from agreement.models import Organisation, Paragraph
from commitments.models import Commitment
from commitments.services import StaleVersion
from common.pagination import CappedPaginator
from dialogues import calendar, chasing, milestones, services
from dialogues.access import (
    meeting_for,
    user_may_manage_meetings,
    user_may_see_meeting,
    user_may_read_outcome,
    user_may_update_action,
)
from dialogues.forms import ActionForm, ActionStatusForm, AgendaForm, GuidanceForm, MeetingForm, MilestoneForm
from dialogues.models import DialogueSeries, FollowUpAction, Meeting, Milestone, Notification, Reminder
from dialogues.selectors import (
    meeting_detail,
    meetings_for,
    milestones_of,
    next_planned,
    previous_held,
    proposals_since,
    proposed_agenda,
)

MEETINGS_PAGE = 25  # a series meets twice a year: ten years of meetings on one page


def series_index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    partnership = chosen_partnership(request)
    series = DialogueSeries.objects.filter(partnership=partnership).select_related("partnership").order_by("kind", "name")
    next_meeting = next_planned(request.user, today)
    return render(request, "dialogues/index.html", {
        "series_list": [(s, next_meeting.get(s.pk)) for s in series], "today": today, "partnership": partnership,
        "may_manage": user_may_manage_meetings(request.user),
    })


def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    series = get_object_or_404(
        DialogueSeries.objects.select_related("prepares").prefetch_related(
            # Each paragraph links to its partnership's document: read with it, in the text's order.
            Prefetch("paragraphs", queryset=Paragraph.objects.select_related("partnership").order_by("number")),
            Prefetch("participants", queryset=Organisation.objects.select_related("party")), "organisers", "prepared_by"),
        pk=pk,
    )
    meetings = meetings_for(request.user).filter(series=series).order_by("-date", "-pk")
    page = Paginator(meetings, MEETINGS_PAGE).get_page(request.GET.get("page"))
    return render(request, "dialogues/series.html", {
        "series": series, "meetings": page.object_list, "page": page, "may_manage": user_may_manage_meetings(request.user),
    })


def _meeting_form_context(request, series, form, meeting=None, conflict=None):
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, "dialogues/meeting_form.html", {"series": series, "form": form, "meeting": meeting,
                                                            "conflict": conflict}, status=status)


def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    series = get_object_or_404(DialogueSeries, pk=pk)
    if not user_may_manage_meetings(request.user):
        raise PermissionDenied("Only reviewers and administrators plan meetings.")
    today = timezone.localdate()
    form = MeetingForm(request.POST or None, series=series, today=today,
                       initial={"participants": series.participants.all(), "date": MeetingForm.initial_date(series, today)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                series=series, date=data["date"], place=data["place"], status=data["status"],
                participants=data["participants"], prepares=data.get("prepares"), outcome=data["outcome"],
                marking=data["marking"], by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{meeting} has been planned.")
            return redirect(meeting)
    return _meeting_form_context(request, series, form)


def _managed_meeting(request, pk) -> Meeting:
    meeting = meeting_for(request.user, pk, meeting_detail)
    if not user_may_manage_meetings(request.user):
        raise PermissionDenied("Only reviewers and administrators plan meetings and record their outcomes.")
    return meeting


def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    initial = {
        "date": meeting.date, "place": meeting.place, "status": meeting.status, "outcome": meeting.outcome,
        "participants": meeting.participants.all(), "prepares": meeting.prepares, "marking": meeting.marking,
        "version": meeting.version,
    }
    form = MeetingForm(request.POST or None, series=meeting.series, today=timezone.localdate(), initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in ("date", "place", "status", "outcome", "marking")}
        if "prepares" in data:
            fields["prepares"] = data["prepares"]
        try:
            services.meeting_update(meeting=meeting, expected_version=data["version"] or 0, by=request.user,
                                    participants=data["participants"], **fields)
        except StaleVersion as stale:
            conflict = Meeting.objects.get(pk=meeting.pk)
            form = MeetingForm({**request.POST.dict(), "version": stale.current,
                                "participants": request.POST.getlist("participants")}, series=meeting.series,
                               today=timezone.localdate())
            form.is_valid()
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The meeting has been saved.")
            return redirect(meeting)
    return _meeting_form_context(request, meeting.series, form, meeting, conflict)


def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, meeting_for(request.user, pk, meeting_detail))


def _meeting_page(request: HttpRequest, meeting: Meeting, refused: dict | None = None) -> HttpResponse:
    """The meeting page; `refused` holds a form posted from it that was refused ({context name: bound form}), shown
    again with its errors (status 400)."""
    today = timezone.localdate()
    previous = previous_held(meeting)
    proposals = []
    if meeting.status == Meeting.Status.PLANNED:
        proposals = proposals_since(meeting, previous.date if previous else meeting.series.partnership.adopted_on, today)
    context = {
        "meeting": meeting, "today": today, "may_manage": user_may_manage_meetings(request.user),
        "agenda_form": AgendaForm(proposals=proposals), "guidance_form": GuidanceForm(),
        "action_form": ActionForm(meeting=meeting), "followed_up": _followed_up(meeting, previous),
        "may_see_outcome": user_may_read_outcome(request.user, meeting),
        "action_rows": [(a, user_may_update_action(request.user, a)) for a in meeting.actions.all()],
        "statuses": FollowUpAction.Status.choices,
        "milestones": milestones_of(meeting, today),
    }
    if refused:
        # base.html titles the page "Error:" by the errors of `form`.
        context.update(refused, form=next(iter(refused.values())))
    return render(request, "dialogues/meeting.html", context, status=400 if refused else 200)


def _followed_up(meeting: Meeting, previous: Meeting | None) -> Meeting | None:
    """The SDD reviews the follow-up of the previous SDD's guidance; the consultations prepare it and follow it up."""
    if meeting.series.kind == DialogueSeries.Kind.SDD:
        return previous
    if meeting.series.kind == DialogueSeries.Kind.CONSULTATIONS and meeting.series.prepares_id:
        return (Meeting.objects.filter(series=meeting.series.prepares_id, status=Meeting.Status.HELD, date__lte=meeting.date)
                .select_related("series")
                .prefetch_related("guidance", Prefetch("actions", queryset=FollowUpAction.objects.select_related("owner")))
                .order_by("-date").first())
    return None


@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    form = AgendaForm(request.POST, proposals=proposed_agenda(meeting, timezone.localdate()))
    if form.is_valid():
        chosen = Commitment.objects.filter(pk__in=form.chosen()).select_related(
            "paragraph", "subparagraph").order_by("paragraph__number", "position")
        reasons = {p.commitment_id: p.reason_text for p in form.proposals.values()}
        try:
            added = services.agenda_add(meeting=meeting, by=request.user, commitments=chosen, reasons=reasons,
                                        title=form.cleaned_data["title"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{len(added)} item{pluralize(len(added))} added to the agenda.")
            return redirect(meeting.get_absolute_url() + "#agenda")
    return _meeting_page(request, meeting, {"agenda_form": form})


@require_POST
def guidance_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    form = GuidanceForm(request.POST)
    if form.is_valid():
        try:
            services.guidance_add(meeting=meeting, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The guidance has been recorded.")
            return redirect(meeting.get_absolute_url() + "#guidance")
    return _meeting_page(request, meeting, {"guidance_form": form})


@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    form = ActionForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_add(meeting=meeting, title=data["title"], owner=data["owner"], due_on=data["due_on"],
                                guidance=data["guidance"], by=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The follow-up action has been recorded.")
            return redirect(meeting.get_absolute_url() + "#actions")
    return _meeting_page(request, meeting, {"action_form": form})


def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A page of its own: the meeting page stays light, and a phone shows one thing at a time."""
    meeting = _managed_meeting(request, pk)
    form = MilestoneForm(request.POST or None, meeting=meeting)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            milestones.milestone_set(meeting=meeting, commitment=data["commitment"], party_code=data["party"],
                                     due_on=data["due_on"], description=data["description"], by=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The milestone has been set.")
            return redirect(meeting.get_absolute_url() + "#milestones")
    return render(request, "dialogues/milestone_form.html", {"meeting": meeting, "form": form},
                  status=400 if form.is_bound else 200)


@require_POST
def milestone_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("meeting", "commitment__paragraph"), pk=pk)
    meeting = _managed_meeting(request, milestone.meeting_id)
    milestones.milestone_withdraw(milestone=milestone, by=request.user)
    messages.success(request, "The milestone has been withdrawn.")
    return redirect(meeting.get_absolute_url() + "#milestones")


@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(FollowUpAction.objects.select_related("meeting"), pk=pk)
    if not user_may_see_meeting(request.user, action.meeting):
        raise PermissionDenied("This meeting is not one your organisation takes part in.")
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status.")
    else:
        try:
            services.action_update(action=action, status=form.cleaned_data["status"], note=form.cleaned_data["note"],
                                   by=request.user)
            messages.success(request, "The action has been updated.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(action.meeting.get_absolute_url() + "#actions")


NOTIFICATIONS_PAGE = 25
CHASE_ANSWERS = {
    "acknowledge": ("Acknowledged: not chased again until the next due date.", chasing.chase_acknowledge),
    "snooze": ("Snoozed: not chased again until the snooze ends.", chasing.chase_snooze),
    "resume": ("You will be chased again from the next digest.", chasing.chase_resume),
}


def notifications(request: HttpRequest) -> HttpResponse:
    items = Notification.objects.filter(user=request.user).select_related("reminder").order_by("-created_at", "-pk")
    page = CappedPaginator(items, NOTIFICATIONS_PAGE).get_page(request.GET.get("page"))
    return render(request, "dialogues/notifications.html", {"items": page.object_list, "page": page})


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(user=request.user)
    return redirect("dialogues:notifications")


def _own_notification(request: HttpRequest, pk: int) -> Notification:
    """The signed-in person's notification; another's is not found (its very existence is theirs)."""
    return get_object_or_404(Notification.objects.select_related("reminder"), pk=pk, user=request.user)


def notification_page(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _own_notification(request, pk)
    is_digest = notification.reminder.kind == Reminder.Kind.DIGEST
    lines = chasing.chase_lines(notification, now=timezone.now()) if is_digest else []
    return render(request, "dialogues/notifications_detail.html", {
        "notification": notification, "lines": lines, "is_digest": is_digest, "snooze_days": chasing.SNOOZE_DAYS,
        "chased": [line.item["side"] for line in lines if line.standing == chasing.Standing.CHASED],
    })


@require_POST
def notification_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge, snooze or resume the chase about the sides a digest lists (only its recipient may)."""
    notification = _own_notification(request, pk)
    answer = CHASE_ANSWERS.get(request.POST.get("answer", ""))
    if answer is None:
        messages.error(request, "Choose to acknowledge, snooze or be chased again.")
        return redirect(_chase_url(notification))
    done, service = answer
    extra = {"days": request.POST.get("days", "")} if service is chasing.chase_snooze else {}
    try:
        service(notification=notification, side_ids=request.POST.getlist("side"), by=request.user, **extra)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(_chase_url(notification))


def _chase_url(notification: Notification) -> str:
    return reverse("dialogues:notification", args=[notification.pk]) + "#chased"


def digest_frequency(request: HttpRequest) -> HttpResponse:
    """Each person chooses daily or weekly for their own digest."""
    chosen, errors = chasing.digest_frequency_of(request.user), {}
    if request.method == "POST":
        try:
            chasing.digest_frequency_set(frequency=request.POST.get("frequency", ""), by=request.user)
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, "Your choice has been saved.")
            return redirect("dialogues:digest_frequency")
    return render(request, "dialogues/notifications_frequency.html", {
        "chosen": chosen, "errors": errors,
        "weekday": WEEKDAYS[settings.REMINDER_DIGEST_WEEKDAY], "hour": settings.REMINDER_DIGEST_HOUR,
    }, status=400 if errors else 200)


def calendar_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        first = not request.user.calendar_token
        services.calendar_address_renew(user=request.user)
        messages.success(request, "Your calendar address has been made." if first
                         else "A new calendar address has been made; the old one no longer works.")
        return redirect("dialogues:calendar")
    token = request.user.calendar_token
    # The site's configured address, as the feed's own links use.
    feed_url = settings.SITE_URL.rstrip("/") + reverse("calendar_feed", args=[token]) if token else ""
    return render(request, "dialogues/calendar.html", {"feed_url": feed_url})


@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's meetings and due dates as iCalendar; the secret in the address is the only credential."""
    user = User.objects.filter(calendar_token=token, is_active=True).select_related("organisation").first()
    if user is None or not token or not user.has_role:
        raise Http404("No such calendar.")
    response = HttpResponse(calendar.feed_for(user, now=timezone.now()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="partnership-tracker.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
