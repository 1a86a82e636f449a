"""One English word, two meanings, two translations: each meaning has its own message context,
so a participant withdrawing a note is not told "revoke the invitation", attendance says
"present" and not "exists", a report's date range is not "by … to", and so on.

These tests read the pages in Hebrew and Arabic, so they pass once the catalogues hold the
entries listed in CONTEXT_ENTRIES."""

import datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import meshutaf
from meshutaf.initiatives import services as initiative_services
from meshutaf.meetings import services as meeting_services
from meshutaf.workshops import services as workshop_services
from tests.factories import AffiliationFactory, OrganisationFactory, PersonFactory
from tests.workshops.factories import GRID_SCHEMA

LOCALE = Path(meshutaf.__file__).parent / "locale"

# (context, msgid): (Hebrew, Arabic). Every meaning of a shared English word, with the words
# the pages must show.
CONTEXT_ENTRIES = {
    ("invitation", "Withdraw"): ("ביטול ההזמנה", "سحب الدعوة"),
    ("workshop note", "Withdraw"): ("הסרה", "سحب"),
    ("invitation", "withdrawn"): ("מועד הביטול", "تاريخ السحب"),
    ("workshop note", "withdrawn"): ("הוסר על ידי הכותב/ת", "سحبها كاتبها"),
    ("attendance", "Present"): ("נוכח/ת", "حاضر"),
    ("number present", "Present"): ("נוכחים", "الحاضرون"),
    ("sector coverage", "Present"): ("מיוצג", "ممثَّل"),
    ("date range", "From"): ("מתאריך", "من تاريخ"),
    ("date range", "To"): ("עד תאריך", "حتى تاريخ"),
    ("relationship", "From"): ("מקור", "من"),
    ("relationship", "To"): ("יעד", "إلى"),
    ("annotators' answers", "Split"): ("חלוקת התשובות", "توزّع الإجابات"),
    ("split a theme", "Split"): ("פיצול", "تقسيم"),
    ("time zones", "Common"): ("נפוצים", "الشائعة"),
    # Django's own Hebrew entry hides U+202E before the ellipsis; ours is the plain one.
    ("String to return when truncating text", "%(truncated_text)s…"): (
        "%(truncated_text)s…",
        "%(truncated_text)s…",
    ),
}


def _catalogue(language: str) -> dict:
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    return {(message.context, message.id): message.string for message in catalog}


@pytest.mark.parametrize(("language", "column"), [("he", 0), ("ar", 1)])
def test_catalogue_has_every_meaning_translated(language, column):
    entries = _catalogue(language)
    wrong = {
        key: (entries.get(key), words[column])
        for key, words in CONTEXT_ENTRIES.items()
        if entries.get(key) != words[column]
    }
    assert not wrong


def _client(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _words(language: str, context: str, msgid: str) -> str:
    return CONTEXT_ENTRIES[(context, msgid)][0 if language == "he" else 1]


@pytest.mark.parametrize("language", ["he", "ar"])
def test_participant_withdraws_a_note_not_an_invitation(initiative, owner, language):
    template = workshop_services.canvas_template_create(
        initiative=initiative, by=owner, title="Matrix", schema=GRID_SCHEMA
    )
    session = workshop_services.workshop_session_create(
        initiative=initiative, by=owner, title="Workshop", template=template, groups=["A"]
    )
    group = session.groups.get()
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    url = reverse("workshops:participate", args=[group.join_token])
    client.post(url, {"display_name": "Dana"})
    client.post(
        reverse("workshops:participate_add", args=[group.join_token]),
        {"section": "matrix", "row": "organisation", "column": "price", "text": "Shared data"},
    )
    body = client.get(url).content.decode()
    assert f'class="link-button">{_words(language, "workshop note", "Withdraw")}<' in body
    assert _words(language, "invitation", "Withdraw") not in body


@pytest.mark.parametrize("language", ["he", "ar"])
def test_facilitator_withdraws_an_invitation(initiative, owner, language):
    initiative_services.invitation_create(
        initiative=initiative, email="guest@example.org", role="partner", by=owner
    )
    body = _client(owner, language).get(reverse("initiatives:members", args=[initiative.pk]))
    assert f">{_words(language, 'invitation', 'Withdraw')}<" in body.content.decode()


@pytest.mark.parametrize("language", ["he", "ar"])
def test_attendance_says_present(initiative, owner, member, language):
    person = PersonFactory(full_name="Amir Haddad", user=member, email="amir@example.org")
    AffiliationFactory(
        person=person, organisation=OrganisationFactory(name_en="Ministry", sector="government")
    )
    start = (timezone.now() - datetime.timedelta(days=2)).replace(minute=0, second=0)
    meeting = meeting_services.meeting_create(
        initiative=initiative,
        by=owner,
        title="Roundtable",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        status="scheduled",
    )
    meeting_services.invitees_add(meeting=meeting, by=owner, whole_initiative=True, send=False)
    meeting_services.attendance_set(meeting=meeting, by=owner, people=[person])
    client = _client(owner, language)
    page = client.get(reverse("meetings:attendance", args=[meeting.pk])).content.decode()
    assert f"<legend>{_words(language, 'attendance', 'Present')}</legend>" in page
    listing = client.get(reverse("meetings:list", args=[initiative.pk])).content.decode()
    assert f'<th scope="col">{_words(language, "number present", "Present")}</th>' in listing
    for body in (page, listing):
        assert "קיים" not in body


@pytest.mark.parametrize("language", ["he", "ar"])
def test_report_period_reads_as_dates(initiative, owner, language):
    body = _client(owner, language).get(reverse("reports:summary", args=[initiative.pk]))
    body = body.content.decode()
    for field, msgid in (("from", "From"), ("to", "To")):
        assert f'<label for="id_{field}">{_words(language, "date range", msgid)}<' in body
    assert "מאת" not in body
