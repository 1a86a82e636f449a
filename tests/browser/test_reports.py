"""The summary report page in real Chromium, in Hebrew (RTL) and English, with axe."""

import datetime
import re

import pytest

from meshutaf.reports.render import render_html
from meshutaf.reports.selectors import initiative_summary
from tests.factories import PASSWORD
from tests.reports.factories import (
    ActionFactory,
    AttendanceFactory,
    InsightFactory,
    MeetingFactory,
    OutcomeFactory,
    local,
)

from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.fixture
def roundtable(initiative):
    sectors = ["government", "local_authority", "civil_society", "business", "academia", ""]
    for month in range(1, 13):
        meeting = MeetingFactory(
            initiative=initiative, title=f"מפגש {month}", starts_at=local(2024, month, 10)
        )
        for index, sector in enumerate(sectors):
            for _ in range((month + index) % 4):
                AttendanceFactory(meeting=meeting, sector=sector)
        OutcomeFactory(meeting=meeting, text=f"החלטה מספר {month}")
        ActionFactory(
            meeting=meeting, text=f"משימה {month}", due_date=datetime.date(2024, month, 28)
        )
    InsightFactory(
        initiative=initiative,
        title="השותפים מעדיפים מפגשים קצרים",
        tags=["תהליך"],
        created_at=local(2024, 5, 1),
    )
    return initiative


def test_report_page_in_hebrew_and_english(page_for, roundtable, owner, member):
    url = f"/initiatives/{roundtable.pk}/report/?from=2024-01-01&to=2024-12-31"

    page = page_for("he-IL")
    log_in(page, owner.username)
    page.goto(page.base_url + url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).is_visible()
    chart = page.get_by_role("img").first
    assert chart.is_visible()
    assert_labels_under_their_bars(page, rtl=True)
    assert_accessible(page)
    screenshot(page, "report-he")

    # A reversed range: a clear message, no report.
    page.locator("#id_from").fill("2024-12-31")
    page.locator("#id_to").fill("2024-01-01")
    page.locator("form.report-range button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").first.is_visible()
    assert page.locator("svg.chart").count() == 0
    assert_accessible(page)

    other = page_for("en-US")
    log_in(other, member.username)
    other.goto(other.base_url + url)
    assert other.locator("html").get_attribute("dir") == "ltr"
    assert other.get_by_role("heading", name="Attendance by sector").is_visible()
    assert other.get_by_role("img", name="Attendance by sector").is_visible()
    assert_labels_under_their_bars(other, rtl=False)
    assert other.get_by_role("cell", name="החלטה מספר 3").is_visible()
    assert_accessible(other)
    screenshot(other, "report-en")
    with other.expect_download() as download:
        other.get_by_role("link", name="Download as Word (DOCX)").click()
    assert download.value.suggested_filename == (
        f"initiative-{roundtable.pk}-report-2024-01-01-2024-12-31.docx"
    )


LABEL_OFFSETS = """() => {
    // The drawing on show (the chart has a wide and a narrow one, core/charts.py).
    const root = [...document.querySelectorAll(".chart-pair > div")]
        .find((drawing) => drawing.offsetParent !== null) || document;
    // The centre of each bar; an empty period draws no bar.
    const bars = [...root.querySelectorAll("svg.chart > g")].map((group) => {
        const bar = group.querySelector("rect");
        if (!bar) return null;
        const box = bar.getBoundingClientRect();
        return box.left + box.width / 2;
    });
    return [...root.querySelectorAll(".chart-labels td")].flatMap((cell, index) => {
        const label = cell.querySelector("span");
        if (!label || bars[index] === null) return [];
        const range = document.createRange();
        range.selectNodeContents(label);
        const text = range.getBoundingClientRect();
        const chart = root.querySelector("svg.chart").getBoundingClientRect();
        return [{
            text: label.textContent,
            offset: text.left + text.width / 2 - bars[index],
            inside: text.left >= chart.left - 1 && text.right <= chart.right + 1,
            x: text.left,
        }];
    });
}"""


def assert_labels_under_their_bars(page, *, rtl: bool) -> None:
    """Each period label is centred under its bar, inside the chart, in reading order."""
    labels = page.evaluate(LABEL_OFFSETS)
    assert len(labels) >= 2
    for label in labels:
        assert abs(label["offset"]) < 2, label
        assert label["inside"], label
    positions = [label["x"] for label in labels]
    assert positions == sorted(positions, reverse=rtl)


def test_print_document_is_accessible(page_for, roundtable):
    """The standalone print document, as a browser shows it, in Hebrew and English."""
    summary = initiative_summary(
        initiative=roundtable,
        date_from=datetime.date(2022, 1, 1),
        date_to=datetime.date(2024, 12, 31),
    )
    for language in ("he", "en"):
        page = page_for()
        page.set_content(render_html(summary, language=language))
        assert page.locator("html").get_attribute("lang") == language
        assert page.get_by_role("img", name=re.compile(".")).first.is_visible()
        assert_labels_under_their_bars(page, rtl=language == "he")
        assert_accessible(page)
        screenshot(page, f"report-print-{language}")
