import os

import pytest
from django.core.management import call_command
from pytest_django.plugin import blocking_manager_key

from accounts.models import User
from commitments.models import Commitment
from agreement.models import Organisation, Partnership

# A transactional test ends by emptying every table with TRUNCATE, the audit log's too, which the database refuses
# unless the session says it is archiving (audit/migrations/0003). Every test connection says so; the tests of the
# guard turn it off for their own transaction (tests/operations/test_security.py).
os.environ["PGOPTIONS"] = "-c tracker.audit_archiving=on"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the Partnership once into the test database; tests roll their own changes back."""
    with django_db_blocker.unblock():
        call_command("seed", verbosity=0, stdout=open(os.devnull, "w"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (the browser tests, the concurrency test) ends by emptying every table: seed again,
    so the tests that follow, in whatever order pytest runs them, find the Partnership the session seeded."""
    result = yield
    marker = item.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & set(
        item.fixturenames
    )
    if transactional and nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            call_command("seed", stdout=open(os.devnull, "w"))
    return result


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (the dashboards cache what is costly to rebuild)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def partnership(db) -> Partnership:
    """The seeded EU–UK Partnership (seeded again where a transactional test has flushed the tables)."""
    if not Partnership.objects.exists():
        call_command("seed", stdout=open(os.devnull, "w"))
    return Partnership.objects.get(slug="eu-uk-sdp-2025")


def make_user(username: str, *, organisation: str | None = None, **fields) -> User:
    fields.setdefault("email", f"{username}@example.org")
    user = User.objects.create_user(
        username=username,
        password="correct-horse-battery",
        organisation=Organisation.objects.get(slug=organisation) if organisation else None,
        **fields,
    )
    return user


@pytest.fixture
def eu_official(partnership):
    return make_user("eu-official", organisation="eeas", is_official=True)


@pytest.fixture
def uk_official(partnership):
    return make_user("uk-official", organisation="fcdo", is_official=True)


@pytest.fixture
def eda_official(partnership):
    """An official at the EDA: it owns no side of most commitments and takes no part in the SDD."""
    return make_user("eda-official", organisation="eda", is_official=True)


def commitment(ref: str) -> Commitment:
    return Commitment.objects.select_related("paragraph", "subparagraph").get(
        paragraph__partnership__slug="eu-uk-sdp-2025", ref=ref)


@pytest.fixture
def analyst(partnership):
    return make_user("analyst-1", is_analyst=True)


@pytest.fixture
def reviewer(partnership):
    return make_user("reviewer-1", is_reviewer=True)


@pytest.fixture
def administrator(partnership):
    return make_user("admin-1", is_administrator=True, is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(partnership):
    """Signed in, but holding no role in the tracker."""
    return make_user("outsider")


# Playwright drives Debian's Chromium: its own browser download is unreachable from these machines.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }


def at_once(work, times: int = 2) -> list:
    """`work()` run `times` at once, each in a thread with its own database connection; their results."""
    import threading

    from django.db import connection

    barrier, results = threading.Barrier(times), []

    def run():
        try:
            barrier.wait()
            results.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
