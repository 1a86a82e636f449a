"""`meshutaf measurement progress`: the JSON contract, the summary, and bad input that ends with
a message and exit code 2."""

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
