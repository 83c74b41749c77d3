"""A large, realistic dataset for the benchmark, written in bulk (the benchmark measures reading it, not writing).

Size factor 1 is realistic; 10 is ten times that: 200 commitments either way, then per factor 20 000 status
updates spread over ten years, 100 users, and two years of meetings with agendas, actions and reminder rows."""

import random
from importlib import import_module
from datetime import date, datetime, time, timedelta
from io import StringIO

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from commitments.models import Commitment, CommitmentSide, Ownership, StatusUpdate
from commitments.month_ends import rebuild_month_ends
from commitments.status import Status
from dialogues.pack import freeze_pack
from dialogues.models import AgendaItem, DialogueSeries, FollowUpAction, Guidance, Meeting, Reminder
from agreement.models import Organisation, Partnership

from bench import PASSWORD  # noqa: F401 - used by the load test too

RUNNING_TOTALS = import_module("commitments.migrations.0004_history_shape").RUNNING_TOTALS
STATUSES = [Status.IN_PROGRESS, Status.ON_TRACK, Status.ONGOING, Status.AT_RISK, Status.DELAYED, Status.NOT_STARTED]


def build(factor: int, *, log=print) -> dict:
    """Seed the Partnership (once) and grow the data to `factor`; returns what the measurements need."""
    rng = random.Random(factor)
    if not Partnership.objects.exists():
        call_command("seed", stdout=StringIO())
    partnership = Partnership.objects.get()
    today = timezone.localdate()
    # Ten years of history need the Partnership to be ten years old in this scratch database.
    Partnership.objects.filter(pk=partnership.pk).update(adopted_on=today.replace(year=today.year - 10))
    partnership.refresh_from_db()
    with transaction.atomic():
        _commitments(partnership, 200)
        users = _users(100 * factor, rng)
        _updates(partnership, 20_000 * factor, users, rng, today, log)
        _meetings(partnership, 2 * factor, users, rng, today)
        rebuild_month_ends(partnership)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would soon after such a load: plans and visibility as in production
    return summary(partnership)


def summary(partnership) -> dict:
    return {
        "commitments": Commitment.objects.count(),
        "sides": CommitmentSide.objects.count(),
        "updates": StatusUpdate.objects.count(),
        "users": User.objects.count(),
        "meetings": Meeting.objects.count(),
        "reminders": Reminder.objects.count(),
    }


def _commitments(partnership, target: int) -> None:
    existing = list(Commitment.objects.filter(paragraph__partnership=partnership).select_related("paragraph")
                    .prefetch_related("sides__owners"))
    extra = target - len(existing)
    for n in range(max(extra, 0)):
        model = existing[n % len(existing)]
        clone = Commitment.objects.create(
            paragraph=model.paragraph, subparagraph=model.subparagraph, ref=f"{model.ref}-b{n}", position=500 + n,
            title=f"{model.title} (benchmark copy {n})", clause=model.clause, strength=model.strength,
            cadence=model.cadence,
        )
        for side in model.sides.all():
            copy = CommitmentSide.objects.create(commitment=clone, party_id=side.party_id)
            Ownership.objects.bulk_create(
                Ownership(side=copy, organisation_id=o.organisation_id, role=o.role) for o in side.owners.all()
            )


def _users(count: int, rng) -> list[User]:
    have = User.objects.filter(username__startswith="bench-").count()
    organisations = list(Organisation.objects.all())
    password = make_password(PASSWORD)
    User.objects.bulk_create(
        User(username=f"bench-{n}", email=f"bench-{n}@example.org", password=password, is_official=True,
             organisation=organisations[n % len(organisations)])
        for n in range(have, count)
    )
    for username, roles in (("bench-analyst", {"is_analyst": True}), ("bench-reviewer", {"is_reviewer": True}),
                            ("bench-admin", {"is_administrator": True, "is_staff": True, "is_superuser": True})):
        User.objects.get_or_create(username=username, defaults={"password": password, "email": f"{username}@example.org", **roles})
    return list(User.objects.filter(username__startswith="bench-", is_official=True))


def _updates(partnership, total: int, users, rng, today: date, log) -> None:
    sides = list(CommitmentSide.objects.filter(commitment__paragraph__partnership=partnership)
                 .select_related("commitment").prefetch_related("owners"))
    have = StatusUpdate.objects.count()
    wanted = total - have
    if wanted <= 0:
        return
    authors = {}
    for user in users:
        authors.setdefault(user.organisation_id, user)
    start = timezone.make_aware(datetime.combine(partnership.adopted_on, time(9)))
    # Up to now at the latest: history recorded in the future would not be a history.
    span = (min(timezone.make_aware(datetime.combine(today, time(9))), timezone.now()) - start).total_seconds()
    # The first side carries a tenth of the history: the "commitment page with a long history".
    per_side = [wanted // 10] + [max(1, (wanted - wanted // 10) // (len(sides) - 1))] * (len(sides) - 1)
    batch, count = [], 0
    for side, n in zip(sides, per_side):
        author = next((authors[o.organisation_id] for o in side.owners.all() if o.organisation_id in authors), users[0])
        moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(n))
        previous = Status.NOT_ASSESSED
        for moment in moments:
            status = rng.choice(STATUSES)
            batch.append(StatusUpdate(
                commitment_id=side.commitment_id, side=side, status=status, previous_status=previous,
                note="Benchmark entry: a progress note of ordinary length, as officials write them in the tracker.",
                as_of=timezone.localdate(moment), created_by=author, created_at=moment, version_after=1,
                on_time=rng.random() < 0.7, side_status_after=status,  # as_of follows the moments: each takes over
            ))
            previous = status
        count += n
        if len(batch) >= 20_000:
            StatusUpdate.objects.bulk_create(batch)
            batch = []
            log(f"  {count} updates written")
    StatusUpdate.objects.bulk_create(batch)
    # Bring what the status service keeps in line with the history written in bulk: each update's running totals
    # (the migration's statement), each side's status, schedule and counters.
    with connection.cursor() as cursor:
        cursor.execute(RUNNING_TOTALS)
    for side in sides:
        last = side.updates.order_by("-as_of", "-created_at", "-pk").first()
        if last is None:
            continue
        latest = side.updates.order_by("-created_at", "-pk").first()
        side.status, side.status_as_of, side.last_update_at = last.status, last.as_of, latest.created_at
        side.update_count, side.on_time_count = latest.side_count_after, latest.side_on_time_after
        side.reschedule(side.commitment, partnership.adopted_on)
        side.save()


def _meetings(partnership, years: int, users, rng, today: date) -> None:
    series = list(DialogueSeries.objects.filter(partnership=partnership).prefetch_related("participants"))
    commitments = list(Commitment.objects.filter(paragraph__partnership=partnership)[:60])
    organisations = list(Organisation.objects.all())
    reviewer = User.objects.get(username="bench-reviewer")
    reminders = []
    for s in series:
        earliest = s.meetings.filter(outcome="Benchmark meeting.").order_by("date").values_list("date", flat=True).first()
        day = today - timedelta(days=365 * years)
        while day < (earliest or today - timedelta(days=30)):
            meeting = Meeting.objects.create(series=s, date=day, place="Brussels", status=Meeting.Status.HELD,
                                             outcome="Benchmark meeting.", created_by=reviewer)
            meeting.participants.set(s.participants.all())
            AgendaItem.objects.bulk_create(
                AgendaItem(meeting=meeting, position=i, title=c.title, commitment=c, paragraph_id=c.paragraph_id)
                for i, c in enumerate(rng.sample(commitments, 5), start=1)
            )
            guidance = Guidance.objects.create(meeting=meeting, position=1, text="Benchmark guidance.")
            FollowUpAction.objects.bulk_create(
                FollowUpAction(meeting=meeting, guidance=guidance, title=f"Benchmark action {i}", owner=rng.choice(organisations),
                               due_on=day + timedelta(days=90),
                               # Old actions are closed, as in life; the last year's are still moving.
                               status=rng.choice(["open", "done", "in_progress"]) if day > today - timedelta(days=365)
                               else rng.choice(["done", "dropped"]))
                for i in range(2)
            )
            for k in range(20):
                user = rng.choice(users)
                moment = timezone.make_aware(datetime.combine(day - timedelta(days=7), time(9)))
                reminders.append(Reminder(
                    key=f"bench:{meeting.pk}:{k}:{user.pk}", subject=f"bench:{meeting.pk}", kind=Reminder.Kind.MEETING,
                    recipient=user, subject_line="Benchmark reminder", body="Benchmark.", link=meeting.get_absolute_url(), due_at=moment,
                    state=Reminder.State.SENT, next_attempt_at=moment, created_at=moment, sent_at=moment,
                ))
            day += timedelta(days=182 if s.cadence in {"six_monthly", "regular"} else 365)
    Reminder.objects.bulk_create(reminders, ignore_conflicts=True)
    sdd = next(s for s in series if s.kind == DialogueSeries.Kind.SDD)
    last_held = Meeting.objects.filter(series=sdd, status=Meeting.Status.HELD).order_by("-date").first()
    freeze_pack(last_held, today=last_held.date)  # its pack as presented (kept if already frozen)
    if not Meeting.objects.filter(series=sdd, status=Meeting.Status.PLANNED).exists():
        planned = Meeting.objects.create(series=sdd, date=today + timedelta(days=30), place="London", created_by=reviewer)
        planned.participants.set(sdd.participants.all())
