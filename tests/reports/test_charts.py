"""The stacked bar chart's geometry: inside its box, mirrored for right-to-left readers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meshutaf.reports import charts

SERIES = [("government", "Government"), ("business", "Business"), ("", "Not recorded")]


def test_bars_stack_from_the_baseline():
    chart = charts.stacked_bars(
        labels=["01/24", "02/24"], series=SERIES, values=[[2, 1, 0], [0, 0, 0]]
    )
    first, empty = chart["bars"]
    assert [segment["key"] for segment in first["segments"]] == ["government", "business"]
    government, business = first["segments"]
    assert government["y"] + government["height"] == pytest.approx(chart["baseline"], abs=0.2)
    assert business["y"] + business["height"] == pytest.approx(government["y"], abs=0.2)
    assert government["height"] == pytest.approx(2 * business["height"], abs=0.2)
    assert empty["segments"] == []
    assert empty["total"] == 0
    assert [tick["value"] for tick in chart["ticks"]] == [0, 1, 2, 3]
    assert chart["legend"][2] == {"key": "", "label": "Not recorded", "colour": "#3a3a3a"}


def test_right_to_left_mirrors_time_and_axis():
    values = [[1, 0, 0], [3, 0, 0]]
    ltr = charts.stacked_bars(labels=["a", "b"], series=SERIES, values=values)
    rtl = charts.stacked_bars(labels=["a", "b"], series=SERIES, values=values, rtl=True)
    assert ltr["bars"][0]["label_x"] < ltr["bars"][1]["label_x"]
    assert rtl["bars"][0]["label_x"] > rtl["bars"][1]["label_x"]
    assert ltr["bars"][0]["label_x"] == pytest.approx(ltr["width"] - rtl["bars"][0]["label_x"])
    assert ltr["axis_x"] < ltr["width"] / 2 < rtl["axis_x"]
    assert ltr["ticks"][0]["anchor"] == "end"
    assert rtl["ticks"][0]["anchor"] == "start"
    assert rtl["ticks"][0]["label_x"] > rtl["axis_x"]


def test_labels_are_thinned_when_crowded():
    labels = [f"Q{n % 4 + 1} {2000 + n // 4}" for n in range(100)]
    chart = charts.stacked_bars(labels=labels, series=SERIES, values=[[1, 1, 1]] * 100)
    shown = [bar for bar in chart["bars"] if bar["show_label"]]
    assert 2 <= len(shown) < 20
    assert chart["bars"][0]["show_label"]


def test_mismatched_values_are_refused():
    with pytest.raises(ValueError, match="one row per label"):
        charts.stacked_bars(labels=["a"], series=SERIES, values=[[1, 2]])


def test_every_colour_contrasts_with_the_page():
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in charts.SECTOR_COLOURS.values():
        assert 1.05 / (luminance(colour) + 0.05) >= 3, colour


@given(
    values=st.lists(
        st.lists(st.integers(min_value=0, max_value=10_000), min_size=3, max_size=3),
        min_size=1,
        max_size=120,
    ),
    rtl=st.booleans(),
)
def test_everything_stays_inside_the_box(values, rtl):
    labels = [f"{n:02d}/24" for n in range(len(values))]
    chart = charts.stacked_bars(labels=labels, series=SERIES, values=values, rtl=rtl)
    assert chart["top"] >= max(sum(row) for row in values)
    for bar, row in zip(chart["bars"], values, strict=True):
        assert bar["total"] == sum(row)
        stacked = sum(segment["height"] for segment in bar["segments"])
        assert stacked <= chart["baseline"] - chart["plot_top"] + 0.5
        for segment in bar["segments"]:
            assert segment["x"] >= 0
            assert segment["x"] + segment["width"] <= chart["width"]
            assert chart["plot_top"] - 0.5 <= segment["y"] <= chart["baseline"]
    assert chart["ticks"][0]["value"] == 0
    assert chart["ticks"][-1]["value"] == chart["top"]
