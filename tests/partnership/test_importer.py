"""The importer copes with what PDF extractions do, refuses malformed text with the line at fault, and is atomic."""

import textwrap
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from agreement.parsing import AgreementFormatError, parse_agreement
from agreement.models import Area, Paragraph, Partnership
from tests.partnership.test_text_fidelity import SEED

MINI = """**AGREEMENT
BETWEEN THE REPUBLIC OF EXAMPLE AND THE KINGDOM OF SAMPLE**

1. The Republic of Example (RE) and the Kingdom of Sample (KS) share interests.¹
2. They value dialogue.

¹ Footnote text about scope.

General framework

3. The parties will hold an annual dialogue:

- a. on strategy; and
- b. on the means of the partnership.

Areas of Cooperation

Maritime

- 4. The parties will explore maritime cooperation in the
region.

Space

5. The parties will exchange on space security.

Way Forward

6. The parties will review this text.

Adopted in Exampletown on 2 March 2024.
"""


def import_text(tmp_path, text, *args, name="agreement.txt", data=None):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    else:
        path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_partnership", str(path), *args, stdout=out)
    return out.getvalue()


def counts():
    return Partnership.objects.count(), Paragraph.objects.count(), Area.objects.count()


def test_a_small_agreement_imports_with_its_structure(tmp_path, db):
    output = import_text(tmp_path, MINI, "--slug", "mini")
    assert "created; 6 paragraphs, 4 parts, 2 areas" in output
    mini = Partnership.objects.get(slug="mini")
    assert sorted(mini.parties.values_list("code", flat=True)) == ["KS", "RE"]
    assert str(mini.adopted_on) == "2024-03-02" and mini.place == "Exampletown"
    assert mini.paragraphs.get(number=4).text == "The parties will explore maritime cooperation in the region."
    assert mini.paragraphs.get(number=4).area.title == "Maritime"
    assert list(mini.paragraphs.get(number=3).subparagraphs.values_list("label", "text")) == [
        ("a", "on strategy; and"),
        ("b", "on the means of the partnership."),
    ]
    assert mini.paragraphs.get(number=1).footnotes.get().text == "Footnote text about scope."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (MINI.replace("2. They value", "3. They value"), "line 5: paragraph 3 follows paragraph 1; expected 2"),
        (MINI.replace("5. The parties will exchange", "4. The parties will exchange"), "line 25: paragraph 4 appears twice (first at line 20)"),
        (MINI.replace("Space\n\n5.", "Space\n\nOrphan heading\n\n5."), "line 23: heading 'Space' has no paragraph under it"),
        (MINI.replace("Way Forward\n\n6. The parties will review this text.\n", "Way Forward\n"), "line 27: heading 'Way Forward' has no paragraph under it"),
        (MINI.replace("- b. on the", "- c. on the"), "line 14: sub-paragraph (c) in paragraph 3; expected (b)"),
        (MINI.replace("¹ Footnote text about scope.", ""), "paragraph 1 refers to footnote 1, whose text is missing"),
        (MINI.replace("Adopted in Exampletown on 2 March 2024.", ""), "no closing line such as 'Adopted in London on 19 May 2025.'"),
        (MINI.replace("2 March 2024", "31 Smarch 2024"), "line 31: '31 Smarch 2024' is not a date"),
        (MINI + "\n7. A paragraph after the end.\n", "line 33: text after the closing line (line 31)"),
        ("**TITLE ONLY**\n", "no numbered paragraph found"),
    ],
)
def test_malformed_text_is_refused_with_the_line_and_nothing_is_written(tmp_path, db, text, message):
    before = counts()
    with pytest.raises(CommandError) as error:
        import_text(tmp_path, text, "--slug", "bad")
    assert message in str(error.value)
    assert "nothing was imported" in str(error.value)
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "line 1: the file is empty"),
        (b"   \n\n  \n", "line 1: the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "line 3: binary data"),
        ("**TITLE**\n\n1. Caf\u00e9 au lait.\n".encode("latin-1"), "line 3: not UTF-8 text"),
    ],
)
def test_empty_binary_and_non_utf8_files_are_refused(tmp_path, db, data, message):
    before = counts()
    with pytest.raises(CommandError) as error:
        import_text(tmp_path, None, data=data)
    assert message in str(error.value)
    assert counts() == before


def test_a_missing_file_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_partnership", str(tmp_path / "nowhere.txt"))


def test_a_hard_wrapped_copy_parses_to_the_same_paragraphs():
    original = SEED.read_text(encoding="utf-8")
    wrapped = "\n".join(
        "\n".join(textwrap.wrap(line, width=58)) if len(line) > 58 and not line.startswith("**") else line
        for line in original.splitlines()
    )
    assert wrapped.count("\n") > original.count("\n") + 200
    first, second = parse_agreement(original), parse_agreement(wrapped)
    assert [(p.number, p.text) for p in second.paragraphs] == [(p.number, p.text) for p in first.paragraphs]
    assert second.digest() == first.digest()


def test_page_numbers_and_form_feeds_from_pdf_pages_are_ignored():
    paged = MINI.replace("2. They value dialogue.", "2. They value\n\n- 2 -\n\f\ndialogue.")
    assert [p.text for p in parse_agreement(paged).paragraphs] == [p.text for p in parse_agreement(MINI).paragraphs]


def test_importing_the_same_text_again_changes_nothing(tmp_path, partnership):
    before = (counts(), partnership.imported_at, list(Paragraph.objects.values_list("pk", "text")))
    output = import_text(tmp_path, SEED.read_text(encoding="utf-8"), "--slug", partnership.slug)
    assert "unchanged" in output
    partnership.refresh_from_db()
    assert (counts(), partnership.imported_at, list(Paragraph.objects.values_list("pk", "text"))) == before


def test_importing_a_wrapped_copy_under_the_same_name_changes_nothing(tmp_path, partnership):
    wrapped = "\n".join("\n".join(textwrap.wrap(line, 70)) for line in SEED.read_text(encoding="utf-8").splitlines())
    assert "unchanged" in import_text(tmp_path, wrapped, "--slug", partnership.slug)


def test_a_different_text_under_an_existing_name_is_refused_unless_asked(tmp_path, partnership):
    changed = SEED.read_text(encoding="utf-8").replace("will hold regular exchanges on maritime security", "will hold weekly exchanges on maritime security")
    with pytest.raises(CommandError, match="already exists with a different text. Use --replace"):
        import_text(tmp_path, changed, "--slug", partnership.slug)
    assert "weekly" not in partnership.paragraphs.get(number=22).text

    assert "replaced" in import_text(tmp_path, changed, "--slug", partnership.slug, "--replace")
    assert "weekly exchanges" in partnership.paragraphs.get(number=22).text
    assert partnership.paragraphs.get(number=22).commitments.exists()  # commitments keep their paragraph


def test_a_replacement_that_drops_paragraphs_with_commitments_is_refused(tmp_path, partnership):
    truncated = SEED.read_text(encoding="utf-8").split("62. The content")[0] + "Adopted in London on 19 May 2025.\n"
    with pytest.raises(CommandError, match="drops paragraphs that commitments still refer to"):
        import_text(tmp_path, truncated, "--slug", partnership.slug, "--replace")
    assert partnership.paragraphs.filter(number=62).exists()


def test_the_parser_reports_line_numbers_as_an_exception_attribute():
    with pytest.raises(AgreementFormatError) as error:
        parse_agreement(MINI.replace("2. They value", "9. They value"))
    assert error.value.line == 5
