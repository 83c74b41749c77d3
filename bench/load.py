"""`make load` (after `make bench`, on its database): 30 seconds of 20 signed-in readers against gunicorn (as
fast as they go, a fifth to one second between pages), first alone, then with two officials recording a status
update a second each beside them. Target: the readers' p95 with
the writes at most 1.5× their p95 without. Prints both and writes bench-results/load.json."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import django

from bench.serve import gunicorn

ROOT = Path(__file__).resolve().parents[1]
PORT, TARGET = 8765, 1.5


def signed_in_users() -> Path:
    """Sessions for 20 readers (officials of twenty organisations) and for officials whose
    organisations own sides, with those sides; written to a file for the locust process."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    django.setup()
    from accounts.models import User
    from commitments.models import Commitment, CommitmentSide
    from bench.sessions import session_for

    def cookie(user) -> dict:
        name, value = session_for(user)
        return {"name": name, "value": value}

    officials = list(User.objects.filter(username__startswith="bench-", is_official=True).order_by("pk")[:200])
    readers = [cookie(u) for u in officials[:20]]  # officials: "my work" is among the pages they read
    writers = []
    for user in officials:
        sides = list(CommitmentSide.objects.filter(owners__organisation=user.organisation_id)
                     .values_list("commitment_id", "party__code").distinct())
        if sides:
            writers.append({**cookie(user), "sides": sides})
        if len(writers) == 2:
            break
    path = Path(tempfile.mkstemp(suffix=".json")[1])
    path.write_text(json.dumps({"readers": readers, "writers": writers,
                                "commitments": list(Commitment.objects.values_list("pk", flat=True))}))
    return path


def run(writers: int, sessions: Path) -> dict:
    report = Path(tempfile.mkstemp(suffix=".json")[1])
    env = {**os.environ, "LOAD_WRITERS": str(writers), "LOAD_REPORT": str(report), "LOAD_SESSIONS": str(sessions)}
    subprocess.run([sys.executable, "-m", "locust", "-f", "bench/locustfile.py", "--headless", "--host",
                    f"http://127.0.0.1:{PORT}", "--users", str(20 + writers), "--spawn-rate", "10", "--run-time", "30s",
                    "--only-summary", "--csv", f"bench-results/load-{writers}-writers"], cwd=ROOT, env=env, check=False)
    return json.loads(report.read_text())


def main() -> int:
    (ROOT / "bench-results").mkdir(exist_ok=True)
    with gunicorn("partnership.wsgi", PORT, "--threads", "4"):
        sessions = signed_in_users()
        quiet, busy = run(0, sessions), run(2, sessions)
    ratio = round(busy["read_p95_ms"] / quiet["read_p95_ms"], 2)
    result = {"reads alone": quiet, "reads beside 2 writes a second": busy, "p95 ratio": ratio, "target": TARGET,
              "met": ratio <= TARGET and not busy["read_failures"] and not busy["write_failures"]}
    (ROOT / "bench-results" / "load.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(f"\nRead p95 {quiet['read_p95_ms']} ms alone, {busy['read_p95_ms']} ms beside "
          f"{busy['writes_per_second']} writes a second: {ratio}x (target ≤ {TARGET}x): {'met' if result['met'] else 'MISSED'}.")
    return 0 if result["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
