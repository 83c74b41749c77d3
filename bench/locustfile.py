"""`make load`: signed-in officials and analysts reading the tracker at once, against gunicorn on loopback, with
LOAD_WRITERS officials each recording a status update a second beside them (bench.load runs it with 0, then 2).

bench.load signs the users in beforehand (LOAD_SESSIONS: their session cookies, and the sides each writer's
organisation owns), so the run measures the pages rather than password hashing. When the run stops, the readers'
latency (every GET; the writers' requests are counted apart) is written as JSON to LOAD_REPORT."""

import itertools
import json
import os
import random
from datetime import date
from pathlib import Path

from locust import HttpUser, between, constant_throughput, events, task
from locust.stats import StatsEntry

SESSIONS = json.loads(Path(os.environ["LOAD_SESSIONS"]).read_text()) if os.environ.get("LOAD_SESSIONS") else {}
WRITERS = int(os.environ.get("LOAD_WRITERS", "0"))
WRITE = "write: "  # the name prefix of the writers' requests
NEXT_WRITER = itertools.cycle(SESSIONS.get("writers", [None]))


def signed_in(client, cookie: dict) -> None:
    client.cookies.set(cookie["name"], cookie["value"])


class TrackerUser(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self):
        signed_in(self.client, random.choice(SESSIONS["readers"]))
        self.commitments = SESSIONS["commitments"]

    @task(3)
    def dashboard(self):
        self.client.get("/dashboard/")

    @task(3)
    def commitment_list(self):
        self.client.get(random.choice(["/commitments/", "/commitments/?due=late", "/commitments/?side=UK&strength=firm"]),
                        name="/commitments/?…")

    @task(3)
    def commitment_page(self):
        self.client.get(f"/commitments/{random.choice(self.commitments)}/", name="/commitments/<id>/")

    @task(2)
    def my_work(self):
        self.client.get("/my-work/")

    @task(2)
    def api(self):
        self.client.get("/api/commitments/?status=delayed", name="/api/commitments/?status=")

    @task(1)
    def by_owner(self):
        self.client.get("/dashboard/owners/")


class Official(HttpUser):
    """Records a status update on a side their organisation owns, once a second, through the API."""

    fixed_count = WRITERS
    wait_time = constant_throughput(1)
    abstract = not WRITERS  # no writers: not spawned at all

    def on_start(self):
        writer = next(NEXT_WRITER)
        signed_in(self.client, writer)
        self.sides = writer["sides"]
        self.client.get("/my-work/", name=f"{WRITE}my work")  # sets the CSRF cookie

    @task
    def record(self):
        pk, side = random.choice(self.sides)
        etag = self.client.get(f"/api/commitments/{pk}/", name=f"{WRITE}read the version").headers["ETag"]
        self.client.post(f"/api/commitments/{pk}/updates/", name=f"{WRITE}status update",
                         json={"side": side, "status": random.choice(["in_progress", "on_track"]),
                               "note": "Load test: a status update beside the readers.", "as_of": date.today().isoformat()},
                         headers={"If-Match": etag, "X-CSRFToken": self.client.cookies.get("csrftoken", "")})


@events.test_stop.add_listener
def report(environment, **kwargs):
    reads = StatsEntry(environment.stats, "reads", "GET")
    writes = StatsEntry(environment.stats, "writes", "POST")
    for (name, method), entry in environment.stats.entries.items():
        if name.startswith(WRITE):
            if method == "POST":
                writes.extend(entry)
        elif method == "GET":
            reads.extend(entry)
    result = {
        "writers": WRITERS, "reads": reads.num_requests, "read_failures": reads.num_failures,
        "read_median_ms": reads.get_response_time_percentile(0.5), "read_p95_ms": reads.get_response_time_percentile(0.95),
        "writes": writes.num_requests, "write_failures": writes.num_failures,
        "writes_per_second": round(writes.total_rps, 2),
    }
    if path := os.environ.get("LOAD_REPORT"):
        Path(path).write_text(json.dumps(result))
