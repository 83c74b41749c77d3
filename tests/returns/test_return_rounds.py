"""A return an official can send first time: the workbook says which columns are needed and fills in True as of with
the day, as the web form does; an upload tells every problem of every row in one round, in an error summary that
links to each row; and once applied its rows say they were recorded.

The helpers and the expected wordings are those of tests/returns/test_returns.py."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from commitments.models import StatusUpdate
from commitments.status import Status
from returns.models import Return
from tests.conftest import commitment, make_user
from tests.returns.test_returns import (
    AS_OF,
    ReturnSheet,
    download,
    post_apply,
    record_status,
    upload_and_preview,
)

pytestmark = pytest.mark.django_db


def test_the_workbook_fills_in_true_as_of_with_the_day_and_says_what_is_needed(client, partnership, eu_official):
    client.force_login(eu_official)
    sheet = ReturnSheet(download(client))

    how = next(sheet.sheet.cell(r, 2).value for r in range(1, sheet.header) if sheet.sheet.cell(r, 1).value == "How")
    assert how == (
        "Fill in New status on the rows that changed; leave the others empty. A Note is needed for at risk, delayed "
        "and discontinued, and for any move back. True as of (required) is filled in with the day of download, "
        f"{date.today():%d %B %Y}: change it to the day the new status became true, never a day after you upload. "
        "Marking is OFFICIAL unless you choose OFFICIAL-SENSITIVE. Do not change Commitment id, Side or Version. "
        "Upload the file on the Returns page.")
    for row in sheet.data_rows():
        cell = sheet.sheet.cell(row, sheet.column["True as of"])
        assert (cell.value.date(), cell.number_format) == (date.today(), "yyyy-mm-dd")


def test_a_first_return_with_only_new_statuses_filled_in_is_recorded(client, partnership, eu_official):
    client.force_login(eu_official)
    sheet = ReturnSheet(download(client))
    rows = [sheet.row_of(commitment(ref)) for ref in ("11.1", "14.1", "14.2")]
    for row in rows:
        sheet.fill(row, {"New status": "In progress"})

    record, html = upload_and_preview(client, sheet.data())

    assert record.problems == []
    assert html.count("Will be recorded") == 3
    response = post_apply(client, record)
    assert "3 updates recorded from the return." in response.content.decode()
    updates = StatusUpdate.objects.filter(created_by=eu_official)
    assert sorted((u.commitment.ref, u.status, u.as_of) for u in updates) == [
        ("11.1", "in_progress", date.today()), ("14.1", "in_progress", date.today()),
        ("14.2", "in_progress", date.today())]


def test_every_problem_of_a_row_is_told_in_one_round_a_conflict_with_its_other_mistakes(client, partnership,
                                                                                         eu_official):
    target = commitment("14.1")
    colleague = make_user("eeas-colleague", organisation="eeas", is_official=True, first_name="Ana", last_name="Lind")
    client.force_login(eu_official)
    sheet = ReturnSheet(download(client))
    stale = sheet.fill(sheet.row_of(target), {"New status": "At risk", "True as of": "next Tuesday"})
    unknown = sheet.fill(sheet.row_of(commitment("11.1")), {"Commitment id": 999999, "New status": "Delayed"})
    record_status(target, colleague, Status.IN_PROGRESS)  # after the download: the 14.1 row is now a conflict

    record, html = upload_and_preview(client, sheet.data())

    problems = {p["row"]: (p["error"], p["conflict"]) for p in record.problems}
    error, conflict = problems[stale]
    assert error == "“next Tuesday” is not a date: write it as 2026-11-20. Note: Explain why the status is “at risk”."
    assert conflict.startswith("Changed since this return was downloaded (version 1, now 2): EU set to “in progress” "
                               "by Ana Lind on ")
    assert problems[unknown] == (
        "There is no commitment 999999 in this partnership. Note: Explain why the status is “delayed”.", "")
    assert f"Row {stale}: {escape(error)}" in html and f"Row {stale}: conflict. {escape(conflict)}" in html


def test_the_row_problems_lead_the_page_in_an_error_summary_linking_to_each_row(client, partnership, eu_official):
    client.force_login(eu_official)
    sheet = ReturnSheet(download(client))
    good = sheet.fill(sheet.row_of(commitment("11.1")), {"New status": "In progress"})
    bad = sheet.fill(sheet.row_of(commitment("14.1")), {"New status": "Nearly there"})

    record, html = upload_and_preview(client, sheet.data())

    assert "<title>Error: Return of EEAS" in html
    summary = html[html.index('<div class="error-summary"'): html.index("</div>", html.index('<div class="error-summary"'))]
    assert 'tabindex="-1" autofocus' in summary
    assert "1 row cannot be applied" in summary
    assert (f'<a href="#row-{bad}">Row {bad} (¶14.1 EU): '
            f'{escape("“Nearly there” is not a status: choose one from the list.")}</a>') in summary
    assert f'href="#row-{good}"' not in summary
    assert f'<tr id="row-{bad}">' in html and f'<tr id="row-{good}">' in html


def test_an_applied_return_says_its_rows_were_recorded_and_how_many(client, partnership, eu_official):
    client.force_login(eu_official)
    sheet = ReturnSheet(download(client))
    sheet.fill(sheet.row_of(commitment("11.1")), {"New status": "In progress", "True as of": AS_OF})
    record, _ = upload_and_preview(client, sheet.data())
    post_apply(client, record)

    html = client.get(record.get_absolute_url()).content.decode()
    assert "Will be recorded" not in html and "✓</span> Recorded" in html
    assert "<title>Error:" not in html
    index = client.get(reverse("returns:index")).content.decode()
    assert "Applied (1 update)" in index and "1 updates" not in index


def test_a_discarded_return_says_nothing_was_recorded(client, partnership, eu_official):
    client.force_login(eu_official)
    sheet = ReturnSheet(download(client))
    sheet.fill(sheet.row_of(commitment("11.1")), {"New status": "In progress"})
    record, _ = upload_and_preview(client, sheet.data())
    client.post(reverse("returns:discard", args=[record.pk]))
    record.refresh_from_db()
    assert record.state == Return.State.DISCARDED

    html = client.get(record.get_absolute_url()).content.decode()
    assert "Not recorded: the return was discarded" in html and "Will be recorded" not in html


def test_an_outsider_sees_no_return(client, partnership, eu_official, outsider):
    client.force_login(eu_official)
    record, _ = upload_and_preview(client, _one_row(client))
    client.force_login(outsider)
    assert client.get(record.get_absolute_url()).status_code == 403


def _one_row(client) -> bytes:
    sheet = ReturnSheet(download(client))
    sheet.fill(sheet.row_of(commitment("11.1")), {"New status": "In progress", "True as of": date.today() - timedelta(days=1)})
    return sheet.data()
