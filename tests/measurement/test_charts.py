"""The measurement charts (pure SVG): no line across a series break, accessible names, one
scale for small multiples, and numbers as people read them."""

import re

import pytest
from django.utils import translation

from meshutaf.measurement import charts


def _point(time, value, segment=1, **extra):
    return charts.ChartPoint(time=time, label=str(time), value=value, segment=segment, **extra)


def _polylines(svg: str) -> list[tuple[int, float, float, list[float]]]:
    """(segment, from, to, x coordinates) of each drawn line of the series."""
    found = []
    for match in re.finditer(r'<polyline class="series-line"([^>]*)>', svg):
        attributes = match.group(1)
        segment = int(re.search(r'data-segment="(\d+)"', attributes).group(1))
        start = re.search(r'data-from="([\d.]+)"', attributes)
        end = re.search(r'data-to="([\d.]+)"', attributes)
        points = re.search(r'points="([^"]+)"', attributes).group(1)
        xs = [float(pair.split(",")[0]) for pair in points.split()]
        found.append(
            (
                segment,
                float(start.group(1)) if start else 0.0,
                float(end.group(1)) if end else 0.0,
                xs,
            )
        )
    return found


def _break_xs(svg: str) -> list[float]:
    return [
        float(x)
        for x in re.findall(r'<g class="series-break"[^>]*><line x1="([\d.]+)"', svg)
        + re.findall(r'<line class="series-break" x1="([\d.]+)"', svg)
    ]


def test_runs_end_at_breaks_and_hidden_values():
    points = [
        _point(2020.0, 1),
        _point(2020.25, 2),
        _point(2020.5, None, hidden=True, marker="<10"),
        _point(2020.75, 4),
        _point(2021.0, 5),
        _point(2021.25, 6, segment=2),
        _point(2021.5, 7, segment=2),
    ]
    stretches = charts.runs(points)
    assert [[p.value for p in stretch] for stretch in stretches] == [[1, 2], [4, 5], [6, 7]]
    assert charts.break_times(points) == [(2021.125, 2)]


def test_no_line_segment_crosses_a_series_break():
    points = [_point(2020 + i / 4, 10 + i, segment=1 if i < 5 else 2) for i in range(10)]
    chart = charts.SeriesChart(points=points, baseline=11, target=(2024.0, 30))
    svg = charts.series_svg(
        chart, chart_id="c", title="Clubs", description="Ten values", formatter=str
    )
    lines = _polylines(svg)
    assert {segment for segment, *_ in lines} == {1, 2}
    (break_x,) = _break_xs(svg)
    for _segment, _start, _end, xs in lines:
        assert max(xs) < break_x or min(xs) > break_x
    spark = charts.sparkline_svg(
        [(p.time, p.value, p.segment) for p in points], chart_id="s", title="Clubs"
    )
    assert '<title id="s-title">Clubs</title>' in spark
    (spark_break,) = _break_xs(spark)
    for _segment, _start, _end, xs in _polylines(spark):
        assert max(xs) < spark_break or min(xs) > spark_break


def test_chart_is_an_image_with_title_and_description():
    chart = charts.SeriesChart(
        points=[_point(2020, 5, low=3, high=8), _point(2021, 6, hollow=True)],
        cone=[charts.ConePoint(2021, 6, 5, 7), charts.ConePoint(2023, 8, 4, 12)],
        judgement=(2023.0, 7.0),
        target=(2023.0, 10.0),
        target_label="Target <2022>",
    )
    svg = charts.series_svg(chart, chart_id="x", title="A & B", description="<desc>", formatter=str)
    assert 'role="img"' in svg
    assert 'aria-labelledby="x-title x-desc"' in svg
    assert '<title id="x-title">A &amp; B</title>' in svg
    assert "&lt;desc&gt;" in svg
    assert "Target &lt;2022&gt;" in svg
    assert 'direction="ltr"' in svg  # time runs left to right in Hebrew too
    assert 'class="forecast-cone"' in svg
    assert 'class="judgement-line"' in svg
    assert "judgement" in svg
    assert 'class="interval-bar"' in svg
    assert 'fill="#ffffff" stroke="#1f5f8b"' in svg  # the hollow (provisional) marker


def test_hidden_values_are_marked_not_drawn():
    chart = charts.SeriesChart(
        points=[_point(2020, 20), _point(2021, None, hidden=True, marker="<10"), _point(2022, 30)]
    )
    svg = charts.series_svg(chart, chart_id="h", title="t", description="d", formatter=str)
    assert 'class="hidden-value"' in svg
    assert "&lt;10" in svg
    assert not _polylines(svg)  # two separate single points: nothing to join


def test_small_multiples_share_a_scale():
    low_chart = charts.SeriesChart(points=[_point(2020, 1), _point(2021, 2)])
    high_chart = charts.SeriesChart(points=[_point(2020, 50), _point(2021, 90)])
    y_range = charts.nice_range(low_chart.values() + high_chart.values())
    drawn = [
        charts.series_svg(
            chart,
            chart_id=f"m{n}",
            title="t",
            description="d",
            formatter=lambda v: f"{v:g}",
            y_range=y_range,
            t_range=(2019.5, 2021.5),
            compact=True,
        )
        for n, chart in enumerate((low_chart, high_chart))
    ]
    ticks = [
        re.findall(r'text-anchor="end" font-size="\d+" fill="#4a5563">([^<]+)<', svg)
        for svg in drawn
    ]
    assert ticks[0] == ticks[1]
    assert ticks[0][0] == "0"
    assert float(ticks[0][-1]) >= 90


@pytest.mark.parametrize(
    ("values", "low", "high"),
    [([3, 97], 0, 100), ([0.2, 0.35], 0, 0.4), ([1001, 1009], 1000, 1010)],
)
def test_nice_range_holds_every_value(values, low, high):
    start, end, step = charts.nice_range(values)
    assert start <= min(values)
    assert end >= max(values)
    assert step > 0
    assert start == pytest.approx(low)
    assert end == pytest.approx(high)


def test_numbers_read_well():
    with translation.override("en"):
        assert charts.format_number(0.305, kind="proportion", decimals=1) == "30.5%"
        assert charts.format_number(1234.0, kind="count") == "1,234"
        assert charts.format_number(None, kind="count") == "—"
        assert charts.format_number(12.346, kind="rate", decimals=2) == "12.35"


def test_a_sparkline_is_not_drawn_through_a_hidden_value():
    spark = charts.sparkline_svg(
        [
            (2020.0, 5.0, 1),
            (2020.25, 6.0, 1),
            (2020.5, None, 1),
            (2020.75, 8.0, 1),
            (2021.0, 9.0, 1),
        ],
        chart_id="s",
        title="t",
    )
    assert [len(xs) for *_rest, xs in _polylines(spark)] == [2, 2]
    assert charts.sparkline_svg([(2020.0, None, 1)], chart_id="e", title="t") == ""


def test_the_baseline_is_drawn_over_its_own_definition_only():
    points = [_point(2020 + i, 10 + i, segment=1 if i < 3 else 2) for i in range(6)]
    svg = charts.series_svg(
        charts.SeriesChart(points=points, baseline=14, baseline_segment=2),
        chart_id="c",
        title="Clubs",
        description="Six values",
        formatter=str,
    )
    (break_x,) = _break_xs(svg)
    x1, x2 = (
        float(x)
        for x in re.search(
            r'<g class="chart-baseline"><line x1="([\d.]+)"[^>]*x2="([\d.]+)"', svg
        ).groups()
    )
    assert x1 == pytest.approx(break_x, abs=0.1)
    assert x2 > x1
    # Of segment 1, the line ends at the break.
    svg = charts.series_svg(
        charts.SeriesChart(points=points, baseline=11, baseline_segment=1),
        chart_id="c",
        title="Clubs",
        description="Six values",
        formatter=str,
    )
    end = float(re.search(r'<g class="chart-baseline"><line [^>]*x2="([\d.]+)"', svg).group(1))
    assert end == pytest.approx(break_x, abs=0.1)


def test_labels_sit_over_the_data_with_a_halo_and_the_baseline_in_the_margin():
    points = [_point(2020 + i, 10 + i, low=8 + i, high=12 + i) for i in range(4)]
    chart = charts.SeriesChart(
        points=points,
        baseline=10,
        target=(2026.0, 20),
        target_label="Target, end of 2025",
        cone=[charts.ConePoint(2023.0, 13, 12, 14), charts.ConePoint(2026.0, 16, 10, 22)],
    )
    with translation.override("en"):
        svg = charts.series_svg(
            chart, chart_id="c", title="Clubs", description="Four", formatter=str
        )
    labels = re.findall(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*paint-order="stroke">([^<]+)<', svg)
    by_text = {text: (float(x), float(y)) for x, y, text in labels}
    # Drawn after the values (on top), each with a white halo.
    assert svg.index("Target, end of 2025") > svg.rindex("<circle")
    # The baseline's label is in the right margin, right of every value and band.
    plot_right = max(float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg))
    assert by_text["Baseline"][0] > plot_right
    # The target's label is above the top of the forecast band where the band ends.
    band_top = min(
        float(pair.split(",")[1])
        for pair in re.search(r'<polygon points="([^"]+)" fill="#1f5f8b"', svg).group(1).split()
    )
    assert by_text["Target, end of 2025"][1] < band_top


def test_the_narrow_chart_fits_a_phone():
    points = [_point(2010 + i, i) for i in range(16)]
    svg = charts.series_svg(
        charts.SeriesChart(points=points),
        chart_id="c",
        title="Clubs",
        description="Sixteen",
        formatter=str,
        narrow=True,
    )
    assert 'viewBox="0 0 360 290"' in svg
    years = re.findall(r'text-anchor="middle" font-size="14"[^>]*>(\d{4})<', svg)
    assert 2 <= len(years) <= 5
