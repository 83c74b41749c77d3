"""Month-end pictures for "progress over time", stored because they never change once the month is over.

A month's picture is each side's status at its end, as the tracker showed it then (commitments.history). It is
stored once the month has been over for an hour — the grace covers a transaction still open at midnight — by
`close_months`, which Celery beat runs early every day and `seed` runs after loading; `manage.py rebuild_month_ends` stores
them all again. An update recorded in or before a closed month (only data written with a past `now` does that: the
demo history, imports) is applied to the stored pictures by the status service, in its own transaction."""

from collections import Counter
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max, Subquery
from django.utils import timezone

from commitments.cadence import add_months
from commitments.history import end_of, in_force
from commitments.models import CommitmentSide, MonthEnd, MonthEndStatus, StatusUpdate
from agreement.models import Partnership

GRACE = timedelta(hours=1)


def month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def next_month_end(day: date) -> date:
    return month_end(add_months(day.replace(day=1), 1))


def record_update(update: StatusUpdate, partnership_id: int) -> None:
    """Apply a new update to the stored month-ends it belongs to (those ending after it was recorded)."""
    closed = list(MonthEnd.objects.select_for_update(of=("self",)).filter(
        partnership=partnership_id, day__gte=timezone.localdate(update.created_at)).order_by("day"))
    if not closed:
        return  # the usual case: recorded in the current month
    rows = {row.month_end_id: row for row in
            MonthEndStatus.objects.filter(month_end__in=closed, side=update.side_id).select_related("update")}
    new, moved = [], []
    for month in closed:
        row = rows.get(month.pk)
        if row is None:
            new.append(MonthEndStatus(month_end=month, side_id=update.side_id, update=update, status=update.status))
        elif _in_force_order(update) > _in_force_order(row.update):
            _move(month.counts, row.status, -1)
            row.update, row.status = update, update.status
            moved.append(row)
        else:
            continue
        _move(month.counts, update.status, +1)
    MonthEndStatus.objects.bulk_create(new)
    MonthEndStatus.objects.bulk_update(moved, ["update", "status"])
    MonthEnd.objects.bulk_update(closed, ["counts"])


def _move(counts: dict, status: str, by: int) -> None:
    counts[status] = counts.get(status, 0) + by
    if not counts[status]:
        del counts[status]


def _in_force_order(update: StatusUpdate) -> tuple:
    return update.as_of, update.created_at, update.pk


def close_months(*, now=None) -> int:
    """Store the picture of every month that ended more than an hour ago and is not stored yet; returns how many."""
    now = now or timezone.now()
    return sum(_close(partnership, day) for partnership in Partnership.objects.all()
               for day in _unclosed(partnership, now))


@transaction.atomic
def rebuild_month_ends(partnership: Partnership, *, now=None) -> int:
    MonthEnd.objects.filter(partnership=partnership).delete()
    now = now or timezone.now()
    return sum(_close(partnership, day) for day in _unclosed(partnership, now))


def _unclosed(partnership: Partnership, now):
    last = MonthEnd.objects.filter(partnership=partnership).aggregate(last=Max("day"))["last"]
    day = next_month_end(last) if last else month_end(partnership.adopted_on)
    while end_of(day) + GRACE < now:
        yield day
        day = next_month_end(day)


@transaction.atomic
def _close(partnership: Partnership, day: date) -> bool:
    month, created = MonthEnd.objects.get_or_create(partnership=partnership, day=day)
    if not created:
        return False  # a concurrent run stored it
    sides = CommitmentSide.objects.filter(commitment__paragraph__partnership=partnership).annotate(
        update_then=_first(in_force(day).values("pk")), status_then=_first(in_force(day).values("status")))
    rows = [MonthEndStatus(month_end=month, side_id=pk, update_id=update, status=status)
            for pk, update, status in sides.values_list("pk", "update_then", "status_then") if update]
    MonthEndStatus.objects.bulk_create(rows)
    month.counts = dict(Counter(row.status for row in rows))
    month.save(update_fields=["counts"])
    return True


def _first(queryset) -> Subquery:
    return Subquery(queryset[:1])


def stored(partnership: Partnership, days) -> dict[date, Counter]:
    """The stored month-ends among `days`: each one's count of sides per status (sides with no update by then are
    not counted)."""
    return {day: Counter(counts) for day, counts in
            MonthEnd.objects.filter(partnership=partnership, day__in=days).order_by().values_list("day", "counts")}
