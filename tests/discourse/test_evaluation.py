"""The `evaluate` engine: its output contract on the fixtures, and every refusal."""

import csv
import json
from pathlib import Path

import pytest

from meshutaf.discourse.evaluation import EvaluationError, evaluate

FIXTURES = Path(__file__).parent / "fixtures"
TRAIN, TEST = FIXTURES / "labelled_train.csv", FIXTURES / "labelled_test.csv"
OPTIONS = {"text_column": "text", "label_column": "label", "positive": "toxic"}


def rows_of(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def write(path: Path, rows: list[dict], *, delimiter: str = ",", bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def evaluated():
    return evaluate(TRAIN, TEST, audit_size=100, seed=0, **OPTIONS)


def test_the_contract(evaluated):
    assert set(evaluated) == {
        "n_train",
        "n_test",
        "macro_f1",
        "roc_auc",
        "brier",
        "calibration_error",
        "train_seconds",
        "texts_per_second",
        "prevalence",
    }
    assert set(evaluated["prevalence"]) == {
        "true",
        "classify_and_count",
        "estimated",
        "ci_low",
        "ci_high",
    }
    assert evaluated["n_train"] == 400
    assert evaluated["n_test"] == 300
    assert type(evaluated["n_train"]) is int
    assert type(evaluated["n_test"]) is int
    for name in ("macro_f1", "roc_auc", "brier", "calibration_error", "train_seconds"):
        assert type(evaluated[name]) is float
    assert all(type(value) is float for value in evaluated["prevalence"].values())
    json.dumps(evaluated, allow_nan=False)


def test_sensible_figures(evaluated):
    assert 0.6 < evaluated["macro_f1"] <= 1.0
    assert 0.65 < evaluated["roc_auc"] <= 1.0
    assert 0.0 < evaluated["brier"] < 0.25
    assert 0.0 <= evaluated["calibration_error"] < 0.2
    assert evaluated["train_seconds"] > 0
    assert evaluated["texts_per_second"] > 100
    prevalence = evaluated["prevalence"]
    truth = sum(row["label"] == "toxic" for row in rows_of(TEST)) / 300
    assert prevalence["true"] == pytest.approx(truth, abs=1e-4)
    assert prevalence["ci_low"] <= prevalence["true"] <= prevalence["ci_high"]
    assert prevalence["ci_low"] <= prevalence["estimated"] <= prevalence["ci_high"]
    assert 0.0 <= prevalence["classify_and_count"] <= 1.0


def test_seeded(evaluated):
    again = evaluate(TRAIN, TEST, audit_size=100, seed=0, **OPTIONS)
    for name in ("n_train", "macro_f1", "roc_auc", "brier", "prevalence"):
        assert again[name] == evaluated[name]


def test_delimiters_bom_case_and_numeric_labels(tmp_path):
    train_rows = [
        {"body": row["text"], "y": "1.0" if row["label"] == "toxic" else "0"}
        for row in rows_of(TRAIN)
    ]
    test_rows = [
        {"y": "1" if row["label"] == "toxic" else "0.0", "body": row["text"]}
        for row in rows_of(TEST)
    ]
    train_path = write(tmp_path / "train.csv", train_rows, delimiter=";", bom=True)
    test_path = write(tmp_path / "test.tsv", test_rows, delimiter="\t")
    found = evaluate(
        train_path, test_path, text_column="body", label_column="y", positive="1", audit_size=50
    )
    assert found["n_train"] == 400
    assert found["prevalence"]["true"] == pytest.approx(82 / 300, abs=1e-4)
    upper = [{**row, "label": row["label"].upper()} for row in rows_of(TRAIN)]
    found = evaluate(write(tmp_path / "upper.csv", upper), TEST, audit_size=50, **OPTIONS)
    assert found["n_train"] == 400


def test_rows_without_text_or_label_are_skipped(tmp_path):
    rows = rows_of(TRAIN)
    rows[0]["text"] = "   "
    rows[1]["label"] = ""
    huge = {"text": "מילה " * 40_000, "label": "ok", "language": "he"}  # past csv's 128 KiB
    path = write(tmp_path / "train.csv", [*rows, huge])
    found = evaluate(path, TEST, audit_size=50, **OPTIONS)
    assert found["n_train"] == 399


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.csv", "does not exist"),
        (lambda d: d, "does not exist"),  # a directory
        (lambda d: _bytes(d, b""), "is empty"),
        (lambda d: _bytes(d, "text,label\nשלום,ok\n".encode("cp1255")), "not UTF-8"),
        (lambda d: _bytes(d, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "not a text CSV"),
        (lambda d: _bytes(d, b"body,category\nhello,ok\n"), "no column text, label"),
        (lambda d: _bytes(d, b"text,label\n"), "no row with both"),
        (lambda d: _bytes(d, b"text,label\n,ok\n  ,toxic\n"), "no row with both"),
        (lambda d: _bytes(d, b"text,label\n" + b"hello,ok\n" * 10), "10 usable rows"),
    ],
)
def test_bad_train_files(tmp_path, make, message):
    with pytest.raises(EvaluationError, match=message):
        evaluate(make(tmp_path), TEST, **OPTIONS)


def _bytes(directory: Path, content: bytes) -> Path:
    path = directory / "input.csv"
    path.write_bytes(content)
    return path


def test_missing_column_names_the_columns(tmp_path):
    path = _bytes(tmp_path, b"text;category;language\nhello;ok;en\n")
    with pytest.raises(EvaluationError, match="text, category, language"):
        evaluate(path, TEST, **OPTIONS)


def test_one_class_in_training_is_refused(tmp_path):
    only_ok = [row for row in rows_of(TRAIN) if row["label"] == "ok"]
    with pytest.raises(EvaluationError, match="at least 5 rows labelled toxic"):
        evaluate(write(tmp_path / "ok.csv", only_ok), TEST, **OPTIONS)
    with pytest.raises(EvaluationError, match="it has 0 and"):
        evaluate(TRAIN, TEST, text_column="text", label_column="label", positive="hateful")


@pytest.mark.parametrize("audit_size", [0, 1, 300, 1_000])
def test_audit_size_must_fit_the_test_file(audit_size):
    with pytest.raises(EvaluationError, match="audit size"):
        evaluate(TRAIN, TEST, audit_size=audit_size, **OPTIONS)
