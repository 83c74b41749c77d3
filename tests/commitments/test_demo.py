"""`seed --demo`: demo people with their roles, and a history that says it is illustrative wherever it is shown."""

from io import StringIO

from django.core.management import call_command

from accounts.models import User
from commitments.models import CommitmentSide, StatusUpdate


def test_demo_adds_people_for_each_role_and_an_illustrative_history(partnership):
    out = StringIO()
    call_command("seed", "--demo", stdout=out)
    assert "eu.official" in out.getvalue() and "analyst" in out.getvalue()
    assert User.objects.get(username="eu.official").organisation.party.code == "EU"
    assert User.objects.get(username="uk.official").organisation.party.code == "UK"
    assert User.objects.get(username="analyst").is_analyst
    assert User.objects.get(username="reviewer").is_reviewer
    assert User.objects.get(username="admin").is_administrator
    updates = StatusUpdate.objects.all()
    assert updates.count() > 100
    assert not updates.filter(illustrative=False).exists()
    # Each side's current status is its latest update.
    for side in CommitmentSide.objects.filter(updates__isnull=False).distinct()[:30]:
        latest = side.updates.order_by("-as_of", "-created_at").first()
        assert side.status == latest.status

    count = updates.count()
    call_command("seed", "--demo", stdout=StringIO())
    assert StatusUpdate.objects.count() == count  # a second run adds nothing


def test_pages_say_the_history_is_illustrative(client, partnership):
    call_command("seed", "--demo", stdout=StringIO())
    client.force_login(User.objects.get(username="analyst"))
    update = StatusUpdate.objects.first()
    html = client.get(update.commitment.get_absolute_url()).content.decode()
    assert "is illustrative" in html
    assert "Illustrative demo entry" in html
