"""`meshutaf measurement progress`, `import` and `geography`: the JSON contracts, the summaries,
and bad input that ends with a message and exit code 2 (a file that cannot be read) or 1 (an
import refused for its rows)."""

import json

import pytest

from meshutaf import cli
from meshutaf.measurement.commands import period_time
from meshutaf.measurement.progress import Point, assess

VALUES = [10, 11.2, 11.8, 13.1, 14.2, 14.8, 16.1, 17.0, 18.2, 19.1]  # 2015..2024


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("MESHUTAF_LANGUAGE", "en")


def write(tmp_path, lines, name="series.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def progress(path, *extra):
    return cli.main(
        ["measurement", "progress", "--series", path, "--baseline-year", "2015",
         "--target-year", "2030", *extra]
    )  # fmt: skip


def test_json_contract(tmp_path, capsys):
    path = write(tmp_path, ["period,value"] + [f"{2015 + i},{v}" for i, v in enumerate(VALUES)])
    assert progress(path, "--target", "24", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"current_status", "anticipated", "verdict", "turned"}
    assert set(result["anticipated"]) == {"value", "low", "high", "year"}
    expected = assess(
        [Point(time=2015.0 + i, value=v) for i, v in enumerate(VALUES)],
        baseline=10, target=24, target_time=2030.0,
    )  # fmt: skip
    assert expected.anticipated is not None
    assert result["current_status"] == pytest.approx((19.1 - 10) / 14)
    assert result["anticipated"]["value"] == pytest.approx(expected.anticipated.value)
    assert (
        result["anticipated"]["low"]
        < result["anticipated"]["value"]
        < result["anticipated"]["high"]
    )
    assert result["anticipated"]["year"] == 2030
    assert result["verdict"] == expected.verdict == "on_track"
    # Only the baseline year forms the baseline period: 9 points after it, all above 10.
    assert result["turned"] is True


def test_direction_down_without_header_and_quarters(tmp_path, capsys):
    lines = [
        f"{2015 + i // 4}-Q{i % 4 + 1},{40 - 0.1 * i + (0.3 if i % 2 else -0.3)}" for i in range(24)
    ]
    path = write(tmp_path, lines)
    assert progress(path, "--target", "20", "--direction", "down", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["verdict"] == "needs_acceleration"
    assert 0 < result["current_status"] < 1


def test_dates_and_too_early_to_tell(tmp_path, capsys):
    path = write(tmp_path, ["2015-03-01;10", "2016-03-01;12", "2017-03-01;13"])
    assert progress(path, "--target", "30", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["turned"] is None
    assert result["verdict"] == "uncertain"


def test_insufficient_data(tmp_path, capsys):
    path = write(tmp_path, ["2015,10", "2016,12"])
    assert progress(path, "--target", "30", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["verdict"] == "insufficient_data"
    assert result["anticipated"] == {"value": None, "low": None, "high": None, "year": 2030}


def test_summary_in_the_terminal_language(tmp_path, capsys):
    path = write(tmp_path, [f"{2015 + i},{v}" for i, v in enumerate(VALUES)])
    assert progress(path, "--target", "24") == 0
    out = capsys.readouterr().out
    assert "Current status: 65% of the required progress made since 2015." in out
    assert "Anticipated in 2030:" in out
    assert "Verdict: on track." in out
    assert "Curve turned: yes." in out


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["2015,10", "2016,N/A", "2017,12"], "Row 2: the value 'N/A' is not a number."),
        (["period,value", "2015,10", "2016,see description"], "Row 3"),
        (["2015,10", "last year,11"], "is not a year"),
        (["2015,10", "2015,11"], "appears twice"),
        (["2016,10", "2017,11", "2018,12"], "no value in the baseline year 2015"),
        (["2015,40", "2016,41", "2017,42"], "The target must be better than the baseline (40)"),
    ],
)
def test_bad_series_exit_2(tmp_path, capsys, lines, message):
    assert progress(write(tmp_path, lines), "--target", "30", "--json") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_unreadable_file_exits_2(tmp_path, capsys):
    assert progress(str(tmp_path / "missing.csv"), "--target", "30") == 2
    assert "Cannot read" in capsys.readouterr().err
    big = tmp_path / "big.csv"
    big.write_bytes(b"2015,1\n" * 800_000)
    assert progress(str(big), "--target", "30") == 2
    assert "larger than 5 MB" in capsys.readouterr().err


def test_bad_arguments_exit_2(tmp_path, capsys):
    path = write(tmp_path, ["2015,10", "2016,12", "2017,13"])
    with pytest.raises(SystemExit) as exit_:
        progress(path, "--target", "30", "--direction", "sideways")
    assert exit_.value.code == 2
    assert "sideways" in capsys.readouterr().err
    assert cli.main(
        ["measurement", "progress", "--series", path, "--baseline-year", "2030",
         "--target-year", "2020", "--target", "30"]
    ) == 2  # fmt: skip
    assert "before the target year" in capsys.readouterr().err
    assert progress(path, "--target", "nan") == 2
    assert "The target must be a number." in capsys.readouterr().err


def test_help_lists_the_command(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "measurement" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["measurement", "progress", "--help"])
    out = capsys.readouterr().out
    assert "--baseline-year" in out
    assert "--direction" in out


def test_periods():
    assert period_time("2021") == 2021.0
    assert period_time("2021-Q3") == 2021.5
    assert period_time("2021q2") == 2021.25
    assert period_time("2021-07-02") == pytest.approx(2021 + 182 / 365)
    assert period_time("2021-02-30") is None
    assert period_time("N/A") is None


# ---------------------------------------------------------------- measurement import


IMPORT_KEYS = {"rows", "observations", "written", "conflicts", "errors"}
GOOD_ROWS = [
    "indicator,geography,period,sex,value",
    "EDU1,L9999,2024-Q1,,30",
    "EDU1,L9999,2024-Q1,female,14",
    "EDU1,L9999,2024-Q1,male,16",
]


def measurement_import(path, *extra):
    return cli.main(["measurement", "import", path, *extra])


def test_import_json_contract(tmp_path, capsys, framework, count_indicator, initiative):
    from meshutaf.measurement.models import Observation

    path = write(tmp_path, GOOD_ROWS)
    code = measurement_import(path, "--format", "csv", "--initiative", str(initiative.pk), "--json")
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result == {"rows": 3, "observations": 3, "written": 3, "conflicts": [], "errors": []}
    assert set(result) == IMPORT_KEYS
    assert Observation.objects.filter(current=True, state="draft").count() == 3


def test_import_refuses_bad_rows_and_conflicts_in_json(
    tmp_path, capsys, framework, count_indicator, initiative
):
    from meshutaf.measurement.models import Observation

    path = write(tmp_path, [*GOOD_ROWS, "EDU1,L9999,2024-Q1,female,15", "EDU1,L9999,2024-Q2,,N/A"])
    args = (path, "--format", "csv", "--initiative", str(initiative.pk), "--json")
    assert measurement_import(*args) == 1
    result = json.loads(capsys.readouterr().out)
    assert set(result) == IMPORT_KEYS
    assert result["written"] == 0
    assert result["rows"] == 5
    assert result["errors"] == [{"row": 6, "message": "The value must be a number, not “N/A”."}]
    assert result["conflicts"] == [
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
    assert not Observation.objects.exists()
    # With --skip-bad the two good rows go in; the conflict's and the bad row stay out.
    assert measurement_import(*args, "--skip-bad") == 0
    assert json.loads(capsys.readouterr().out)["written"] == 2
    assert Observation.objects.count() == 2


def test_import_dry_run_needs_no_initiative_and_writes_nothing(tmp_path, capsys, db):
    from meshutaf.measurement.models import Observation

    path = write(tmp_path, [*GOOD_ROWS, "EDU1,L9999,2024-Q1,female,14"])
    assert measurement_import(path, "--format", "csv", "--dry-run", "--json") == 0
    out = capsys.readouterr()
    result = json.loads(out.out)
    assert result == {"rows": 4, "observations": 3, "written": 0, "conflicts": [], "errors": []}
    assert "repeats row 3" in out.err  # warnings go to standard error, the JSON stays exact
    assert not Observation.objects.exists()
    bad = write(tmp_path, ["period,value", "2024,see description"], name="bad.csv")
    assert measurement_import(bad, "--dry-run", "--json") == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["row"] == 2


def test_import_dry_run_against_the_framework(
    tmp_path, capsys, framework, count_indicator, initiative
):
    from meshutaf.measurement.models import Observation

    path = write(tmp_path, ["period,value,sex", "2024-Q1,3,other"])
    args = ("--initiative", str(initiative.pk), "--indicator", "EDU1", "--dry-run", "--json")
    assert measurement_import(path, *args) == 1
    result = json.loads(capsys.readouterr().out)
    assert "“other” is not a value of sex" in result["errors"][0]["message"]
    assert not Observation.objects.exists()


def test_import_of_a_file_that_cannot_be_read_exits_2(tmp_path, capsys, db):
    assert measurement_import(str(tmp_path / "nowhere.csv"), "--dry-run", "--json") == 2
    assert "Cannot read" in capsys.readouterr().err
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    assert measurement_import(str(old), "--format", "csv", "--dry-run") == 2
    assert "old Excel file" in capsys.readouterr().err
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert measurement_import(str(broken), "--format", "xlsx", "--dry-run", "--json") == 2
    assert capsys.readouterr().out == ""
    empty = write(tmp_path, ["indicator,period"], name="empty.csv")
    assert measurement_import(empty, "--dry-run") == 2


def test_import_asks_where_to_write(tmp_path, capsys, framework, count_indicator, initiative):
    path = write(tmp_path, GOOD_ROWS)
    assert measurement_import(path, "--format", "csv") == 2
    assert "--initiative" in capsys.readouterr().err
    assert measurement_import(path, "--initiative", str(initiative.pk), "--indicator", "NO") == 2
    assert "No indicator of this framework has the code NO." in capsys.readouterr().err


def test_import_as_a_user_must_facilitate(
    tmp_path, capsys, framework, count_indicator, initiative, member, outsider, owner
):
    from meshutaf.measurement.models import Observation

    path = write(tmp_path, GOOD_ROWS)
    for name in ("member", "outsider"):
        assert measurement_import(path, "--initiative", str(initiative.pk), "--as", name) == 2
        assert "does not facilitate" in capsys.readouterr().err
    assert not Observation.objects.exists()
    assert measurement_import(path, "--initiative", str(initiative.pk), "--as", "owner") == 0
    assert set(Observation.objects.values_list("created_by", flat=True)) == {owner.pk}


def test_import_approve_and_partner(
    tmp_path, capsys, framework, count_indicator, initiative, partner_org
):
    from meshutaf.measurement.models import Observation

    path = write(tmp_path, GOOD_ROWS)
    args = (path, "--initiative", str(initiative.pk), "--partner", str(partner_org.pk))
    assert measurement_import(*args) == 0
    assert "3 written" in capsys.readouterr().out
    assert {(o.state, o.partner_id) for o in Observation.objects.all()} == {
        ("submitted", partner_org.pk)
    }
    assert measurement_import(*args, "--approve") == 0
    assert set(Observation.objects.filter(current=True).values_list("state", flat=True)) == {
        "approved"
    }


def test_import_with_several_frameworks_needs_one(
    tmp_path, capsys, framework, count_indicator, initiative, owner
):
    from meshutaf.measurement import services

    other = services.framework_create(initiative=initiative, by=owner, name="עוד מסגרת")
    path = write(tmp_path, GOOD_ROWS)
    assert measurement_import(path, "--initiative", str(initiative.pk)) == 2
    assert "--framework" in capsys.readouterr().err
    assert measurement_import(path, "--framework", str(other.pk), "--json") == 1
    assert "No indicator of this framework" in capsys.readouterr().out
    assert measurement_import(path, "--framework", str(framework.pk), "--json") == 0


def test_import_open_sdg(tmp_path, capsys, framework, count_indicator, initiative):
    path = write(
        tmp_path,
        [
            "Year,Sex,Units,Series,Observation status,GeoCode,Value",
            "2024-Q1,,Number,,A,,30",
            "2024-Q1,Female,Number,,E,,14",
            "2024-Q1,Male,Number,,A,L9999-1,9",
        ],
        name="edu.csv",
    )
    args = ("--format", "open-sdg", "--initiative", str(initiative.pk), "--json")
    assert measurement_import(path, *args, "--indicator", "EDU1") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["written"] == 3
    assert result["errors"] == []
    assert measurement_import(path, *args) == 2  # which indicator? its name does not say
    assert "Say which indicator" in capsys.readouterr().err


# ---------------------------------------------------------------- measurement geography


def test_geography_command(tmp_path, capsys, db):
    path = write(
        tmp_path,
        [
            "id,name,name_en,district_id,district_name,sub_district_id,sub_district_name,"
            "municipal_status_id,municipal_status_name,population",
            "7001,כפר אלון,Kfar Alon,2,הצפון,24,עכו,99,מועצה מקומית,7881",
            "7002,נווה ים,Neve Yam,2,הצפון,24,עכו,56,מועצה אזורית,1204",
        ],
        name="localities.csv",
    )
    assert cli.main(["measurement", "geography", path, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result == {
        "country": 1,
        "districts": 1,
        "sub_districts": 1,
        "localities": 2,
        "created": 5,
        "updated": 0,
        "unchanged": 0,
    }
    assert cli.main(["measurement", "geography", path]) == 0
    assert "0 created, 0 updated, 5 unchanged" in capsys.readouterr().out
    assert cli.main(["measurement", "geography", str(tmp_path / "none.csv")]) == 2
    assert "Cannot read" in capsys.readouterr().err
