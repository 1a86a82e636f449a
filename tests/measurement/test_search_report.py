"""Shared measurement in search and in the summary report: indicators and results are found
by the initiative's members only (a draft framework's by its facilitators only) and no value is
ever indexed; the report's scorecard shows each value as its reader may see it (the
agreement's visibility, small-number suppression) in HTML, DOCX, PDF and the command line."""

import datetime
import io

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from meshutaf import cli
from meshutaf.measurement import indexing, services
from meshutaf.measurement.models import FrameworkStatus, SharingAgreement
from meshutaf.measurement.permissions import Viewer
from meshutaf.reports import selectors as report_selectors
from meshutaf.search import engine
from meshutaf.search import indexing as search_indexing

RANGE = {"from": "2024-01-01", "to": "2024-12-31"}


@pytest.fixture
def indexed(framework, count_indicator, owner):
    services.result_create(
        framework=framework,
        by=owner,
        title="Every child thrives after school",
        population="children aged 6-12",
    )
    count_indicator.numerator_definition = "Children enrolled in an afternoon club"
    count_indicator.name_ar = "أطفال في النوادي"
    count_indicator.save()
    indexing.index_framework(framework)
    return framework


def found(user, query) -> list[str]:
    return [hit.entry.kind for hit in engine.search(user=user, query=query).hits]


def test_indicators_and_results_are_found_by_members_only(indexed, owner, member, outsider):
    assert found(member, "Children in clubs") == ["indicator"]
    assert found(member, "afternoon") == ["indicator"]  # its definition
    assert found(member, "النوادي") == ["indicator"]  # its Arabic name
    assert found(member, "EDU1") == ["indicator"]
    assert found(member, "thrives") == ["result"]
    assert found(owner, "thrives") == ["result"]
    assert found(outsider, "Children in clubs") == []
    assert found(outsider, "thrives") == []


def test_a_draft_framework_is_found_by_its_facilitators_only(indexed, owner, member):
    indexed.status = FrameworkStatus.DRAFT
    indexed.save()
    indexing.index_framework(indexed)
    assert found(member, "Children in clubs") == []
    assert found(owner, "Children in clubs") == ["indicator"]


def test_values_are_never_indexed(indexed, count_indicator, town, record, owner):
    record(count_indicator, town, "2024-Q1", value=4321)
    indexing.index_framework(indexed)
    search_indexing.reindex_all()
    assert found(owner, "4321") == []
    assert found(owner, "Children in clubs") == ["indicator"]  # the rebuild keeps the rest


# ---------------------------------------------------------------- the summary report


@pytest.fixture
def small_value(count_indicator, town, record, owner, member, partner_org):
    """The partner's approved count of 3 for the whole town, and a later one after the range."""
    for period, number in (("2024-Q1", 3), ("2025-Q1", 50)):
        value = record(
            count_indicator,
            town,
            period,
            by=member,
            role="partner",
            partner=partner_org,
            submit=True,
            value=number,
        )
        services.observation_approve(observation=value, by=owner)


def share(framework, count_indicator, partner_org):
    SharingAgreement.objects.create(
        framework=framework,
        partner=partner_org,
        indicator=count_indicator,
        purpose="shared measurement",
        visibility="partners",
    )


def report_line(client, initiative):
    response = client.get(f"/initiatives/{initiative.pk}/report/", RANGE)
    assert response.status_code == 200
    (card,) = response.context["summary"].scorecards
    return {line.code: line for line in card.lines}, response.content.decode()


def docx_rows(client, initiative) -> dict[str, list[str]]:
    response = client.get(f"/initiatives/{initiative.pk}/report.docx", RANGE)
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    rows = {}
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text for cell in row.cells]
            if cells[0].startswith("EDU"):
                rows[cells[0].split()[0]] = cells
    return rows


def test_report_scorecard_for_the_backbone_and_the_partner(
    initiative, framework, count_indicator, small_value, as_user, owner, member
):
    for user in (owner, member):
        lines, html = report_line(as_user(user), initiative)
        assert lines["EDU1"].latest == "3"
        assert lines["EDU1"].period == "2024-Q1"  # the 2025 value is after the range
        assert "EDU1" in html
        assert docx_rows(as_user(user), initiative)["EDU1"][1] == "3 (2024-Q1)"


def test_report_scorecard_without_an_agreement_shows_nothing_of_the_partners_value(
    initiative, framework, count_indicator, small_value, as_user, participant
):
    lines, _html = report_line(as_user(participant), initiative)
    assert lines["EDU1"].latest == "—"
    assert lines["EDU1"].period == ""
    assert docx_rows(as_user(participant), initiative)["EDU1"][1] == "—"


def test_report_scorecard_suppresses_a_small_count(
    initiative, framework, count_indicator, small_value, partner_org, as_user, participant
):
    share(framework, count_indicator, partner_org)
    lines, html = report_line(as_user(participant), initiative)
    assert lines["EDU1"].latest == "<10"
    assert lines["EDU1"].hidden
    assert "&lt;10" in html
    assert docx_rows(as_user(participant), initiative)["EDU1"][1] == "<10 (2024-Q1)"
    pdf = as_user(participant).get(f"/initiatives/{initiative.pk}/report.pdf", RANGE)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "<10" in text
    assert "Children in clubs" in text


def test_report_outsider_gets_404(initiative, framework, small_value, as_user, outsider):
    assert as_user(outsider).get(f"/initiatives/{initiative.pk}/report/", RANGE).status_code == 404
    assert (
        as_user(outsider).get(f"/initiatives/{initiative.pk}/report.docx", RANGE).status_code == 404
    )


def test_a_report_without_a_reader_has_no_scorecard(initiative, framework, small_value):
    summary = report_selectors.initiative_summary(
        initiative=initiative,
        date_from=datetime.date(2024, 1, 1),
        date_to=datetime.date(2024, 12, 31),
    )
    assert summary.scorecards == []
    with_reader = report_selectors.initiative_summary(
        initiative=initiative,
        date_from=datetime.date(2024, 1, 1),
        date_to=datetime.date(2024, 12, 31),
        viewer=Viewer(role="facilitator"),
    )
    assert with_reader.scorecards[0].lines[0].latest == "3"


def test_report_scorecard_query_count_is_flat(
    initiative, framework, count_indicator, town, record, owner, participant, as_user
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert (
                as_user(participant).get(f"/initiatives/{initiative.pk}/report/", RANGE).status_code
                == 200
            )
        return len(context.captured_queries)

    record(count_indicator, town, "2024-Q1", value=30)
    few = queries()
    for number in range(2, 8):
        indicator = services.indicator_create(
            framework=framework, by=owner, code=f"X{number}", name=f"מדד {number}", kind="count"
        )
        for quarter in range(1, 5):
            record(indicator, town, f"2024-Q{quarter}", value=20 + quarter)
    assert queries() == few


def test_report_command_reads_as_the_operator_or_as_the_user_named(
    initiative, framework, count_indicator, small_value, partner_org, tmp_path, monkeypatch
):
    monkeypatch.setenv("MESHUTAF_LANGUAGE", "en")
    share(framework, count_indicator, partner_org)
    output = tmp_path / "report.docx"
    common = ["report", "--initiative", str(initiative.pk), "--from", "2024-01-01"]
    common += ["--to", "2024-12-31", "--output", str(output)]

    def latest() -> str:
        document = docx.Document(str(output))
        for table in document.tables:
            for row in table.rows:
                if row.cells[0].text.startswith("EDU1"):
                    return row.cells[1].text
        raise AssertionError("no scorecard row")

    assert cli.main(common) == 0
    assert latest() == "3 (2024-Q1)"  # the operator at the console, as the backbone
    assert cli.main([*common, "--as", "participant"]) == 0
    assert latest() == "<10 (2024-Q1)"


def test_the_services_keep_the_index_current(framework, owner, member):
    """No manual re-indexing: creating and renaming through the services is searchable at
    once, and a framework's new version is found beside the archived one."""
    indicator = services.indicator_create(
        framework=framework,
        by=owner,
        code="WEL7",
        name="משפחות מלוות",
        name_en="Families accompanied",
        kind="count",
        period_type="quarter",
    )
    assert found(member, "accompanied") == ["indicator"]
    services.indicator_update(
        indicator=indicator, by=owner, data={"name_en": "Households supported"}
    )
    assert found(member, "accompanied") == []
    assert found(member, "supported") == ["indicator"]
    services.result_create(framework=framework, by=owner, title="Elders age at home")
    assert found(member, "Elders") == ["result"]
    services.framework_new_version(framework=framework, by=owner)
    assert found(member, "supported") == ["indicator", "indicator"]


def test_a_report_in_another_language_than_the_terminals_speaks_it_throughout(
    initiative, framework, count_indicator, small_value, tmp_path, monkeypatch
):
    """The terminal speaks Hebrew; `--language en` writes the scorecard's words in English
    too (its verdicts and notes are made while the summary is gathered)."""
    monkeypatch.setenv("MESHUTAF_LANGUAGE", "he")
    output = tmp_path / "report.html"
    arguments = ["report", "--initiative", str(initiative.pk), "--from", "2024-01-01"]
    arguments += ["--to", "2024-12-31", "--output", str(output), "--language", "en"]
    assert cli.main(arguments) == 0
    page = output.read_text()
    assert "Set a baseline and a target to assess progress." in page
    assert "קו בסיס" not in page
