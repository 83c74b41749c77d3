"""Demo users and an illustrative status history for `seed --demo`.

Nothing here is a record of what happened: what each side has done since May 2025 is not known to us. Every
update is flagged `illustrative` and the pages say so wherever it is shown. Facts from the seed documents are used
only as facts, with their source.
"""

import functools
import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from commitments.models import Commitment, StatusUpdate
from commitments.services import commitment_update_status
from commitments.status import Cadence, Status
from agreement.models import Organisation


# (username, first name, last name, organisation slug or None, roles)
EDA_ARRANGEMENT = "27.1"  # "Possibilities for establishing an Administrative Arrangement … will also be explored"

PEOPLE = [
    ("eu.official", "Elena", "Marchetti", "eeas", {"is_official"}),
    ("uk.official", "James", "Whitaker", "fcdo", {"is_official"}),
    ("uk.defence", "Priya", "Natarajan", "mod", {"is_official"}),
    ("analyst", "Jonas", "Lindqvist", None, {"is_analyst"}),
    ("reviewer", "Claire", "Dubois", None, {"is_reviewer"}),
    ("admin", "Sam", "Okafor", None, {"is_administrator", "is_staff", "is_superuser"}),
]

# Sourced developments (from the seed documents) that an official would cite on the commitment they bear on.
SOURCED = {
    "25.2": (
        Status.DELAYED,
        "Talks on UK participation in the €150bn SAFE defence instrument collapsed in November 2025 over the entry "
        "price (about €2bn asked, “hundreds of millions” offered); both sides later explored restarting them. "
        "Source: news report, ‘UK and EU to explore renewed talks on defence cooperation’ (seed document 002).",
    ),
}

RECURRING = {Cadence.SIX_MONTHLY, Cadence.ANNUAL, Cadence.BIENNIAL, Cadence.REGULAR, Cadence.CONTINUOUS}
NOTES = {
    Status.NOT_STARTED: "Illustrative: scoping not yet begun; owners identified.",
    Status.IN_PROGRESS: "Illustrative: first contacts held at working level; terms of reference in drafting.",
    Status.ON_TRACK: "Illustrative: exchanges held as planned; next round scheduled.",
    Status.AT_RISK: "Illustrative: scheduling slipped on one side; a new date is being sought.",
    Status.DELAYED: "Illustrative: the planned meeting did not take place this period; to be rescheduled.",
    Status.ONGOING: "Illustrative: held at its cadence this period; summary circulated to both sides.",
    Status.ACHIEVED: "Illustrative: arrangement concluded and notified to both sides.",
}


def _demo_users() -> dict[str, User]:
    users = {}
    organisations = {o.slug: o for o in Organisation.objects.all()}
    for username, first, last, org, roles in PEOPLE:
        users[username] = _user(username, first, last, organisations.get(org), roles)
    # One demo official for every other owning organisation, so each side's history has a plausible author.
    for slug, organisation in organisations.items():
        if not any(org == slug for _, _, _, org, _ in PEOPLE):
            users[f"{slug}.official"] = _user(f"{slug}.official", "Demo", organisation.short_name, organisation, {"is_official"})
    return users


@functools.cache
def _demo_password_hash() -> str:
    return make_password(settings.DEMO_PASSWORD)  # hashed once: hashing is deliberately slow


def _user(username, first, last, organisation, roles) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.org",
            "organisation": organisation,
            **{role: True for role in roles},
        },
    )
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    return user


def _path(rng: random.Random, commitment: Commitment) -> list[Status]:
    if commitment.cadence in RECURRING:
        return rng.choice([
            [Status.NOT_STARTED, Status.IN_PROGRESS, Status.ONGOING],
            [Status.IN_PROGRESS, Status.ON_TRACK],
            [Status.IN_PROGRESS, Status.AT_RISK, Status.ON_TRACK],
            [Status.ONGOING],
            [Status.IN_PROGRESS, Status.DELAYED],
        ])
    return rng.choice([
        [Status.NOT_STARTED, Status.IN_PROGRESS],
        [Status.IN_PROGRESS, Status.ON_TRACK, Status.ACHIEVED],
        [Status.NOT_STARTED, Status.IN_PROGRESS, Status.AT_RISK],
        [Status.NOT_STARTED],
    ])


@transaction.atomic
def seed_demo(partnerships, *, now: datetime | None = None) -> str:
    """Create the demo users and, once, an illustrative history. Returns what to tell the person who ran it."""
    now = now or timezone.now()
    users = _demo_users()
    if StatusUpdate.objects.filter(illustrative=True).exists():
        return _sign_in_text("The illustrative history is already there; left as it is.")

    rng = random.Random(2025)
    commitments = (
        Commitment.objects.filter(paragraph__partnership__in=partnerships)
        .select_related("paragraph__partnership")
        .prefetch_related("sides__party", "sides__owners__organisation")
        .order_by("paragraph__number", "position")
    )
    count = 0
    for commitment in commitments:
        adopted = commitment.paragraph.partnership.adopted_on
        days_available = (timezone.localdate(now) - adopted).days
        for side in commitment.sides.all():
            if commitment.ref not in SOURCED and rng.random() < 0.2:
                continue  # left without any update: shows as overdue or stale
            lead = next(o for o in side.owners.all() if o.role == "lead").organisation
            author = next(u for u in users.values() if u.organisation_id == lead.pk)
            steps = [SOURCED[commitment.ref][0]] if commitment.ref in SOURCED else _path(rng, commitment)
            offsets = sorted(rng.sample(range(20, max(days_available, 21 + len(steps))), len(steps)))
            for status, offset in zip(steps, offsets):
                as_of = adopted + timedelta(days=offset)
                made_at = timezone.make_aware(datetime.combine(as_of + timedelta(days=rng.randint(0, 3)), time(10)))
                made_at = min(made_at, now)
                note = SOURCED[commitment.ref][1] if commitment.ref in SOURCED else NOTES[status]
                commitment_update_status(
                    commitment=commitment,
                    party_code=side.party.code,
                    status=status,
                    note=note,
                    as_of=min(as_of, timezone.localdate(made_at)),
                    by=author,
                    expected_version=commitment.version,
                    illustrative=True,
                    now=made_at,
                )
                count += 1
    meetings = _demo_meetings(partnerships, users, now)
    return _sign_in_text(
        f"Added an illustrative history of {count} status updates and {meetings} meetings (flagged as illustrative)."
    )


def _demo_meetings(partnerships, users, now) -> int:
    """An illustrative SDD cycle: consultations and a Dialogue held in spring 2026 with guidance and actions, and
    the next cycle planned. Dates and contents are made up."""
    from dialogues import milestones, services
    from dialogues.models import DialogueSeries

    reviewer = users["reviewer"]
    today = timezone.localdate(now)
    count = 0
    for partnership in partnerships:
        series = {s.kind: s for s in DialogueSeries.objects.filter(partnership=partnership)}
        sdd, consultations = series.get("sdd"), series.get("consultations")
        if not (sdd and consultations) or sdd.meetings.exists():
            continue
        held_sdd_date = date(2026, 5, 20) if today > date(2026, 5, 20) else today
        held = services.meeting_create(series=sdd, date=held_sdd_date, place="Brussels", status="held", by=reviewer,
                                       outcome="Illustrative: first review of the Partnership's implementation.",
                                       illustrative=True, now=now)
        services.meeting_create(series=consultations, date=held_sdd_date - timedelta(days=35), place="London",
                                status="held", prepares=held, by=reviewer, illustrative=True, now=now,
                                outcome="Illustrative: preparation of the first Security and Defence Dialogue.")
        first = services.guidance_add(meeting=held, by=reviewer,
                                      text="Illustrative: set a date for the first meeting of each standing exchange.")
        services.guidance_add(meeting=held, by=reviewer,
                              text="Illustrative: report on the options for an Administrative Arrangement with the EDA.")
        eeas = Organisation.objects.get(slug="eeas")
        services.action_add(meeting=held, title="Illustrative: propose dates for the standing exchanges", owner=eeas,
                            due_on=held_sdd_date + timedelta(days=120), guidance=first, by=reviewer)
        arrangement = Commitment.objects.filter(paragraph__partnership=partnership, ref=EDA_ARRANGEMENT).first()
        if arrangement:
            milestones.milestone_set(meeting=held, commitment=arrangement, due_on=max(held_sdd_date + timedelta(days=150), today + timedelta(days=90)),
                                     description="Illustrative: report on the options for an Administrative Arrangement",
                                     by=reviewer, now=now, illustrative=True)
        # A year after the held one, or soon if that has passed: a planned meeting is never in the past.
        next_date = max(held_sdd_date + timedelta(days=364), today + timedelta(days=60))
        next_sdd = services.meeting_create(series=sdd, date=next_date, place="London",
                                           by=reviewer, illustrative=True, now=now)
        services.meeting_create(series=consultations, date=next_sdd.date - timedelta(days=35), place="Brussels",
                                prepares=next_sdd, by=reviewer, illustrative=True, now=now)
        count += 4
    return count


def _sign_in_text(first_line: str) -> str:
    lines = [first_line, "", f"Demo sign-in names (every password: {settings.DEMO_PASSWORD}):"]
    for username, first, last, org, roles in PEOPLE:
        role = ", ".join(sorted(r.removeprefix("is_") for r in roles if r not in {"is_staff", "is_superuser"}))
        where = f" at {Organisation.objects.get(slug=org).short_name}" if org else ""
        lines.append(f"  {username:<14} {first} {last}: {role}{where}")
    lines.append("  <organisation>.official  an official of every other owning organisation, e.g. eda.official")
    return "\n".join(lines)
