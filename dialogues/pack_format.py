"""The briefing pack's data, as `build_pack` returns it and as a held meeting's pack is stored (BriefingPack.data,
JSON): plain values only, so the page, the PDF and the comparison with today read any stored pack the same way.

`format` says which version of this structure a stored pack follows. Packs frozen before it was written down carry
no `format` and are version 1, which this is. A change that readers of old packs would not understand needs a new
version, and the readers a way to read both."""

from typing import NotRequired, TypedDict

FORMAT = 1


class PackMeeting(TypedDict):
    id: int
    title: str
    series: str
    kind: str  # DialogueSeries.Kind
    date: str  # ISO date
    place: str
    status: str  # Meeting.Status


class PackPrevious(TypedDict):
    id: int
    date: str


class PackSummary(TypedDict):
    commitments: int
    sides: int
    overall: dict[str, int]  # status -> commitments
    per_side: dict[str, dict[str, int]]  # party code -> status -> sides
    late: int  # commitments with a side overdue or stale
    troubled: int  # with a side at risk or delayed
    moved: int  # with a side whose status changed since the previous meeting
    updates_since: int
    newly_achieved: int  # sides achieved since the previous meeting
    reviews: int
    review_disagrees: int


class PackSide(TypedDict):
    code: str
    status: str
    before: str  # its status at the previous meeting
    due_state: str  # commitments.cadence.DueState
    due_on: str | None


class PackUpdate(TypedDict):
    id: int
    side: str
    status: str
    note: str  # whole: who may read an OFFICIAL-SENSITIVE one is decided when the pack is shown
    marking: str
    as_of: str
    recorded: str  # ISO date and time, local
    by: str
    illustrative: bool


class PackReview(TypedDict):
    verdict: str  # commitments.status.Verdict
    rationale: str
    by: str


class PackCommitment(TypedDict):
    id: int
    ref: str
    reference: str  # as cited: ¶12(a), ¶14.2
    title: str
    strength: str
    cadence: str  # its label
    overall: str
    sides: list[PackSide]
    updates: list[PackUpdate]  # the latest few since the previous meeting (the live page: of the areas it shows)
    update_count: int  # all of them
    review: PackReview | None
    review_disagrees: bool
    late: bool
    troubled: bool
    moved: bool


class PackArea(TypedDict):
    title: str
    commitments: list[PackCommitment]


class PackAction(TypedDict):
    title: str
    owner: str
    due_on: str
    status: str
    status_label: str
    overdue: bool


class PackMilestoneSide(TypedDict):
    code: str
    state: str  # reported, open, overdue


class PackMilestone(TypedDict):
    id: int
    commitment: int
    reference: str
    title: str
    side: str  # a party's code, or "" for every side
    due_on: str
    description: str
    sides: list[PackMilestoneSide]


class PackFollowUp(TypedDict):
    meeting: dict  # id, date, title
    guidance: list[str]
    actions: list[PackAction]
    milestones: NotRequired[list[PackMilestone]]  # packs frozen before milestones existed have none


class PackAgendaItem(TypedDict):
    title: str
    reason: str
    commitment: int | None


class PackProposal(TypedDict):
    commitment: int
    title: str
    reason: str  # why, in words
    # The keys of dialogues.selectors.REASONS it comes under, most pressing first (the list is ranked by the first).
    # Added within format 1: only a planned meeting's pack proposes, so no stored pack holds a proposal without it.
    kinds: list[str]


class Pack(TypedDict):
    format: int
    meeting: PackMeeting
    partnership: str
    as_of: str  # the day of its picture
    since: str  # the previous meeting's day, or the adoption's
    previous: PackPrevious | None
    marking: str  # OFFICIAL-SENSITIVE when any update of its period is
    summary: PackSummary
    areas: list[PackArea]
    follow_up: PackFollowUp | None
    agenda: list[PackAgendaItem]
    proposed: list[PackProposal]  # while the meeting is planned (a held meeting's is empty), most pressing first
    illustrative: bool  # its period holds demo entries
