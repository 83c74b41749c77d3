from django.contrib import admin, messages
from django.utils import timezone

from common.admin import ReadOnly, ReadOnlyInline
from dialogues.models import (
    AgendaItem, ChaseHold, DialogueSeries, DigestPreference, FollowUpAction, Guidance, Meeting, Milestone, Notification,
    Reminder, SweepRun,
)
from dialogues.services import series_reschedule


@admin.register(DialogueSeries)
class DialogueSeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "cadence", "next_due_on", "partnership"]
    list_filter = ["kind", "cadence", "partnership"]
    filter_horizontal = ["paragraphs", "participants", "organisers"]
    readonly_fields = ["next_due_on"]
    search_fields = ["name"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        series_reschedule(form.instance)  # the next meeting's due date follows the cadence


# Agendas, guidance and actions are written by dialogues.services on the meeting's page, where their rules apply
# (guidance once a meeting is held, a reason to drop an action, no classified text): the admin reads them.
class AgendaInline(ReadOnlyInline):
    model = AgendaItem


class GuidanceInline(ReadOnlyInline):
    model = Guidance


class ActionInline(ReadOnlyInline):
    model = FollowUpAction
    fk_name = "meeting"


@admin.register(Meeting)
class MeetingAdmin(ReadOnly, admin.ModelAdmin):
    """Read here; plan and edit meetings in the app, where the rules (and the series' next due date) apply."""

    list_display = ["__str__", "status", "date", "place", "illustrative"]
    list_filter = ["status", "series", "illustrative"]
    list_select_related = ["series"]
    date_hierarchy = "date"
    inlines = [AgendaInline, GuidanceInline, ActionInline]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "owner", "due_on", "status", "meeting"]
    list_filter = ["status", "owner__party"]
    list_select_related = ["owner", "meeting__series"]
    search_fields = ["title"]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: a milestone is set and withdrawn on its meeting's page (dialogues.milestones)."""

    list_display = ["commitment", "party", "due_on", "description", "meeting", "withdrawn_at", "illustrative"]
    list_filter = ["withdrawn_at", "illustrative"]
    list_select_related = ["commitment", "party", "meeting__series"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The ledger: sending failures are visible here and can be sent again."""

    list_display = ["subject_line", "kind", "recipient", "state", "attempts", "due_at", "sent_at", "last_error"]
    list_filter = ["state", "kind"]
    list_select_related = ["recipient"]
    search_fields = ["key", "subject", "subject_line", "recipient__username"]
    date_hierarchy = "due_at"
    readonly_fields = [f.name for f in Reminder._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    # Only failed ones: a reminder `sending` is in flight, or its sweep died and the next one takes it over.
    @admin.action(description="Send again at the next sweep (failed reminders)")
    def send_again(self, request, queryset):
        count = queryset.filter(state=Reminder.State.FAILED).update(
            state=Reminder.State.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        self.message_user(request, f"{count} reminder(s) will be sent at the next sweep.", messages.SUCCESS)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "created_at", "read_at"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in Notification._meta.fields]


# Each person answers their own chases and chooses their own digest, in the app (dialogues.chasing): read here.
@admin.register(ChaseHold)
class ChaseHoldAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["user", "side", "due_on", "snoozed_until", "created_at"]
    list_select_related = ["user", "side__commitment", "side__party"]


@admin.register(DigestPreference)
class DigestPreferenceAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["user", "frequency", "updated_at"]
    list_filter = ["frequency"]
    list_select_related = ["user"]


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    list_display = ["finished_at", "swept_for", "planned", "created", "sent", "retrying", "failed"]
    readonly_fields = [f.name for f in SweepRun._meta.fields]
