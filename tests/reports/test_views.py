"""The report page and its downloads: who may see them, bad dates, query counts."""

import datetime
import io
import sys

import docx
import pytest
from django.urls import reverse

from tests.conftest import client_for

from .factories import ActionFactory, AttendanceFactory, MeetingFactory, OutcomeFactory, local

RANGE = {"from": "2024-01-01", "to": "2024-06-30"}


def page_url(initiative):
    return reverse("reports:summary", args=[initiative.pk])


def download_url(initiative, file_format):
    return reverse("reports:download", args=[initiative.pk, file_format])


def test_urls():
    assert reverse("reports:summary", args=[7]) == "/initiatives/7/report/"
    assert reverse("reports:download", args=[7, "pdf"]) == "/initiatives/7/report.pdf"


@pytest.mark.parametrize("who", ["owner", "member", "participant"])
def test_members_see_the_report(history, request, who):
    response = client_for(request.getfixturevalue(who)).get(page_url(history.initiative), RANGE)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Roundtable Alpha" in content
    assert 'role="img"' in content
    assert "Adopt the action framework" in content
    assert f'href="/initiatives/{history.initiative.pk}/"' in content  # breadcrumbs
    for file_format in ("html", "docx", "pdf"):
        link = f"{download_url(history.initiative, file_format)}?from=2024-01-01&amp;to=2024-06-30"
        assert link in content


def test_outsider_gets_404(history, outsider):
    client = client_for(outsider)
    assert client.get(page_url(history.initiative), RANGE).status_code == 404
    for file_format in ("html", "docx", "pdf"):
        assert client.get(download_url(history.initiative, file_format), RANGE).status_code == 404


def test_anonymous_is_sent_to_log_in(history):
    client = client_for(None)
    for url in (page_url(history.initiative), download_url(history.initiative, "pdf")):
        response = client.get(url, RANGE)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_missing_initiative_is_404(owner):
    assert client_for(owner).get("/initiatives/999999/report/").status_code == 404
    assert client_for(owner).get("/initiatives/999999999999999999/report.pdf").status_code == 404


@pytest.mark.parametrize("who", ["owner", "member"])
def test_downloads(history, request, who):
    client = client_for(request.getfixturevalue(who))
    html = client.get(download_url(history.initiative, "html"), RANGE)
    assert html.status_code == 200
    assert html["Content-Type"] == "text/html; charset=utf-8"
    name = f"initiative-{history.initiative.pk}-report-2024-01-01-2024-06-30"
    assert html["Content-Disposition"] == f'attachment; filename="{name}.html"'
    assert b'<html lang="en" dir="ltr">' in html.content

    word = client.get(download_url(history.initiative, "docx"), RANGE)
    assert word.status_code == 200
    assert word["Content-Disposition"] == f'attachment; filename="{name}.docx"'
    assert docx.Document(io.BytesIO(word.content)).core_properties.language == "en"

    pdf = client.get(download_url(history.initiative, "pdf"), RANGE)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_download_follows_the_interface_language(history, owner):
    client = client_for(owner)
    client.cookies["meshutaf_language"] = "he"
    response = client.get(download_url(history.initiative, "html"), RANGE)
    assert b'<html lang="he" dir="rtl">' in response.content


def test_unknown_format_is_404(history, owner):
    response = client_for(owner).get(download_url(history.initiative, "xlsx"), RANGE)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2024-06-30", "to": "2024-01-01"}, "cannot be after its end"),
        ({"from": "2024-13-01", "to": "2024-06-30"}, "Enter a valid date."),
        ({"from": "yesterday", "to": "2024-06-30"}, "Enter a valid date."),
        ({"from": "99999-01-01", "to": "2024-06-30"}, "Enter a valid date."),
        ({"from": "1800-01-01", "to": "2024-06-30"}, "Choose dates between"),
        ({"from": "1950-01-01", "to": "2024-06-30"}, "at most 30 years"),
    ],
)
def test_bad_dates(history, owner, query, message):
    client = client_for(owner)
    page = client.get(page_url(history.initiative), query)
    assert page.status_code == 200
    content = page.content.decode()
    assert message in content
    assert "Please correct the marked fields." in content
    assert "Roundtable Alpha" not in content  # no report for a bad range
    download = client.get(download_url(history.initiative, "pdf"), query)
    assert download.status_code == 400
    assert message in download.content.decode()
    assert download["Content-Type"].startswith("text/html")


def test_defaults_without_dates(history, owner):
    """No dates: the span with activity, here from an insight written on 1 June 2023 to an
    action item closed on 1 September 2024, not from the initiative's start."""
    history.initiative.start_date = datetime.date(2010, 1, 1)
    history.initiative.save()
    response = client_for(owner).get(page_url(history.initiative))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.cleaned_data["from"].isoformat() == "2023-06-01"
    assert form.cleaned_data["to"].isoformat() == "2024-09-01"
    assert "Roundtable Alpha" in response.content.decode()


def test_pdf_unavailable_is_a_message_not_a_crash(history, owner, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    response = client_for(owner).get(download_url(history.initiative, "pdf"), RANGE)
    assert response.status_code == 503
    content = response.content.decode()
    assert "PDF reports cannot be made on this server" in content
    assert 'role="alert"' in content


def test_page_query_count_is_flat(initiative, owner, django_assert_max_num_queries):
    client = client_for(owner)

    def grow(count):
        for index in range(count):
            meeting = MeetingFactory(
                initiative=initiative, starts_at=local(2024, 1 + index % 6, 1 + index % 28)
            )
            AttendanceFactory(meeting=meeting, sector="government")
            AttendanceFactory(meeting=meeting, sector="business")
            OutcomeFactory(meeting=meeting)
            ActionFactory(meeting=meeting, due_date=local(2024, 2, 1).date())

    grow(5)
    # 11 for the report, 1 for shared measurement's frameworks in use (none here), 1 for the
    # notification bell's unread count.
    with django_assert_max_num_queries(13):
        assert client.get(page_url(initiative), RANGE).status_code == 200
    grow(45)
    with django_assert_max_num_queries(13):
        response = client.get(page_url(initiative), RANGE)
    assert len(response.context["summary"].meetings) == 50
