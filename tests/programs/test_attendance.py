"""Attendance: the facilitator's marking on a phone (always works, overrides a scan), and the
rotating QR check-in: expired, other session, tampered and closed codes refused with a
message, two minutes of clock skew either way accepted."""

import datetime as dt
import re
import shutil
import subprocess

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from meshutaf.programs import checkin
from meshutaf.programs.models import (
    AttendanceStatus,
    CheckinMethod,
    Participant,
    SessionAttendance,
)
from meshutaf.programs.services import programmes
from meshutaf.programs.services import sessions as services
from tests.factories import PersonFactory, UserFactory

from .test_sessions import add_session

# Near the real time: travelling months ahead would outlive the test client's sign-in.
START = dt.datetime.now(tz=dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(hours=2)


@pytest.fixture
def session(cohort, owner):
    return add_session(cohort, owner, starts_at=START)


@pytest.fixture
def others(cohort):
    return [
        Participant.objects.create(cohort=cohort, person=PersonFactory(full_name=f"משתתפת {n}"))
        for n in range(3)
    ]


def token_at(session, moment):
    return checkin.make_token(session.pk, now=moment.timestamp())


def open_checkin(session, owner, at=START):
    services.session_checkin_open(session=session, by=owner, minutes=120, now=at)


def scan(client, token):
    url = reverse("programs:checkin", args=[token])
    return client.get(url), client.post(url)


# ---------------------------------------------------------------- manual marking


def test_staff_mark_on_the_phone_page_members_and_outsiders_cannot(
    as_user, session, owner, member, outsider, enrolled
):
    url = reverse("programs:attendance", args=[session.pk])
    page = as_user(owner).get(url)
    assert page.status_code == 200
    assert enrolled.person.full_name in page.content.decode()
    assert as_user(member).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404
    data = {"participant": enrolled.pk, "status": "excused"}
    assert as_user(member).post(url, data).status_code == 403
    assert as_user(outsider).post(url, data).status_code == 404
    assert not SessionAttendance.objects.exists()
    assert as_user(owner).post(url, data).status_code == 302
    record = SessionAttendance.objects.get()
    assert record.status == "excused"
    assert record.method == CheckinMethod.FACILITATOR


def test_htmx_swaps_only_the_row(as_user, session, owner, enrolled):
    response = as_user(owner).post(
        reverse("programs:attendance", args=[session.pk]),
        {"participant": enrolled.pk, "status": "late"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith(f'<li class="attendance-row" id="p{enrolled.pk}"')
    assert 'value="late" aria-pressed="true"' in body


def test_bad_marks_are_refused_and_nothing_written(as_user, session, owner, enrolled, programme):
    client = as_user(owner)
    url = reverse("programs:attendance", args=[session.pk])
    response = client.post(
        url, {"participant": enrolled.pk, "status": "asleep"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "Choose present, late, excused or absent." in response.content.decode()
    response = client.post(url, {"participant": enrolled.pk, "status": "asleep"}, follow=True)
    assert "Choose present, late, excused or absent." in response.content.decode()
    assert client.post(url, {"participant": "abc", "status": "present"}).status_code == 404
    other_cohort = programmes.cohort_create(programme=programme, by=owner, name="מחזור ג")
    stranger = Participant.objects.create(cohort=other_cohort, person=PersonFactory())
    assert client.post(url, {"participant": stranger.pk, "status": "present"}).status_code == 404
    with pytest.raises(ValidationError):
        services.attendance_mark(session=session, participant=stranger, status="present", by=owner)
    assert not SessionAttendance.objects.exists()


def test_manual_marking_always_works_and_overrides_a_scan(session, owner, enrolled, participant):
    open_checkin(session, owner)
    moment = START + dt.timedelta(minutes=2)
    record = services.attendance_checkin(
        session=session, user=participant, token=token_at(session, moment), now=moment
    )
    assert record.status == AttendanceStatus.PRESENT
    assert record.method == CheckinMethod.QR
    services.session_checkin_close(session=session, by=owner)
    marked = services.attendance_mark(
        session=session, participant=enrolled, status=AttendanceStatus.ABSENT, by=owner
    )
    assert marked.pk == record.pk
    assert marked.status == AttendanceStatus.ABSENT
    assert marked.method == CheckinMethod.FACILITATOR
    # A later scan does not undo the facilitator's marking.
    open_checkin(session, owner, at=moment)
    again = services.attendance_checkin(
        session=session, user=participant, token=token_at(session, moment), now=moment
    )
    assert again.status == AttendanceStatus.ABSENT
    assert SessionAttendance.objects.count() == 1


def test_query_count_of_the_sheet_is_flat(
    as_user, session, owner, cohort, django_assert_max_num_queries
):
    client = as_user(owner)
    url = reverse("programs:attendance", args=[session.pk])
    Participant.objects.create(cohort=cohort, person=PersonFactory())
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for _ in range(12):
        person = Participant.objects.create(cohort=cohort, person=PersonFactory())
        services.attendance_mark(session=session, participant=person, status="present", by=owner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# ---------------------------------------------------------------- QR check-in


def test_staff_open_check_in_and_the_screen_shows_a_code_that_leads_to_check_in(
    as_user, session, owner, member
):
    client = as_user(owner)
    response = client.post(reverse("programs:checkin_open", args=[session.pk]), {"minutes": "60"})
    assert response.status_code == 302
    screen = client.get(reverse("programs:checkin_screen", args=[session.pk])).content.decode()
    assert '<svg role="img" aria-label="QR code to check in to this session"' in screen
    assert 'hx-trigger="load delay:' in screen
    fragment = client.get(reverse("programs:checkin_code", args=[session.pk])).content.decode()
    assert fragment.strip().startswith('<div id="checkin-code"')
    assert (
        as_user(member).get(reverse("programs:checkin_screen", args=[session.pk])).status_code
        == 403
    )
    assert (
        as_user(member).post(reverse("programs:checkin_open", args=[session.pk])).status_code == 403
    )


def test_the_code_on_the_screen_decodes_to_the_check_in_url(as_user, session, owner, tmp_path):
    """The page's own SVG, drawn by a real renderer (WeasyPrint, then pdftoppm), read back by
    a real decoder."""
    zxingcpp = pytest.importorskip("zxingcpp")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm is not installed")
    from PIL import Image
    from weasyprint import HTML

    services.session_checkin_open(session=session, by=owner)
    screen = as_user(owner).get(reverse("programs:checkin_code", args=[session.pk])).content
    svg = re.search(r"<svg.*?</svg>", screen.decode(), re.S).group(0)
    url = re.search(r'href="(http[^"]*/checkin/[^"]*)"', screen.decode())
    page = "<html><body style='margin:0'><div style='width:8cm'>%s</div></body></html>"
    (tmp_path / "code.pdf").write_bytes(HTML(string=page % svg).write_pdf())
    subprocess.run(  # noqa: S603
        [
            pdftoppm,
            "-png",
            "-r",
            "100",
            "-singlefile",
            str(tmp_path / "code.pdf"),
            str(tmp_path / "code"),
        ],
        check=True,
    )
    decoded = zxingcpp.read_barcodes(Image.open(tmp_path / "code.png"))
    assert decoded, "the QR code could not be read"
    text = decoded[0].text
    assert text.startswith("http://testserver/checkin/")
    token = text.rsplit("/checkin/", 1)[1].rstrip("/")
    assert checkin.read_token(token, session_id=session.pk).session_id == session.pk
    assert url is None or url.group(1) == text


def test_a_participant_scans_and_is_present_or_late(as_user, session, owner, participant, enrolled):
    open_checkin(session, owner)
    client = as_user(participant)
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        shown, done = scan(client, token_at(session, START + dt.timedelta(minutes=5)))
    assert shown.status_code == 200
    assert "Check me in" in shown.content.decode()
    assert done.status_code == 200
    assert "You are checked in: Present." in done.content.decode()
    assert SessionAttendance.objects.get().status == AttendanceStatus.PRESENT
    SessionAttendance.objects.all().delete()
    late = START + services.LATE_AFTER + dt.timedelta(minutes=1)
    with time_machine.travel(late, tick=False):
        _shown, done = scan(client, token_at(session, late))
    assert "You are checked in: Late." in done.content.decode()


def test_signed_out_scanner_is_sent_to_sign_in_and_back(as_user, session, owner):
    open_checkin(session, owner)
    url = reverse("programs:checkin", args=[token_at(session, START)])
    response = as_user(None).get(url)
    assert response.status_code == 302
    assert "/login" in response["Location"]
    assert "next=" in response["Location"]
    assert not SessionAttendance.objects.exists()


def test_an_expired_code_is_refused_with_a_message(as_user, session, owner, participant, enrolled):
    open_checkin(session, owner)
    issued = START
    with time_machine.travel(issued + dt.timedelta(minutes=10), tick=False):
        shown, done = scan(as_user(participant), token_at(session, issued))
    for response in (shown, done):
        assert response.status_code == 400
        assert "This code has expired: scan the code on the screen again." in (
            response.content.decode()
        )
    assert not SessionAttendance.objects.exists()


@pytest.mark.parametrize("skew", [dt.timedelta(minutes=2), -dt.timedelta(minutes=2)])
def test_two_minutes_of_clock_skew_either_way_are_accepted(
    as_user, session, owner, participant, enrolled, skew
):
    open_checkin(session, owner, at=START - dt.timedelta(minutes=30))
    issued = START + dt.timedelta(minutes=3)
    with time_machine.travel(issued + skew, tick=False):
        _shown, done = scan(as_user(participant), token_at(session, issued))
    assert done.status_code == 200, done.content.decode()
    assert SessionAttendance.objects.get().method == CheckinMethod.QR


def test_a_code_dated_beyond_the_tolerance_in_the_future_is_refused(
    as_user, session, owner, participant, enrolled
):
    open_checkin(session, owner)
    with time_machine.travel(START, tick=False):
        _shown, done = scan(
            as_user(participant), token_at(session, START + dt.timedelta(minutes=5))
        )
    assert done.status_code == 400
    assert "not valid yet" in done.content.decode()


def test_a_code_of_another_session_is_refused(session, cohort, owner, participant, enrolled):
    other = add_session(cohort, owner, starts_at=START)
    open_checkin(session, owner)
    open_checkin(other, owner)
    with pytest.raises(ValidationError, match="another session"):
        services.attendance_checkin(
            session=session, user=participant, token=token_at(other, START), now=START
        )
    assert not SessionAttendance.objects.exists()


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-3] + "abc", lambda t: t.replace(":", ":x"), lambda t: "1.2"]
)
def test_a_tampered_code_is_refused(as_user, session, owner, participant, enrolled, mangle):
    open_checkin(session, owner)
    with time_machine.travel(START, tick=False):
        _shown, done = scan(as_user(participant), mangle(token_at(session, START)))
    assert done.status_code == 400
    assert "not a check-in code" in done.content.decode()
    assert not SessionAttendance.objects.exists()


def test_someone_who_is_not_a_participant_is_refused(as_user, session, owner, member, outsider):
    open_checkin(session, owner)
    for user in (member, outsider, UserFactory()):
        with time_machine.travel(START, tick=False):
            _shown, done = scan(as_user(user), token_at(session, START))
        assert done.status_code == 403
        assert "You are not a participant of this cohort" in done.content.decode()
    assert not SessionAttendance.objects.exists()


def test_closed_check_in_is_refused(as_user, session, owner, participant, enrolled):
    with time_machine.travel(START, tick=False):
        _shown, done = scan(as_user(participant), token_at(session, START))
    assert done.status_code == 400
    assert "Check-in for this session is closed" in done.content.decode()
    open_checkin(session, owner)
    services.session_checkin_close(session=session, by=owner)
    with time_machine.travel(START, tick=False):
        _shown, done = scan(as_user(participant), token_at(session, START))
    assert "closed" in done.content.decode()
    assert not SessionAttendance.objects.exists()


def test_a_second_scan_changes_nothing(session, owner, participant, enrolled):
    open_checkin(session, owner)
    first = services.attendance_checkin(
        session=session, user=participant, token=token_at(session, START), now=START
    )
    later = START + dt.timedelta(minutes=40)
    second = services.attendance_checkin(
        session=session, user=participant, token=token_at(session, later), now=later
    )
    assert first.pk == second.pk
    assert second.status == AttendanceStatus.PRESENT


def test_check_in_open_refuses_bad_durations(as_user, session, owner):
    for minutes in ("0", "-5", "100000", "soon"):
        as_user(owner).post(
            reverse("programs:checkin_open", args=[session.pk]), {"minutes": minutes}
        )
    session.refresh_from_db()
    assert session.checkin_open_until is None
    with pytest.raises(ValidationError):
        services.session_checkin_open(session=session, by=owner, minutes=0)
