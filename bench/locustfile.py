"""`make load`: signed-in officials and analysts using the tracker at once, against gunicorn on loopback."""

import random
import re

from locust import HttpUser, between, task

from bench import PASSWORD

USERS = [f"bench-{n}" for n in range(0, 200)]


class TrackerUser(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="sign-in page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.client.post("/accounts/login/", {"username": random.choice(USERS), "password": PASSWORD,
                                                         "csrfmiddlewaretoken": token}, name="sign in")
        response.raise_for_status()
        listing = self.client.get("/api/commitments/?page_size=200", name="/api/commitments/").json()
        self.commitments = [c["id"] for c in listing["results"]]

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
