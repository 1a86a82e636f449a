"""`meshutaf report`: each format, the permission gate with --as, and errors that exit 2 and
leave no file behind."""

import datetime
import io
import os

import docx
import pytest
from pypdf import PdfReader

from meshutaf import cli

RANGE = ["--from", "2024-01-01", "--to", "2024-06-30"]


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("MESHUTAF_LANGUAGE", "en")


def report(history, output, *extra):
    return cli.main(
        [
            "report",
            "--initiative",
            str(history.initiative.pk),
            *RANGE,
            "--output",
            str(output),
            *extra,
        ]
    )


def test_html(history, tmp_path, capsys):
    output = tmp_path / "report.html"
    assert report(history, output, "--format", "html") == 0
    assert str(output) in capsys.readouterr().out
    html = output.read_text()
    assert '<html lang="en" dir="ltr">' in html
    assert "<svg" in html
    assert list(tmp_path.iterdir()) == [output]  # no temporary file left over


def test_docx_in_hebrew(history, tmp_path):
    output = tmp_path / "report.docx"
    assert report(history, output, "--language", "he") == 0  # the format from the extension
    document = docx.Document(str(output))
    assert document.core_properties.language == "he-IL"
    assert (
        document.paragraphs[0]._p.pPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bidi"
        )
        is not None
    )


def test_pdf(history, tmp_path):
    output = tmp_path / "out.bin"
    assert report(history, output, "--format", "pdf") == 0
    data = output.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(data)).pages) >= 1


def test_the_file_is_for_its_writer_only(history, tmp_path):
    """A report holds the initiative's data: like everything the command line writes (it sets
    the umask to 077), it is readable by its owner alone, whatever the shell's umask."""
    output = tmp_path / "report.html"
    previous = os.umask(0o022)
    try:
        assert report(history, output) == 0
    finally:
        os.umask(previous)
    assert output.stat().st_mode & 0o777 == 0o600


def test_replaces_an_existing_file(history, tmp_path):
    output = tmp_path / "report.html"
    output.write_text("old")
    assert report(history, output) == 0
    assert output.read_text().startswith("<!doctype html>")


def test_as_a_member_and_as_an_outsider(history, member, outsider, tmp_path, capsys):
    output = tmp_path / "report.html"
    assert report(history, output, "--as", member.username) == 0
    output.unlink()
    assert report(history, output, "--as", outsider.username) == 2
    assert "may see" in capsys.readouterr().err
    assert not output.exists()


def test_defaults_for_dates(history, tmp_path):
    """Without dates: the span with activity (an insight of 1 June 2023 to an action item
    closed on 1 September 2024), not the initiative's start in 2010."""
    history.initiative.start_date = datetime.date(2010, 1, 1)
    history.initiative.save()
    output = tmp_path / "report.html"
    assert (
        cli.main(["report", "--initiative", str(history.initiative.pk), "--output", str(output)])
        == 0
    )
    html = output.read_text()
    assert "Roundtable Alpha" in html
    assert "From June 1, 2023 to Sept. 1, 2024" in html


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "2024-02-30"], "is not a date"),
        (["--to", "soon"], "is not a date"),
        (["--from", "2024-06-30", "--to", "2024-01-01"], "cannot be after its end"),
        (["--from", "1700-01-01"], "Choose dates between"),
        (["--as", "ghost"], "No active user is called ghost"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(history, tmp_path, capsys, arguments, message):
    output = tmp_path / "report.pdf"
    code = cli.main(
        ["report", "--initiative", str(history.initiative.pk), "--output", str(output), *arguments]
    )
    assert code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("initiative_id", ["999999", "0", "99999999999999999999999"])
def test_unknown_initiative(db, tmp_path, capsys, initiative_id):
    output = tmp_path / "report.html"
    assert cli.main(["report", "--initiative", initiative_id, *RANGE, "--output", str(output)]) == 2
    assert "There is no initiative" in capsys.readouterr().err
    assert not output.exists()


def test_unwritable_output(history, tmp_path, capsys):
    missing = tmp_path / "no-such-folder" / "report.html"
    assert report(history, missing) == 2
    assert "Cannot write" in capsys.readouterr().err
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert report(history, folder) == 2
    assert list(folder.iterdir()) == []
    assert list(tmp_path.iterdir()) == [folder]


def test_a_failed_rename_leaves_no_partial_file(history, tmp_path, capsys, monkeypatch):
    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    output = tmp_path / "report.html"
    assert report(history, output) == 2
    assert "Permission denied" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_pdf_unavailable(history, tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)
    output = tmp_path / "report.pdf"
    assert report(history, output) == 2
    assert "PDF reports cannot be made" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_help_lists_the_command(capsys):
    with pytest.raises(SystemExit):
        cli.main(["report", "--help"])
    out = capsys.readouterr().out
    for option in ("--initiative", "--from", "--to", "--format", "--output", "--as"):
        assert option in out
