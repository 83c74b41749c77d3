"""The database connection dropped in the middle of a request (its backend terminated, as a failover or a server
restart does): the request answers 503 with a time to try again, nothing is half-written, and the next request is
served on a new connection."""

from contextlib import contextmanager
from datetime import date

import psycopg
import pytest
from django.db import connection

from commitments.models import Commitment, StatusUpdate

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def dropped_at(statement: str):
    """Terminate this connection's backend just before the first query containing `statement` runs."""
    settings = connection.settings_dict
    fired = []

    def wrapper(execute, sql, params, many, context):
        if statement in sql and not fired:
            fired.append(sql)
            pid = connection.connection.info.backend_pid
            with psycopg.connect(host=settings["HOST"], port=settings["PORT"], user=settings["USER"],
                                 dbname=settings["NAME"], autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield fired


def update_form(commitment):
    return {"status": "on_track", "note": "", "as_of": date.today().isoformat(), "marking": "OFFICIAL",
            "version": commitment.version, "corrects": "",
            **{f"evidence_{f}_{n}": "" for f in ("title", "url") for n in (1, 2, 3)}}


def test_a_page_whose_connection_drops_answers_503_and_the_next_one_is_served(client, partnership, analyst):
    client.force_login(analyst)
    with dropped_at('FROM "commitments_commitmentside"') as fired:
        response = client.get("/dashboard/")
    assert fired and response.status_code == 503 and response["Retry-After"] == "5"
    assert "Try again in a moment" in response.content.decode()
    assert client.get("/dashboard/").status_code == 200


def test_a_status_update_cut_off_by_a_dropped_connection_writes_nothing_and_can_be_sent_again(
        client, partnership, eu_official):
    client.force_login(eu_official)
    target = Commitment.objects.get(ref="14.1")
    url = f"/commitments/{target.pk}/update/EU/"
    with dropped_at('INSERT INTO "commitments_statusupdate"') as fired:
        response = client.post(url, update_form(target))
    assert fired and response.status_code == 503
    assert StatusUpdate.objects.filter(commitment=target).count() == 0
    assert Commitment.objects.get(pk=target.pk).version == target.version
    assert client.post(url, update_form(target)).status_code == 302  # sent again: recorded once
    assert StatusUpdate.objects.filter(commitment=target).count() == 1


def test_the_api_says_so_in_its_error_shape(client, partnership, analyst):
    client.force_login(analyst)
    with dropped_at('FROM "commitments_commitment"'):
        response = client.get("/api/commitments/", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert set(response.json()) == {"status", "code", "detail", "errors"}
