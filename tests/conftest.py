import os
from datetime import date

import pytest
from django.core.management import call_command
from pytest_django.plugin import blocking_manager_key

from accounts.models import User
from agreement.models import Area, Organisation, Paragraph, Part, Partnership, Party
from commitments.models import Commitment, CommitmentSide, Ownership
from commitments.status import least_advanced

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


def fictional_partnership(*, slug: str = "eu-ruritania-2026", code: str = "RUR", country: str = "Ruritania",
                          adopted_on: date = date(2026, 3, 2)) -> Partnership:
    """A tiny fictional partnership beside the seeded one (none of its words comes from a real text): the EU and
    the Kingdom of <country>, three paragraphs, three commitments and an annual dialogue. Its area shares the slug
    of an EU–UK one ("maritime-security"), as two partnerships' areas may. Statuses, written straight onto the rows:
    ¶1.1 on track on both sides; ¶2.1 EU in progress, <country> delayed (overall delayed), overdue since its
    six-monthly update was due; ¶3.1, binding <country> alone, not yet assessed. The dialogue met on 15 April 2026
    and meets next on 10 February 2027; the EEAS leads the EU side, the EU's bodies being shared."""
    from dialogues.models import DialogueSeries, FollowUpAction, Meeting

    party = Party.objects.create(code=code, name=f"Kingdom of {country}")
    eu = Party.objects.get(code="EU")
    mfa = Organisation.objects.create(party=party, slug=f"{code.lower()}-mfa", short_name=f"{code} MFA",
                                      name=f"Ministry of Foreign Affairs of {country}")
    mod = Organisation.objects.create(party=party, slug=f"{code.lower()}-mod", short_name=f"{code} MoD",
                                      name=f"Ministry of Defence of {country}")
    eeas = Organisation.objects.get(slug="eeas")
    partnership = Partnership.objects.create(
        slug=slug, title=f"Security and Defence Partnership between the European Union and the Kingdom of {country}",
        short_title=f"EU–{country} Security and Defence Partnership", adopted_on=adopted_on, place="Strelsau",
        source_digest="fictional")
    partnership.parties.set([eu, party])
    part = Part.objects.create(partnership=partnership, position=1, title="Areas of Cooperation")
    area = Area.objects.create(part=part, position=1, title="Maritime Security", slug="maritime-security")
    texts = [f"The EU and {country} will hold a Security and Defence Dialogue annually.",
             f"The EU and {country} will exchange views on maritime security twice a year.",
             f"{country} will consider taking part in the Schuman Forum."]
    paragraphs = [Paragraph.objects.create(partnership=partnership, part=part, area=area if n == 2 else None,
                                           number=n, text=text) for n, text in enumerate(texts, 1)]
    encoded = [  # ref, paragraph, title, strength, cadence, {party: (lead, status)}
        ("1.1", paragraphs[0], f"{country} annual dialogue", "firm", "annual",
         {eu: (eeas, "on_track"), party: (mfa, "on_track")}),
        ("2.1", paragraphs[1], f"{country} maritime exchanges", "firm", "six_monthly",
         {eu: (eeas, "in_progress"), party: (mod, "delayed")}),
        ("3.1", paragraphs[2], f"{country} considers the Forum", "exploratory", "ad_hoc",
         {party: (mfa, "not_assessed")}),
    ]
    for ref, paragraph, title, strength, cadence, sides in encoded:
        created = Commitment.objects.create(
            paragraph=paragraph, ref=ref, position=1, title=title, clause=paragraph.text, strength=strength,
            cadence=cadence, status=least_advanced(status for _, status in sides.values()))
        for side_party, (lead, status) in sides.items():
            side = CommitmentSide(commitment=created, party=side_party, status=status)
            side.reschedule(created, adopted_on)
            side.save()
            Ownership.objects.create(side=side, organisation=lead, role=Ownership.Role.LEAD)
    dialogue = DialogueSeries.objects.create(
        partnership=partnership, slug=f"{slug}-dialogue", name=f"EU–{country} Security and Defence Dialogue",
        kind=DialogueSeries.Kind.SDD, cadence="annual", next_due_on=date(2027, 4, 15))
    dialogue.participants.set([eeas, mfa])
    held = Meeting.objects.create(series=dialogue, date=date(2026, 4, 15), place="Strelsau", status=Meeting.Status.HELD)
    Meeting.objects.create(series=dialogue, date=date(2027, 2, 10), place="Brussels", status=Meeting.Status.PLANNED)
    FollowUpAction.objects.create(meeting=held, title=f"Propose {country}'s maritime contacts", owner=mfa,
                                  due_on=date(2026, 6, 30))
    return partnership


@pytest.fixture
def second_partnership(partnership) -> Partnership:
    """The fictional EU–Ruritania partnership, adopted after the seeded one (`fictional_partnership`)."""
    return fictional_partnership()


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
