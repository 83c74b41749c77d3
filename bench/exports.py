"""The history exports against a plain script on the same rows, on whatever data the database holds.

`measure(client, user=...)` returns the figures as a dict; `python -m bench.exports` prints them as JSON for the
database in DATABASE_URL (PostgreSQL: the baseline reads through a psycopg server-side cursor), e.g.

    DATABASE_URL=postgres://… SECRET_KEY=x DEBUG=false SECURE_SSL=false STATIC_MANIFEST=false python -m bench.exports

(BENCH_USER names the user to export as, by default the first analyst; BENCH_EXPORT_RUNS the runs per side, 3.)

1. The baseline is what a plain script would do with the export's own SQL (`query.sql_with_params()` of the
   queryset the export streams): psycopg reads it from a server-side cursor, `csv.writer` writes every row into a
   sink; then the same rows, datetimes made naive, go into an openpyxl write-only workbook saved to a temporary file.
2. Our exports go through the Django test client as a download would (`/reports/history.csv` and `.xlsx`), their
   streamed content read to the end.
3. Rates are rows per second of the fastest of a few runs; the ratio is ours over the baseline's. Targets: CSV at
   least 0.5, XLSX at least 0.7. The same ratio in this process's CPU time is given beside it: steadier when other
   work shares the machine, though it leaves out the database's share. Memory growth is the largest rise of this
   process's resident memory (VmRSS) seen during any of our runs, sampled per chunk; it should stay a few
   megabytes whatever the number of rows.
"""

import csv
import json
import os
import tempfile
import time
from datetime import datetime

CSV_TARGET, XLSX_TARGET = 0.5, 0.7


def measure(client, *, user, repeat: int = 3) -> dict:
    """Signs `client` (a django.test.Client) in as `user` and measures the whole history's CSV and XLSX against the
    baseline, on PostgreSQL. The test environment must be set up and ALLOWED_HOSTS let the client in, as bench.run's
    main and this module's main do.

    Returns {"csv": {...}, "xlsx": {...}}, each with rows, rows_per_second, baseline_rows_per_second, ratio, target,
    passed (ratio against target), cpu_ratio, seconds, baseline_seconds, bytes, memory_growth_mb and runs. Each
    side runs `repeat` times, alternating, and its fastest run counts: other load only ever slows a run down."""
    from django.http import QueryDict

    from reports.columns import history_rows
    from reports.views import STREAM_CHUNK, history_filter

    client.force_login(user)
    sql, params = history_rows(history_filter(QueryDict()).qs).query.sql_with_params()
    _baseline(sql, params, STREAM_CHUNK, _csv_sink)  # warms the database's cache for every run after it
    result = {}
    for fmt, write, target in (("csv", _csv_sink, CSV_TARGET), ("xlsx", _xlsx_file, XLSX_TARGET)):
        baselines, downloads = [], []
        for _ in range(repeat):
            baselines.append(_baseline(sql, params, STREAM_CHUNK, write))
            downloads.append(_download(client, f"/reports/history.{fmt}"))
        rows, seconds, baseline_seconds = baselines[0]["rows"], _best(downloads), _best(baselines)
        result[fmt] = {
            "rows": rows, "rows_per_second": round(rows / seconds),
            "baseline_rows_per_second": round(rows / baseline_seconds),
            "ratio": round(baseline_seconds / seconds, 3), "target": target,
            "passed": baseline_seconds / seconds >= target,
            "cpu_ratio": round(_best(baselines, "cpu_seconds") / _best(downloads, "cpu_seconds"), 3),
            "seconds": seconds, "baseline_seconds": baseline_seconds, "bytes": downloads[0]["bytes"],
            "memory_growth_mb": round(max(run["memory_growth"] for run in downloads) / 2**20, 1), "runs": repeat,
        }
    return result


def _best(runs: list[dict], key: str = "seconds") -> float:
    return min(run[key] for run in runs)


class _Clock:
    """Wall-clock and CPU seconds of what runs inside it."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = round(time.perf_counter() - self.wall, 3)
        self.cpu_seconds = round(time.process_time() - self.cpu, 3)


def _baseline(sql: str, params, chunk: int, write) -> dict:
    """`write` over a server-side cursor on the export's SQL, as a plain script would run it."""
    from django.db import connection, transaction

    with _Clock() as clock, transaction.atomic():  # a server-side cursor lives in a transaction
        with connection.connection.cursor(name="bench_exports_baseline") as cursor:
            cursor.itersize = chunk
            cursor.execute(sql, params)
            rows = write(cursor)
    return {"rows": rows, "seconds": clock.seconds, "cpu_seconds": clock.cpu_seconds}


class _Sink:
    def write(self, text):
        return len(text)


def _csv_sink(cursor) -> int:
    writer, rows = csv.writer(_Sink()), 0
    for row in cursor:
        writer.writerow(row)
        rows += 1
    return rows


def _xlsx_file(cursor) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet, rows = book.create_sheet("Baseline"), 0
    for row in cursor:
        # openpyxl refuses aware datetimes; the database returns them in UTC.
        sheet.append([v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in row])
        rows += 1
    with tempfile.TemporaryFile() as file:
        book.save(file)
    return rows


def _download(client, path: str) -> dict:
    """Fetch `path` and read it to the end, watching memory after every chunk."""
    before = peak = resident()
    with _Clock() as clock:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            peak = max(peak, resident())
        response.close()
    return {"seconds": clock.seconds, "cpu_seconds": clock.cpu_seconds, "bytes": size,
            "memory_growth": max(peak, resident()) - before}


def resident() -> int:
    """This process's resident memory in bytes (Linux)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))


def main() -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    username = os.environ.get("BENCH_USER")
    users = User.objects.filter(username=username) if username else User.objects.filter(is_analyst=True, is_active=True)
    user = users.order_by("pk").first()
    if user is None:
        raise SystemExit("No analyst to export as: set BENCH_USER to a user who may export.")
    result = measure(Client(), user=user, repeat=int(os.environ.get("BENCH_EXPORT_RUNS", "3")))
    print(json.dumps(result, indent=2))
    return 0 if all(r["passed"] for r in result.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
