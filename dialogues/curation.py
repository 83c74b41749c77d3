"""Loads fixtures/dialogues.toml: the dialogue series and the meetings the sources record. All or nothing."""

from pathlib import Path

from django.db import transaction

from commitments.curation import CurationError, read_toml, upsert
from dialogues.models import DialogueSeries, Meeting
from dialogues.services import series_reschedule
from agreement.models import Organisation, Partnership
from audit import log as audit


@transaction.atomic
def load_dialogues(partnership: Partnership, path: Path) -> int:
    organisations = {o.slug: o for o in Organisation.objects.all()}
    paragraphs = {p.number: p for p in partnership.paragraphs.all()}
    entries = read_toml(path).get("series", [])
    series_by_slug, written = {}, 0
    for entry in entries:
        where = f"{path.name}: series {entry.get('slug')!r}"
        if entry.get("kind") not in DialogueSeries.Kind.values:
            raise CurationError(f"{where}: kind must be one of {', '.join(DialogueSeries.Kind.values)}")
        unknown = [s for s in entry.get("participants", []) + entry.get("organisers", []) if s not in organisations]
        if unknown:
            raise CurationError(f"{where}: unknown organisations {', '.join(unknown)}")
        missing = [n for n in entry.get("paragraphs", []) if n not in paragraphs]
        if missing:
            raise CurationError(f"{where}: no paragraph {missing[0]}")
        series, changed = upsert(DialogueSeries, {"partnership": partnership, "slug": entry["slug"]}, {
            "name": entry["name"], "kind": entry["kind"], "description": entry.get("description", ""),
            "cadence": entry["cadence"], "cadence_note": entry.get("cadence_note", ""),
        })
        series.paragraphs.set([paragraphs[n] for n in entry.get("paragraphs", [])])
        series.participants.set([organisations[s] for s in entry.get("participants", [])])
        series.organisers.set([organisations[s] for s in entry.get("organisers", [])])
        for meeting in entry.get("meeting", []):
            recorded, created = Meeting.objects.get_or_create(
                series=series, date=meeting["date"],
                defaults={"place": meeting.get("place", ""), "status": meeting["status"], "outcome": meeting.get("outcome", "")},
            )
            if created:
                recorded.participants.set(series.participants.all())
            written += created
        series_by_slug[entry["slug"]] = (series, entry)
        written += changed
    for series, entry in series_by_slug.values():
        prepares = entry.get("prepares")
        if prepares and prepares not in series_by_slug:
            raise CurationError(f"{path.name}: series {series.slug!r} prepares unknown series {prepares!r}")
        written += upsert(DialogueSeries, {"pk": series.pk}, {"prepares": series_by_slug[prepares][0] if prepares else None})[1]
        series_reschedule(series)
    if written:
        audit.write("dialogues loaded", object_ref=partnership.slug, details={"file": path.name, "rows written": written})
    return len(entries)
