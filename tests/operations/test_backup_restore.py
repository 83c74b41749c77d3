"""A database dump restores to an identical state (the procedure docs/operations.md gives)."""

import subprocess
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def fingerprint(dsn: str) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row, ordered, for each table of the database."""
    with psycopg.connect(dsn) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()]
        result = {}
        for table in tables:
            count, digest = conn.execute(
                f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) FROM "{table}" t'
            ).fetchone()
            result[table] = (count, digest)
        return result


def test_a_dump_restores_to_an_identical_database(partnership, tmp_path):
    call_command("seed", "--demo", stdout=StringIO())  # a realistic state: history, meetings, frozen packs
    db = connection.settings_dict
    base = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}"
    source, copy = db["NAME"], f"{db['NAME']}_restore"
    dump = tmp_path / "tracker.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"{base}/{source}"], check=True)
    subprocess.run(["dropdb", "--if-exists", f"--maintenance-db={base}/postgres", copy], check=True)
    subprocess.run(["createdb", f"--maintenance-db={base}/postgres", copy], check=True)
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={base}/{copy}", str(dump)], check=True)
        original, restored = fingerprint(f"{base}/{source}"), fingerprint(f"{base}/{copy}")
        assert restored == original
        assert original["commitments_statusupdate"][0] > 100 and original["dialogues_briefingpack"][0] >= 1
    finally:
        subprocess.run(["dropdb", "--if-exists", f"--maintenance-db={base}/postgres", copy], check=True)
