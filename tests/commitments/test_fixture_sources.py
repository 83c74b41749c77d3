"""Every fact in the fixtures cites the document it comes from, and what no source gives is left out."""

import re
import tomllib
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SEEDS = ["000_d54fbe96628f8d19.txt", "001_9134231ebbe50b82.txt", "002_cf5113fe26acb82e.txt",
         "003_a2a634f5f76c98d1.txt", "004_82a13d6761885240.txt"]
REVIEW = "review (issue 15)"


def read(name: str) -> dict:
    return tomllib.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["organisations.toml", "commitments.toml", "dialogues.toml", "partnerships.toml"])
def test_no_fixture_cites_a_document_outside_the_sources(name):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert "docs/domain.md" not in text
    cited = set(re.findall(r"\d{3}_[0-9a-f]{16}\.txt", text))
    assert cited <= set(SEEDS)


def test_every_organisation_cites_the_text_that_names_it_or_the_review_that_asked_for_it():
    for entry in read("organisations.toml")["organisation"]:
        source = entry.get("source", "")
        assert source.startswith(tuple(SEEDS)) or source.startswith(REVIEW), entry["slug"]
    named = {e["slug"] for e in read("organisations.toml")["organisation"] if e["source"].startswith(SEEDS[4])}
    assert named == {"hrvp", "eeas", "eeas-dsg", "eeas-crc", "eu-delegations", "eums", "council", "eda", "esdc",
                     "fcdo", "fcdo-cmd", "uk-posts", "mod", "uk-training"}


def test_every_dialogue_series_cites_the_paragraph_that_creates_it_and_no_meeting_is_invented():
    for series in read("dialogues.toml")["series"]:
        assert series.get("source", "").startswith("004_82a13d6761885240.txt ¶"), series["slug"]
        assert "meeting" not in series, series["slug"]  # the seeds record no meeting of any series
    text = (FIXTURES / "dialogues.toml").read_text(encoding="utf-8")
    assert "Brussels" not in text and "2023-03-20" not in text and "2024-05-28" not in text


def test_the_schuman_forum_reads_biannual_as_the_text_says_it_for_the_dialogue_to_settle():
    forum = next(s for s in read("dialogues.toml")["series"] if s["slug"] == "schuman-forum")
    assert forum["cadence"] == "six_monthly"
    assert "biannual" in forum["cadence_note"] and "settle" in forum["cadence_note"]


def test_a_lead_resting_on_the_review_or_a_seed_says_so():
    for entry in read("commitments.toml")["commitment"]:
        reason = entry.get("lead_reason", "")
        others = [side.get("lead") for code, side in entry.items() if code in ("EU", "UK")]
        reviewed = {"dg-echo", "dg-defis", "dg-home", "cabinet-office", "uk-nsa", "home-office", "intcen", "jio",
                    "dg-sante", "dhsc"}
        if reviewed & {lead for lead in others if isinstance(lead, str)}:
            assert "(review)" in reason or ".txt" in reason, entry["ref"]
