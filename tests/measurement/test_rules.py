"""Rules evaluated over one unit's cells, the same way for entry and for review."""

from meshutaf.measurement import rules

CODES = {"EDU1": 1}
CELLS = {
    (1, "2024-Q1", ""): {"value": 40},
    (1, "2024-Q1", "age=0-17|sex=female"): {"value": 18},
    (1, "2024-Q1", "age=0-17|sex=male"): {"value": 22},
    (1, "2023-Q4", ""): {"value": 20},
}


def check(left, operator, right, previous="2023-Q4"):
    return rules.check(
        operator,
        rules.parse(left),
        rules.parse(right),
        rules.cells_reader(CODES, CELLS),
        period="2024-Q1",
        previous_period=previous,
    )


def test_a_typed_key_finds_its_cell_in_any_order_or_spelling():
    assert check("EDU1[sex=female; age=0-17] + EDU1[age=0-17|sex=male]", "==", "EDU1") is True
    assert check("EDU1[sex=female|age=0-17]", ">", "20") is False


def test_change_compares_with_the_previous_period_and_needs_it():
    assert check("EDU1", "change", "50") is False  # 20 → 40 is +100%
    assert check("EDU1", "change", "100") is True
    assert check("EDU1", "change", "50", previous=None) is None


def test_a_missing_value_or_an_unknown_code_means_the_rule_does_not_apply():
    assert check("EDU1[sex=other]", "<=", "EDU1") is None
    assert check("WEL9", "==", "1") is None
