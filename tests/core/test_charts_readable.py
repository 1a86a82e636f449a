"""Every chart can be read (core/charts.py): each is drawn with a small data set in Hebrew and
English and its SVG parsed. Every label is at least 12 px as displayed (its font size times
the scale at the narrowest width the drawing is shown at), every label and mark lies inside
the frame, a chart of several colours has a legend, and the page carries a table with the
chart's values."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from meshutaf.core import charts as conventions
from meshutaf.deliberation import charts as opinion_charts
from meshutaf.deliberation import services as deliberation_services
from meshutaf.deliberation.results import OpinionGroup, OpinionMap, Position
from meshutaf.discourse import charts as discourse_charts
from meshutaf.measurement import charts as measurement_charts
from meshutaf.reports import charts as report_charts
from meshutaf.reports.render import summary_context
from meshutaf.reports.selectors import initiative_summary
from tests.conftest import client_for
from tests.deliberation.conftest import conversation, vote_all  # noqa: F401
from tests.measurement.conftest import count_indicator, framework, record, town  # noqa: F401
from tests.reports.conftest import FROM, TO, history  # noqa: F401

SVG = "{http://www.w3.org/2000/svg}"
LANGUAGES = ["he", "en"]
NEUTRAL = {"#ffffff", "#fff", "#f7f8fa", "none", "white"}

# ---------------------------------------------------------------- reading an SVG


def _number(value: str | None, default: float = 0.0) -> float:
    if value is None:
        return default
    match = re.match(r"-?[\d.]+", value.strip())
    return float(match.group(0)) if match else default


def _font_size(element: ET.Element) -> float:
    style = element.get("style", "")
    match = re.search(r"font-size:\s*([\d.]+)px", style)
    if match:
        return float(match.group(1))
    return _number(element.get("font-size"), 16.0)


def _points(text: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?[\d.]+", text)]
    return list(zip(numbers[::2], numbers[1::2], strict=False))


def _walk(element: ET.Element, transformed: bool = False):
    """Every element with whether a transform applies to it (a mirrored group: its
    coordinates are checked in its own space, which is the same frame mirrored)."""
    transformed = transformed or element.get("transform") is not None
    yield element, transformed
    for child in element:
        yield from _walk(child, transformed)


def svg_problems(svg: str) -> list[str]:
    """What is wrong with one chart: labels under 12 px as displayed, labels or marks
    outside the frame."""
    root = ET.fromstring(svg)  # noqa: S314 - our own charts, drawn in this test
    problems: list[str] = []
    _x0, _y0, width, height = (float(n) for n in root.get("viewBox").split())
    shown = root.get("data-min-display")
    has_words = any(e.tag.replace(SVG, "") == "text" for e in root.iter())
    if has_words and shown is None:
        problems.append("a chart with words says nothing of the width it is shown at")
    scale = float(shown) / width if shown else 1.0
    slack = 0.5

    def outside(x: float, y: float) -> bool:
        return not (-slack <= x <= width + slack and -slack <= y <= height + slack)

    for element, _transformed in _walk(root):
        tag = element.tag.replace(SVG, "")
        if tag == "text":
            text = "".join(element.itertext())
            size = _font_size(element)
            if size * scale < conventions.MIN_FONT - 0.01:
                problems.append(f"{text!r} is {size * scale:.1f} px as displayed")
            x = _number(element.get("x")) + _number(element.get("dx"))
            y = _number(element.get("y")) + _number(element.get("dy"))
            span = conventions.text_width(text, size)
            anchor = element.get("text-anchor", "start")
            start = {"start": x, "middle": x - span / 2, "end": x - span}[anchor]
            if start < -slack or start + span > width + slack:
                problems.append(f"{text!r} runs out of the frame sideways ({start:.0f}…)")
            if y - 0.75 * size < -slack or y + 0.25 * size > height + slack:
                problems.append(f"{text!r} runs out of the frame at the top or bottom")
        elif tag == "circle":
            cx, cy, r = (_number(element.get(a)) for a in ("cx", "cy", "r"))
            if outside(cx - r, cy - r) or outside(cx + r, cy + r):
                problems.append(f"a dot at {cx},{cy} is outside the frame")
        elif tag == "rect":
            x, y = _number(element.get("x")), _number(element.get("y"))
            w, h = _number(element.get("width")), _number(element.get("height"))
            if outside(x, y) or outside(x + w, y + h):
                problems.append(f"a bar at {x},{y} is outside the frame")
        elif tag == "line":
            for a, b in (("x1", "y1"), ("x2", "y2")):
                if outside(_number(element.get(a)), _number(element.get(b))):
                    problems.append("a line leaves the frame")
        elif tag in ("polygon", "polyline") and any(
            outside(x, y) for x, y in _points(element.get("points", ""))
        ):
            problems.append(f"a {tag} leaves the frame")
    return problems


def colours(svg: str) -> set[str]:
    """The colours the marks are told apart by (not greys, ink or the page)."""
    found = set()
    for value in re.findall(r'(?:fill|stroke)="(#[0-9a-fA-F]{3,6})"', svg):
        value = value.lower()
        channels = [int(value[i : i + 2], 16) for i in (1, 3, 5)] if len(value) == 7 else [0]
        if value in NEUTRAL or max(channels) - min(channels) < 24:
            continue  # a grey
        found.add(value)
    return found


def svgs_in(html: str) -> list[str]:
    return re.findall(r"<svg\b[^>]*\bviewBox=.*?</svg>", html, re.S)


class _Tables(HTMLParser):
    """The text of every <table> in a page."""

    def __init__(self):
        super().__init__()
        self.tables: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append("")

    def handle_endtag(self, tag):
        if tag == "table":
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.tables[-1] += " " + data


def table_text(html: str) -> str:
    parser = _Tables()
    parser.feed(html)
    return " ".join(" ".join(parser.tables).split())


# ---------------------------------------------------------------- the charts, drawn


def _measurement_chart() -> measurement_charts.SeriesChart:
    points = [
        measurement_charts.ChartPoint(
            time=2016 + i / 4,
            label=f"{2016 + i // 4}-Q{i % 4 + 1}",
            value=None if i == 5 else 1234.5 + 300 * i,
            low=1100.0 + 300 * i,
            high=1400.0 + 300 * i,
            segment=1 if i < 8 else 2,
            hidden=i == 5,
            marker="<10" if i == 5 else "",
            hollow=i == 11,
        )
        for i in range(12)
    ]
    return measurement_charts.SeriesChart(
        points=points,
        baseline=1234.5,
        baseline_segment=2,
        target=(2020.0, 9000.0),
        target_label="Target 2020",
        cone=[
            measurement_charts.ConePoint(2018.75, 4534.5, 4000.0, 5000.0),
            measurement_charts.ConePoint(2020.0, 6000.0, 4500.0, 7600.0),
        ],
        judgement=(2020.0, 5200.0),
    )


def measurement_svgs() -> list[str]:
    chart = _measurement_chart()
    drawn = []
    for kind in ("wide", "narrow", "compact"):
        drawn.append(
            measurement_charts.series_svg(
                chart,
                chart_id=f"m-{kind}",
                title="t",
                description="d",
                formatter=lambda v: measurement_charts.format_number(v, kind="count"),
                narrow=kind == "narrow",
                compact=kind == "compact",
            )
        )
    return drawn


def discourse_svgs() -> list[str]:
    labels = [f"2025-{month:02d}" for month in range(1, 13)]
    series = [
        discourse_charts.Series(
            label=name,
            points=[
                discourse_charts.Point(0.1 + 0.02 * i + 0.1 * s, 0.05 + 0.02 * i, 0.3 + 0.02 * i)
                for i in range(12)
            ],
        )
        for s, name in enumerate(["תל אביב", "Haifa", "الناصرة"])
    ]
    return [
        discourse_charts.trend_svg(
            x_labels=labels,
            series=series if layout is not discourse_charts.SMALL else series[1:2],
            percent=True,
            title="t",
            description="d",
            layout=layout,
            title_id=f"trend-{n}",
            first_style=1 if layout is discourse_charts.SMALL else 0,
        )
        for n, layout in enumerate(
            (discourse_charts.WIDE, discourse_charts.NARROW, discourse_charts.SMALL)
        )
    ]


def _opinion_map() -> OpinionMap:
    positions = {
        pid: Position(x=(pid % 7) - 3.0, y=(pid % 5) - 2.0, group=None if pid > 18 else pid % 2)
        for pid in range(1, 21)
    }
    return dataclasses.replace(
        OpinionMap.empty(),
        positions=positions,
        groups=(
            OpinionGroup(id=0, size=9, center=(3.0, -2.0)),
            OpinionGroup(id=1, size=9, center=(-3.0, 2.0)),
        ),
        n_participants=20,
        n_clustered=18,
    )


def opinion_svgs() -> list[str]:
    result = _opinion_map()
    # "You" at the top-right corner: its label must stay inside the frame.
    return [
        opinion_charts.opinion_map_svg(result, me=3, narrow=narrow, title_id=f"map-{narrow}")
        for narrow in (False, True)
    ]


def report_svgs(rtl: bool) -> list[str]:
    labels = [f"{month:02d}/24" for month in range(1, 13)]
    series = [("government", "Government"), ("business", "Business"), ("", "Not recorded")]
    values = [[120 + i, 30 * (i % 3), 5] for i in range(12)]
    drawn = []
    for width, variant in ((report_charts.WIDTH, "wide"), (report_charts.NARROW_WIDTH, "narrow")):
        chart = report_charts.stacked_bars(
            labels=labels, series=series, values=values, rtl=rtl, width=width
        )
        html = render_to_string(
            "reports/_attendance_chart.html",
            {"drawing": chart, "variant": variant, "summary": None},
        )
        drawn.extend(svgs_in(html))
    return drawn


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["measurement", "discourse", "opinion", "report"])
def test_every_chart_is_readable_and_inside_its_frame(name, language):
    with translation.override(language):
        drawn = {
            "measurement": measurement_svgs,
            "discourse": discourse_svgs,
            "opinion": opinion_svgs,
            "report": lambda: report_svgs(rtl=language == "he"),
        }[name]()
    assert drawn
    assert all(drawn)
    for svg in drawn:
        assert svg_problems(svg) == [], svg[:300]


def test_the_checker_catches_what_it_should():
    small = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 100" data-min-display="360">'
        '<text x="10" y="50" font-size="14">tick</text></svg>'
    )
    assert any("px as displayed" in p for p in svg_problems(small))
    outside = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" data-min-display="100">'
        '<text x="95" y="50" font-size="14">Baseline</text><circle cx="99" cy="5" r="4"/>'
        "</svg>"
    )
    problems = svg_problems(outside)
    assert any("sideways" in p for p in problems)
    assert any("dot" in p for p in problems)


def test_type_is_sized_for_the_narrowest_display():
    assert conventions.font_for(720, 620) * 620 / 720 >= 12
    assert conventions.font_for(360, 320) * 320 / 360 >= 12
    assert conventions.fit_x(718, "Baseline", 14, "start", 720) + 8 * 14 * 0.6 <= 720


def test_palette_contrasts_with_the_page():
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in conventions.PALETTE + discourse_charts.COLOURS:
        assert 1.05 / (luminance(colour) + 0.05) >= 3, colour


# ---------------------------------------------------------------- the charts, on their pages


def _page_checks(html: str, values: list[str]) -> None:
    drawn = svgs_in(html)
    charts_drawn = [svg for svg in drawn if "data-min-display" in svg]
    assert charts_drawn
    for svg in charts_drawn:
        assert svg_problems(svg) == [], svg[:300]
        if len(colours(svg)) >= 2:
            assert re.search(r'class="[^"]*(chart-key|chart-legend|report-legend)', html)
    text = table_text(html)
    for value in values:
        assert value in text, value


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_indicator_page(owner, count_indicator, town, record, language):  # noqa: F811
    for year, female, male in ((2024, 40, 35), (2025, 52, 47)):
        for quarter in (1, 2):
            period = f"{year}-Q{quarter}"
            record(count_indicator, town, period, value=female + male + quarter)
            record(count_indicator, town, period, key="sex=female", value=female + quarter)
            record(count_indicator, town, period, key="sex=male", value=male)
    client = client_for(owner)
    client.cookies["django_language"] = language
    html = client.get(
        reverse("measurement:indicator", args=[count_indicator.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    _page_checks(html, ["2024-Q1", "76", "2025-Q2", "101"])


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_report_page_and_its_print_document(history, owner, language):  # noqa: F811
    with translation.override(language):
        context = summary_context(
            initiative_summary(initiative=history.initiative, date_from=FROM, date_to=TO)
        )
        html = render_to_string("reports/_summary.html", context)
    _page_checks(html, [str(context["summary"].attendance_total)])
    chart = context["chart"]
    assert chart["legend"]
    assert 'class="report-legend' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_opinion_map_page(
    conversation,  # noqa: F811
    owner,
    language,
    django_capture_on_commit_callbacks,
):
    participants = [
        deliberation_services.participant_create(conversation=conversation) for _ in range(12)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        vote_all(conversation, participants, [[1, 1, -1, -1]] * 6 + [[-1, -1, 1, 1]] * 6)
    client = client_for(owner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    html = client.get(reverse("deliberation:results", args=[conversation.pk])).content.decode()
    # Two groups of six: the table beside the map says so.
    _page_checks(html, ["6"])
    assert 'class="chart-data"' in html
    assert "<summary>" in html
