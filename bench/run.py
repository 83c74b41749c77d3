"""`make bench`: builds the dataset in a scratch PostgreSQL database, measures, prints one table, writes JSON.

1. At 1×, 10× and 100× the realistic history (200 commitments; 20 000, 200 000 and 2 000 000 status updates over ten
   years): the SQL queries every page runs, and its server time in-process over REPEAT rounds in which every page
   and the floor view (a trivial signed-in page on the same stack) are requested in turn, so all are measured in the
   same window. Nothing is kept between requests: every request is cold, as it is right after a write.
2. At 10×: the same pages through gunicorn; the CSV and XLSX exports of the whole history against a plain script on
   the same rows; the briefing pack PDF, rendered once and then served from storage.
3. Last (it adds 10 000 users): the reminder sweep with nothing due and with 10 000 reminders due.
Targets are printed with pass or fail: at 10×, p95 ≤ 150 ms and median ≤ 5× the floor for every page; at 100×
within 1.5× of the page's time at 1×; the same number of queries at every size; the export, PDF and sweep targets.
"""

import json
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import data  # noqa: E402
from bench.pages import pages  # noqa: E402
from bench.serve import free_port, gunicorn  # noqa: E402
import partnership.wsgi  # noqa: E402,F401 - pages are measured as production serves them, its collector settled
from bench.sessions import session_for  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
FACTORS = [int(f) for f in os.environ.get("BENCH_FACTORS", "1,10,100").split(",")]
TARGET_P95_MS, TARGET_X_FLOOR, TARGET_GROWTH = 150.0, 5.0, 1.5
FLOOR = "floor (trivial page)"


def clients(page_list) -> dict[str, Client]:
    made = {}
    for page in page_list:
        if page.user.username not in made:
            made[page.user.username] = Client()
            made[page.user.username].force_login(page.user)
    return made


def query_counts(page_list) -> dict[str, int]:
    counts, signed_in = {}, clients(page_list)
    for page in page_list:
        signed_in[page.user.username].get(page.path)  # sessions and connections warm
        with CaptureQueriesContext(connection) as queries:
            response = signed_in[page.user.username].get(page.path)
        assert response.status_code == 200, (page.path, response.status_code)
        counts[page.name] = len(queries.captured_queries)
    return counts


def stats(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {"median_ms": round(statistics.median(samples) * 1000, 2),
            "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)] * 1000, 2)}


def in_process(page_list) -> dict[str, dict]:
    """Round-robin: each round requests every page once, so the floor and the pages share the machine's moods."""
    signed_in, samples = clients(page_list), {page.name: [] for page in page_list}
    for round_number in range(REPEAT + 2):
        for page in page_list:
            start = time.perf_counter()
            response = signed_in[page.user.username].get(page.path)
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, (page.path, response.status_code)
            if round_number >= 2:  # two warm-up rounds: imports, template loading, connections
                samples[page.name].append(elapsed)
    return {name: stats(values) for name, values in samples.items()}


def through_gunicorn(page_list) -> dict[str, dict]:
    port = free_port()
    with gunicorn("bench.wsgi", port):
        cookies = {page.user.username: "=".join(session_for(page.user)) for page in page_list}
        samples = {page.name: [] for page in page_list}
        for round_number in range(REPEAT + 2):
            for page in page_list:
                request = urllib.request.Request(f"http://127.0.0.1:{port}{page.path}",
                                                 headers={"Cookie": cookies[page.user.username]})
                start = time.perf_counter()
                with urllib.request.urlopen(request) as response:
                    response.read()
                    assert response.status == 200, (page.path, response.status)
                if round_number >= 2:
                    samples[page.name].append(time.perf_counter() - start)
        return {name: stats(values) for name, values in samples.items()}


def measure_pages(factor: int, out: dict) -> None:
    print(f"Building data at {factor}x …", flush=True)
    out[f"data_{factor}x"] = data.build(factor)
    page_list = pages()
    out[f"queries_{factor}x"] = query_counts(page_list)
    print(f"Measuring pages at {factor}x …", flush=True)
    out[f"inproc_{factor}x"] = in_process(page_list)
    if factor == 10:
        print("Measuring through gunicorn …", flush=True)
        out["gunicorn_10x"] = through_gunicorn(page_list)
        print("Exports and the briefing pack PDF …", flush=True)
        out["exports"] = measure_exports()
        out["pack_pdf"] = measure_pack_pdf()


def measure_exports() -> dict:
    from accounts.models import User
    from bench import exports

    result = exports.measure(Client(), user=User.objects.get(username="bench-analyst"))
    result["missed"] = [f"{fmt} at {r['ratio']} of the plain script's rate (target {r['target']})"
                        for fmt, r in result.items() if not r["passed"]]
    return result


def measure_pack_pdf() -> dict:
    from bench import pdf

    return pdf.measure()


def measure_sweep() -> dict:
    """The target holds for the sweep to the in-memory mailer and over a real SMTP socket alike."""
    from bench import sweep

    result = sweep.sweeps()
    result["missed"] = [f"{name} in {run['seconds']} s (target {sweep.TARGET_SECONDS} s)"
                        for name, run in result.items() if name.startswith("10 000") and not run["pass"]]
    return result


def page_table(out: dict) -> tuple[list[dict], list[str]]:
    sizes = [f for f in FACTORS if f"inproc_{f}x" in out]
    floor = {f: out[f"inproc_{f}x"][FLOOR]["median_ms"] for f in sizes}
    rows, misses = [], []
    for name in out[f"inproc_{sizes[0]}x"]:
        row = {"page": name}
        for f in sizes:
            timing = out[f"inproc_{f}x"][name]
            row.update({f"q{f}x": out[f"queries_{f}x"][name], f"med{f}x": timing["median_ms"], f"p95_{f}x": timing["p95_ms"],
                        f"xfloor{f}x": round(timing["median_ms"] / floor[f], 2)})
        if "gunicorn_10x" in out:
            row.update({"gun_med": out["gunicorn_10x"][name]["median_ms"], "gun_p95": out["gunicorn_10x"][name]["p95_ms"]})
        rows.append(row)
        if name == FLOOR:
            continue
        queries = {row[f"q{f}x"] for f in sizes}
        if len(queries) > 1:
            misses.append(f"{name}: queries differ by size ({', '.join(str(row[f'q{f}x']) for f in sizes)})")
        if 10 in sizes:
            if row["p95_10x"] > TARGET_P95_MS:
                misses.append(f"{name}: p95 {row['p95_10x']} ms at 10x (target {TARGET_P95_MS} ms)")
            if row["xfloor10x"] > TARGET_X_FLOOR:
                misses.append(f"{name}: median {row['xfloor10x']}x the floor at 10x (target {TARGET_X_FLOOR}x)")
        if 1 in sizes and 100 in sizes:
            row["growth"] = round(row["med100x"] / row["med1x"], 2)
            if row["growth"] > TARGET_GROWTH:
                misses.append(f"{name}: {row['growth']}x slower at 100x than at 1x (target {TARGET_GROWTH}x)")
    return rows, misses


def print_table(rows: list[dict]) -> None:
    sizes = [f for f in FACTORS if f"q{f}x" in rows[0]]
    head = f"{'page (every request cold)':34}" + "".join(f" {'q' + str(f) + 'x':>5} {'med ' + str(f) + 'x':>8} {'p95 ' + str(f) + 'x':>8} {'xfl':>5}" for f in sizes)
    head += f" {'x100/1':>7} {'gun med':>8} {'gun p95':>8}"
    print("\n" + head + "\n" + "-" * len(head))
    for row in rows:
        line = f"{row['page'][:34]:34}" + "".join(
            f" {row[f'q{f}x']:>5} {row[f'med{f}x']:>8} {row[f'p95_{f}x']:>8} {row[f'xfloor{f}x']:>5}" for f in sizes)
        line += f" {row.get('growth', ''):>7} {row.get('gun_med', ''):>8} {row.get('gun_p95', ''):>8}"
        print(line)


def main() -> int:
    setup_test_environment()  # the test client needs it; also swaps in the in-memory mailer
    settings.ALLOWED_HOSTS = ["*"]
    settings.ROOT_URLCONF = "bench.urls"
    out = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]}, "at": timezone.now().isoformat(),
           "repeat": REPEAT}
    for factor in FACTORS:
        measure_pages(factor, out)
    print("The reminder sweep …", flush=True)
    out["sweep"] = measure_sweep()
    rows, misses = page_table(out)
    for key in ("exports", "pack_pdf", "sweep"):
        misses += [f"{key}: {miss}" for miss in out.get(key, {}).get("missed", [])]
    out["pages"], out["targets_missed"] = rows, misses
    print_table(rows)
    print()
    for key in ("exports", "pack_pdf", "sweep"):
        print(f"{key:10} {json.dumps(out.get(key))}")
    print("\nTargets: " + ("all met." if not misses else "MISSED:\n  " + "\n  ".join(misses)))
    folder = ROOT / "bench-results"
    folder.mkdir(exist_ok=True)
    path = folder / f"bench-{timezone.localtime():%Y%m%d-%H%M}.json"
    path.write_text(json.dumps(out, indent=2, default=str))
    print(f"Written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
