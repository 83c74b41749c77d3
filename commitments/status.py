"""The status vocabulary and its rules, as data: testable without a database."""

from django.db import models


class Status(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not yet assessed"
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    DELAYED = "delayed", "Delayed"
    ACHIEVED = "achieved", "Achieved"
    ONGOING = "ongoing", "Ongoing"
    DISCONTINUED = "discontinued", "Discontinued"


# From least to most advanced: the overall status of a two-sided commitment is the less advanced side's.
ADVANCEMENT = [
    Status.NOT_ASSESSED,
    Status.DISCONTINUED,
    Status.NOT_STARTED,
    Status.DELAYED,
    Status.AT_RISK,
    Status.IN_PROGRESS,
    Status.ON_TRACK,
    Status.ONGOING,
    Status.ACHIEVED,
]
RANK = {status: rank for rank, status in enumerate(ADVANCEMENT)}

# A note must explain these, and any move backwards.
NEEDS_NOTE = {Status.AT_RISK, Status.DELAYED, Status.DISCONTINUED}

# Shown as red / amber / green (with an icon and the label: never colour alone).
RAG = {
    Status.NOT_ASSESSED: "grey",
    Status.NOT_STARTED: "grey",
    Status.IN_PROGRESS: "amber",
    Status.ON_TRACK: "green",
    Status.AT_RISK: "amber",
    Status.DELAYED: "red",
    Status.ACHIEVED: "green",
    Status.ONGOING: "green",
    Status.DISCONTINUED: "red",
}


def least_advanced(statuses) -> Status:
    return min((Status(s) for s in statuses), key=RANK.__getitem__, default=Status.NOT_ASSESSED)


def is_backwards(old, new) -> bool:
    return RANK[Status(new)] < RANK[Status(old)]


class Strength(models.TextChoices):
    FIRM = "firm", "Firm"
    EXPLORATORY = "exploratory", "Exploratory"


class Cadence(models.TextChoices):
    SIX_MONTHLY = "six_monthly", "Six-monthly"
    ANNUAL = "annual", "Annual"
    BIENNIAL = "biennial", "Every two years"
    REGULAR = "regular", "Regular"
    CONTINUOUS = "continuous", "Continuous"
    AD_HOC = "ad_hoc", "Ad hoc"
    ONE_OFF = "one_off", "One-off"


class Verdict(models.TextChoices):
    """A reviewer's independent assessment, kept apart from the officials' own status."""

    ON_TRACK = "on_track", "On track"
    OFF_TRACK = "off_track", "Off track"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence", "Insufficient evidence"


# How self-reported statuses read against a verdict; not yet assessed compares with nothing.
SELF_ON_TRACK = {Status.IN_PROGRESS, Status.ON_TRACK, Status.ONGOING, Status.ACHIEVED}
SELF_OFF_TRACK = {Status.NOT_STARTED, Status.AT_RISK, Status.DELAYED, Status.DISCONTINUED}


def review_disagrees(verdict, status) -> bool:
    """Whether an independent verdict contradicts the self-reported (overall) status."""
    if verdict == Verdict.ON_TRACK:
        return status in SELF_OFF_TRACK
    if verdict == Verdict.OFF_TRACK:
        return status in SELF_ON_TRACK
    return False
