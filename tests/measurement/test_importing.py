"""Importing values: rows checked against their indicators (N/A, numerator above denominator,
unknown disaggregation values refused with the row's number), conflicts reported and never
resolved, missing cells warned about, one bad row writing nothing unless bad rows are skipped,
the Open SDG format in and out, and the upload path the reporting pages use."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from meshutaf.core import imports
from meshutaf.core.access import Role
from meshutaf.measurement import importing, opensdg, services
from meshutaf.measurement.entries import entry_check
from meshutaf.measurement.models import Observation, ObservationEvent, State


def data(*lines):
    return ("\n".join(lines) + "\n").encode()


def run(content, framework=None, name="values.csv", **options):
    options.setdefault("role", Role.FACILITATOR)
    return importing.import_data(content, name, framework=framework, **options)


def stored(**filters):
    return sorted(
        (o.indicator.code, o.geography.code, o.period, o.disaggregation, o.value)
        for o in Observation.objects.filter(current=True, **filters).select_related(
            "indicator", "geography"
        )
    )


GOOD = (
    "indicator,geography,period,sex,value",
    "EDU1,L9999,2024-Q1,,30",
    "EDU1,L9999,2024-Q1,female,14",
    "EDU1,L9999,2024-Q1,male,16",
)


def test_a_good_file_is_written_as_the_backbones_drafts(framework, count_indicator, town, owner):
    report = run(data(*GOOD), framework, by=owner)
    assert report.as_json() == {
        "rows": 3,
        "observations": 3,
        "written": 3,
        "conflicts": [],
        "errors": [],
    }
    assert not report.refused
    assert stored() == [
        ("EDU1", "L9999", "2024-Q1", "", 30),
        ("EDU1", "L9999", "2024-Q1", "sex=female", 14),
        ("EDU1", "L9999", "2024-Q1", "sex=male", 16),
    ]
    assert set(Observation.objects.values_list("state", flat=True)) == {State.DRAFT}
    assert ObservationEvent.objects.filter(action="imported").count() == 3


def test_na_is_refused_with_its_row_and_nothing_is_written(framework, count_indicator, town):
    report = run(data(*GOOD, "EDU1,L9999,2024-Q2,,N/A"), framework)
    assert report.errors == [{"row": 5, "message": "The value must be a number, not “N/A”."}]
    assert report.refused
    assert report.written == 0
    assert report.observations == 3
    assert not Observation.objects.exists()


def test_see_description_and_a_percentage_are_refused(framework, count_indicator, town):
    report = run(
        data(*GOOD[:1], "EDU1,L9999,2024-Q1,,see description", "EDU1,L9999,2024-Q2,,12%"),
        framework,
    )
    assert [error["row"] for error in report.errors] == [2, 3]
    assert "see description" in report.errors[0]["message"]


def test_numerator_above_denominator_is_refused(framework, proportion_indicator, town):
    report = run(
        data(
            "indicator,geography,period,numerator,denominator",
            "EDU2,L9999,2023,15,50",
            "EDU2,L9999,2024,60,50",
        ),
        framework,
    )
    assert report.errors == [
        {"row": 3, "message": "The numerator (60) cannot be above the denominator (50)."}
    ]
    assert not Observation.objects.exists()


def test_a_proportion_is_computed_from_its_numerator_and_denominator(
    framework, proportion_indicator, town
):
    run(data("indicator,period,numerator,denominator", "EDU2,2023,15,50"), framework)
    observation = Observation.objects.get()
    assert float(observation.value) == pytest.approx(0.3)
    assert observation.geography == town  # no geography column: the framework's area


def test_an_unknown_disaggregation_value_is_refused(framework, count_indicator, town):
    report = run(
        data(
            "indicator,geography,period,disaggregation,value",
            "EDU1,L9999,2024-Q1,sex=female,14",
            "EDU1,L9999,2024-Q1,sex=other,3",
            "EDU1,L9999,2024-Q1,age=0-17,3",
        ),
        framework,
    )
    assert [error["row"] for error in report.errors] == [3, 4]
    assert "“other” is not a value of sex" in report.errors[0]["message"]
    assert "“age” is not a disaggregation of this indicator" in report.errors[1]["message"]
    assert not Observation.objects.exists()


def test_dimension_columns_are_matched_by_label_and_any_case(framework, count_indicator, town):
    report = run(data("indicator,period,Sex,value", "EDU1,2024-Q1,Female,4"), framework)
    assert report.errors == []
    assert stored() == [("EDU1", "L9999", "2024-Q1", "sex=female", 4)]


def test_skip_bad_writes_the_good_rows(framework, count_indicator, town):
    report = run(data(*GOOD, "EDU1,L9999,2024-Q2,,N/A"), framework, skip_bad=True)
    assert report.written == 3
    assert not report.refused
    assert report.errors[0]["row"] == 5
    assert len(stored()) == 3


def test_conflicts_are_reported_never_resolved(framework, count_indicator, town):
    content = data(*GOOD, "EDU1,L9999,2024-Q1,female,15", "EDU1,L9999,2024-Q2,,31")
    report = run(content, framework)
    assert report.conflicts == [
        {
            "key": {
                "indicator": "EDU1",
                "geography": "L9999",
                "period": "2024-Q1",
                "disaggregation": "sex=female",
            },
            "values": [14, 15],
        }
    ]
    assert report.errors == []  # a conflict is listed once, as a conflict
    assert report.refused
    assert not Observation.objects.exists()
    # Skipping bad rows leaves both values of the conflict out, and writes the rest.
    report = run(content, framework, skip_bad=True)
    assert report.written == 3
    assert ("EDU1", "L9999", "2024-Q1", "sex=female", 14) not in stored()
    assert len(stored()) == 3


def test_the_same_row_twice_counts_once_with_a_warning(framework, count_indicator, town):
    report = run(data(*GOOD, GOOD[1]), framework)
    assert report.as_json()["observations"] == 3
    assert report.written == 3
    assert report.conflicts == []
    assert {"row": 5, "message": "Row 5 repeats row 2; it is counted once."} in report.warnings


def test_missing_cells_of_a_declared_disaggregation_are_warned(framework, count_indicator, town):
    report = run(data(*GOOD[:3]), framework)
    assert report.written == 2
    messages = [warning["message"] for warning in report.warnings]
    assert any("sex=male is missing" in message for message in messages)


def test_parts_that_do_not_add_up_are_warned(framework, count_indicator, town):
    report = run(data(*GOOD[:3], "EDU1,L9999,2024-Q1,male,99"), framework)
    assert any("its parts give 113" in warning["message"] for warning in report.warnings)


def test_dry_run_writes_nothing(framework, count_indicator, town):
    report = run(data(*GOOD), framework, dry_run=True)
    assert report.observations == 3
    assert report.written == 0
    assert not Observation.objects.exists()


def test_dry_run_without_a_framework_checks_form_and_conflicts(db):
    report = importing.import_data(
        data(
            "indicator,geography,period,sex,value,numerator,denominator",
            "X1,472,2024,female,3,,",
            "X1,472,2024,female,4,,",
            "X1,472,2024,,N/A,,",
            "X1,472,2024-13,,1,,",
            "X2,472,2024,,,5,",
            "X2,472,2024,,,50,5",
        ),
        "any.csv",
        dry_run=True,
    )
    assert report.conflicts == [
        {
            "key": {
                "indicator": "X1",
                "geography": "472",
                "period": "2024",
                "disaggregation": "sex=female",
            },
            "values": [3, 4],
        }
    ]
    assert [error["row"] for error in report.errors] == [4, 5, 6]
    assert report.errors[2]["message"] == "The denominator is required."
    assert report.observations == 1  # without a kind, 50/5 may be a rate
    assert report.written == 0
    assert report.refused


def test_a_locked_or_approved_cell_refuses_its_row(framework, count_indicator, town, record, owner):
    approved = record(count_indicator, town, "2024-Q1", value=30)
    services.observation_approve(observation=approved, by=owner)
    report = run(data(*GOOD), framework, by=owner)
    assert report.errors[0]["row"] == 2
    assert report.errors[0]["message"].startswith("Approved by Noa")
    assert Observation.objects.count() == 1


def test_a_revision_keeps_the_earlier_value(framework, count_indicator, town, record):
    earlier = record(count_indicator, town, "2024-Q1", value=29)
    run(data(*GOOD), framework)
    current = Observation.objects.get(current=True, disaggregation="")
    assert current.value == 30
    assert current.supersedes == earlier


def test_unknown_indicator_and_geography_are_refused(framework, count_indicator, town):
    report = run(
        data("indicator,geography,period,value", "NOPE,L9999,2024-Q1,1", "EDU1,L1,2024-Q1,1"),
        framework,
    )
    assert report.errors == [
        {"row": 2, "message": "No indicator of this framework has the code NOPE."},
        {"row": 3, "message": "No geography unit has the code L1."},
    ]


def test_a_period_of_the_wrong_type_is_refused(framework, count_indicator, town):
    report = run(data("indicator,period,value", "EDU1,2024,1"), framework)
    assert "is not a quarter" in report.errors[0]["message"]


def test_hebrew_headers_and_xlsx(framework, count_indicator, town):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in (("מדד", "יישוב", "תקופה", "פילוח", "ערך"), ("EDU1", "L9999", "2024-Q3", "", 7)):
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    report = run(stream.getvalue(), framework, name="ערכים", format="xlsx")
    assert report.written == 1
    assert stored() == [("EDU1", "L9999", "2024-Q3", "", 7)]


def test_a_file_without_a_value_column_is_the_files_problem(framework, count_indicator):
    with pytest.raises(imports.ImportFileError, match="the value"):
        run(data("indicator,period", "EDU1,2024-Q1"), framework)


def test_an_unreadable_file_raises(tmp_path, framework):
    with pytest.raises(imports.ImportFileError, match="Cannot read"):
        importing.import_file(tmp_path / "missing.csv", framework=framework)
    binary = tmp_path / "old.xls"
    binary.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(200))
    with pytest.raises(imports.ImportFileError, match="old Excel file"):
        importing.import_file(binary, framework=framework)


@pytest.fixture
def sdg_indicator(framework, owner):
    return services.indicator_create(
        framework=framework, by=owner, code="4.1.1", name="מיומנויות", name_en="Proficiency",
        kind="count", period_type="year",
        dimensions=[
            {"name": "sex", "label": "Sex", "values": ["female", "male"]},
            {"name": "age", "label": "Age", "values": ["0-14", "15-24"]},
        ],
    )  # fmt: skip


OPEN_SDG = (
    "Year,Sex,Age,Units,Series,Observation status,GeoCode,Value",
    "2022,,,Number,SE_TOT,A,,120",
    "2022,female,,Number,SE_TOT,A,,70",
    "2022,male,,Number,SE_TOT,A,,50",
    "2022,,0-14,Number,SE_TOT,E,,80",
    "2022,,15-24,Number,SE_TOT,E,,40",
    "2022,,,Number,SE_TOT,P,L9999-1,75",
    "2023,,,Number,SE_TOT,A,,125",
)


def test_open_sdg_round_trip(framework, sdg_indicator, town):
    report = importing.import_data(
        data(*OPEN_SDG),
        "indicator_4-1-1.csv",
        format="open-sdg",
        framework=framework,
        role=Role.FACILITATOR,
    )
    assert report.errors == []
    assert report.written == 7
    assert Observation.objects.get(period="2022", disaggregation="age=0-14").status == "estimated"
    assert Observation.objects.get(geography__code="L9999-1").status == "provisional"
    rows = [
        {
            "period": o.period,
            "geography": o.geography.code,
            "key": o.disaggregation,
            "value": o.value,
            "status": o.status,
        }
        for o in Observation.objects.filter(current=True).select_related("geography")
    ]
    written = opensdg.write(
        rows,
        dimensions=["sex", "age"],
        labels={"sex": "Sex", "age": "Age"},
        units="Number",
        series="SE_TOT",
        area_code="L9999",
    )
    original = list(csv.reader(io.StringIO("\n".join(OPEN_SDG))))
    again = list(csv.reader(io.StringIO(written)))
    assert again[0] == original[0]
    assert sorted(again[1:]) == sorted(original[1:])


def test_open_sdg_several_series_without_a_dimension_conflict(framework, sdg_indicator, town):
    report = importing.import_data(
        data(OPEN_SDG[0], "2022,,,Number,A1,A,,1", "2022,,,Number,B2,A,,2"),
        "indicator_4-1-1.csv",
        format="open-sdg",
        framework=framework,
    )
    assert report.conflicts[0]["values"] == [1, 2]
    assert any("“Series” holds several values" in w["message"] for w in report.warnings)


def test_open_sdg_needs_its_indicator(framework, sdg_indicator):
    with pytest.raises(imports.ImportFileError, match="Say which indicator"):
        importing.import_data(data(*OPEN_SDG), "data.csv", format="open-sdg", framework=framework)
    report = importing.import_data(
        data(*OPEN_SDG), "data.csv", format="open-sdg", framework=framework, indicator=sdg_indicator
    )
    assert report.written == 7


def test_import_queries_do_not_grow_with_rows(
    framework, count_indicator, town, django_assert_max_num_queries
):
    def rows(count):
        lines = [f"EDU1,L9999,{2000 + i // 4}-Q{i % 4 + 1},,{i}" for i in range(count)]
        return data("indicator,geography,period,sex,value", *lines)

    # Checking reads the indicators, the geography and the cells' current values once.
    with django_assert_max_num_queries(5) as few:
        assert run(rows(10), framework, dry_run=True).observations == 10
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert run(rows(400), framework, dry_run=True).observations == 400
    # Writing inserts in bulk: SQLite takes about 40 values a statement.
    with django_assert_max_num_queries(30):
        assert run(rows(400), framework).written == 400


# ---------------------------------------------------------------- the upload path of the pages


def upload(*lines):
    return ContentFile(data(*lines), name="values.csv")


def test_a_partner_uploads_its_values_submitted(
    framework, count_indicator, town, member, partner_org
):
    checked = importing.import_check_for(
        upload=upload(*GOOD), framework=framework, role=Role.PARTNER, partner=partner_org
    )
    assert not checked.problem
    assert len(checked.valid) == 3
    assert checked.rows[1].values["disaggregation"] == "sex=female"
    report = importing.import_apply(
        checked, framework=framework, by=member, role=Role.PARTNER, partner=partner_org
    )
    assert report.written == 3
    assert {(o.state, o.partner_id) for o in Observation.objects.all()} == {
        (State.SUBMITTED, partner_org.pk)
    }


def test_a_partner_cannot_write_the_backbones_values_or_approve(
    framework, count_indicator, town, member, partner_org
):
    checked = importing.import_check_for(upload=upload(*GOOD), framework=framework, role="partner")
    with pytest.raises(PermissionDenied):
        importing.import_apply(checked, framework=framework, by=member, role=Role.PARTNER)
    with pytest.raises(PermissionDenied):
        importing.import_apply(
            checked, framework=framework, by=member, role=Role.PARTNER, partner=partner_org,
            approve=True,
        )  # fmt: skip
    assert not Observation.objects.exists()


def test_a_partner_cannot_overwrite_another_partners_value(
    framework, count_indicator, town, record, owner, member, partner_org
):
    record(count_indicator, town, "2024-Q1", value=30)  # the backbone's own
    checked = importing.import_check_for(
        upload=upload(*GOOD), framework=framework, role=Role.PARTNER, partner=partner_org
    )
    assert checked.rows[0].errors == ["Another partner reports this value."]
    with pytest.raises(ValidationError, match=r"Row 2: Another partner reports this value\."):
        importing.import_apply(
            checked, framework=framework, by=member, role=Role.PARTNER, partner=partner_org
        )
    assert Observation.objects.count() == 1


def test_the_staged_wizard_runs_the_same_check(framework, count_indicator, town, rf, owner):
    table = importing.OBSERVATIONS_IMPORT.table(data(*GOOD), "values.csv")
    assert set(table.mapping) == {"indicator", "geography", "period", "value"}
    rows = importing.observations_check(table, framework=framework, role=Role.FACILITATOR)
    assert [row.errors for row in rows] == [[], [], []]
    with pytest.raises(ValidationError, match="period"):
        importing.observations_check(
            imports.Table("x.csv", ["indicator", "value"], [["EDU1", "1"]], {"indicator": 0,
                          "value": 1}),
            framework=framework,
        )  # fmt: skip


def test_the_entry_check_is_the_forms(count_indicator):
    """The import refuses what the form refuses, with the same words."""
    with pytest.raises(ValidationError) as form_error:
        entry_check(count_indicator, period="2024-Q1", value="N/A")
    report = importing.import_data(
        data("indicator,period,value", "EDU1,2024-Q1,N/A"),
        "v.csv",
        framework=count_indicator.framework,
    )
    assert report.errors[0]["message"] == form_error.value.messages[0]


def test_the_exports_open_sdg_file_imports_back(framework, count_indicator, town, record):
    from meshutaf.measurement import exports
    from meshutaf.measurement.permissions import Viewer

    record(count_indicator, town, "2024-Q1", value=30)
    record(count_indicator, town, "2024-Q1", key="sex=female", value=14)
    record(count_indicator, town, "2024-Q1", key="sex=male", value=16, status="estimated")
    viewer = Viewer(role=Role.FACILITATOR)
    content = exports.open_sdg_csv(viewer, framework, count_indicator).encode()
    name = exports.open_sdg_filename(count_indicator)
    assert name == "indicator_EDU1.csv"
    before = stored()
    report = importing.import_data(content, name, format="open-sdg", framework=framework)
    assert report.errors == []
    assert report.written == 3
    assert stored() == before
    assert Observation.objects.get(current=True, disaggregation="sex=male").status == "estimated"


def test_open_sdg_file_names():
    assert opensdg.indicator_codes_from_filename("indicator_1-2-1.csv") == ["1.2.1", "1-2-1"]
    assert opensdg.indicator_codes_from_filename("3-4-2.csv") == ["3.4.2", "3-4-2"]
    assert opensdg.indicator_codes_from_filename("indicator_EDU1.csv") == ["EDU1"]
    assert opensdg.indicator_codes_from_filename("values.csv") == []
    assert opensdg.code_slug("EDU 1.a") == "EDU-1-a"


def test_the_exports_csv_imports_back(
    framework, count_indicator, proportion_indicator, town, record
):
    from meshutaf.measurement import exports
    from meshutaf.measurement.permissions import Viewer

    record(count_indicator, town, "2024-Q1", key="sex=female", value=14)
    record(proportion_indicator, town, "2023", numerator=15, denominator=50)
    stream = io.StringIO()
    rows = exports.observation_rows(Viewer(role=Role.FACILITATOR), framework)
    exports.write_table(stream, file_format="csv", rows=rows, sheet_name="values")
    before = stored()
    report = run(stream.getvalue().encode(), framework)
    assert report.errors == []
    assert report.written == 2
    assert stored() == before
    assert "The column “marker” is not read." in [w["message"] for w in report.warnings]


def test_the_bulk_insert_writes_every_column_of_a_value():
    """`services.values._insert_many` bypasses the model: a new column must be added to its
    list."""
    columns = {field.name for field in Observation._meta.concrete_fields} - {"id"}
    assert columns == set(services.values._OBSERVATION_COLUMNS)
    event_columns = {field.name for field in ObservationEvent._meta.concrete_fields} - {"id"}
    assert event_columns == {"observation", "action", "by", "at", "note"}
