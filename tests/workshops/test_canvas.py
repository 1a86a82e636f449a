import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from meshutaf.workshops import canvas
from meshutaf.workshops.builtin import BUILTIN_TEMPLATES


def test_builtin_templates_are_valid_and_stable():
    keys = [spec["key"] for spec in BUILTIN_TEMPLATES]
    assert keys == [
        "price-opportunity",
        "unique-value",
        "pitfalls-springboards",
        "advancing-issue",
        "blank",
    ]
    for spec in BUILTIN_TEMPLATES:
        assert canvas.normalize_schema(spec["schema"]) == spec["schema"]
    matrix = canvas.sections(BUILTIN_TEMPLATES[0]["schema"])[0]
    assert matrix.is_grid
    assert [row.key for row in matrix.rows] == ["organisation", "move"]
    assert [column.key for column in matrix.columns] == ["price", "opportunity"]
    assert len(matrix.cells()) == 4


def test_keys_are_filled_in_and_text_trimmed():
    schema = canvas.normalize_schema(
        [
            {
                "title": "  Price   and opportunity ",
                "kind": "grid",
                "rows": ["A", "B"],
                "columns": [{"label": "X"}],
            },
            {"title": "Notes"},
        ]
    )
    first, second = schema["sections"]
    assert first["key"] == "section-1"
    assert first["title"] == "Price and opportunity"
    assert [row["key"] for row in first["rows"]] == ["row-1", "row-2"]
    assert first["columns"] == [{"key": "column-1", "label": "X"}]
    assert second["kind"] == "list"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({}, "list of “sections”"),
        ({"sections": []}, "at least one section"),
        ([{"kind": "list"}], "Section 1 is missing"),
        ([{"title": "A", "kind": "table"}], "“list” or “grid”"),
        ([{"title": "A", "kind": "grid", "rows": ["r"]}], "at least one row and one column"),
        ([{"title": "A", "kind": "list", "rows": ["r"]}], "is a list"),
        ([{"title": "A", "key": "Bad Key"}], "lowercase Latin"),
        ([{"title": "A", "key": "a"}, {"title": "B", "key": "a"}], "used twice"),
        (
            [
                {
                    "title": "A",
                    "kind": "grid",
                    "rows": ["r", {"key": "row-1", "label": "s"}],
                    "columns": ["c"],
                }
            ],
            "used twice",
        ),
        ([{"title": "A" * 201}], "longer than 200"),
        ([{"title": "A", "kind": "grid", "rows": ["r"] * 9, "columns": ["c"]}], "at most 8 rows"),
        ([{"title": str(n)} for n in range(13)], "at most 12 sections"),
        (
            [{"title": "A", "kind": "grid", "rows": [{"key": "r"}], "columns": ["c"]}],
            "row 1 is missing",
        ),
    ],
)
def test_bad_schemas_say_what_to_fix(value, message):
    with pytest.raises(ValidationError) as error:
        canvas.normalize_schema(value)
    assert message in " ".join(error.value.messages)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(["sections", "title", "kind", "rows", "columns", "key", "label"]),
                inner,
                max_size=5,
            )
        ),
        max_leaves=20,
    )
)
def test_any_json_is_either_accepted_or_refused_cleanly(value):
    try:
        result = canvas.normalize_schema(value)
    except ValidationError:
        return
    assert canvas.normalize_schema(result) == result
