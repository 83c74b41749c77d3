"""The CSV of a long history streams in constant memory: 100 000 updates go out without the memory growing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from commitments.models import Commitment, StatusUpdate

START = datetime(2025, 6, 1, 9, tzinfo=ZoneInfo("Europe/Brussels"))
ROWS = 100_000


@pytest.fixture
def long_history(partnership, eu_official):
    """100 000 history rows, one a minute from June 2025, written directly: this tests the export, not the service."""
    commitment = Commitment.objects.get(ref="14.1")
    side = commitment.sides.get(party__code="EU")
    statuses = ["in_progress", "on_track"]
    batch = []
    for n in range(ROWS):
        moment = START + timedelta(minutes=n)
        batch.append(StatusUpdate(
            commitment=commitment, side=side, status=statuses[n % 2], previous_status=statuses[(n + 1) % 2],
            note=f"Row {n}: a progress note of ordinary length, as officials write them.", as_of=moment.date(),
            created_by=eu_official, created_at=moment, version_after=n + 2, on_time=True,
            side_status_after=statuses[n % 2],
        ))
        if len(batch) == 10_000:
            StatusUpdate.objects.bulk_create(batch)
            batch = []
    return ROWS


def resident_memory() -> int:
    """This process's resident memory in bytes (Linux), read cheaply enough to sample while streaming."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))


def test_the_history_csv_of_100000_updates_streams_in_constant_memory(client, analyst, long_history):
    client.force_login(analyst)
    response = client.get(reverse("reports:history_export", args=["csv"]))
    assert response.streaming
    lines, samples = 0, {0: resident_memory()}
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
        if lines in (20_000, 100_000):
            samples[lines] = resident_memory()
    header_lines = 9  # seven header lines, a blank line, the column names
    assert lines == ROWS + header_lines
    # 80 000 more rows add no more than a few megabytes: nothing accumulates per row. And the whole stream costs
    # a small fraction of holding 100 000 rows at once (several hundred megabytes).
    assert samples[100_000] - samples[20_000] < 8 * 1024 * 1024, samples
    assert samples[100_000] - samples[0] < 40 * 1024 * 1024, samples
