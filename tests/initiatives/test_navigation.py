"""The initiative's navigation bar and breadcrumbs: on every kind of page inside an initiative,
for its members only, with the current section marked from the page's URL name."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meshutaf.core.access import Role
from meshutaf.initiatives import sections
from meshutaf.meetings import services as meeting_services

from ..conftest import client_for
from ..factories import GroupFactory, MembershipFactory, PhaseFactory, UserFactory

NAV = re.compile(r'<nav class="initiative-nav".*?</nav>', re.S)
CURRENT = re.compile(r'<a href="[^"]*" aria-current="(page|true)">([^<]+)</a>')
CRUMBS = re.compile(r'<nav class="breadcrumbs".*?</nav>', re.S)


def bar(html: str) -> str | None:
    found = NAV.search(html)
    return found.group(0) if found else None


def current_entries(html: str) -> list[tuple[str, str]]:
    nav = bar(html)
    assert nav is not None, "no initiative navigation on the page"
    return [(label.strip(), state) for state, label in CURRENT.findall(nav)]


@pytest.fixture
def meeting(initiative, owner):
    start = (timezone.now() + datetime.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    return meeting_services.meeting_create(
        initiative=initiative,
        by=owner,
        title="Forum meeting",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )


# (URL name, arguments from the world, the entry marked, its aria-current)
PAGES = [
    ("initiatives:detail", "initiative", "Overview", "page"),
    ("initiatives:members", "initiative", "Members", "page"),
    ("initiatives:readiness", "initiative", "Readiness checklist", "page"),
    ("initiatives:edit", "initiative", "Settings", "page"),
    ("initiatives:history", "initiative", "Overview", "true"),
    ("initiatives:phase_create", "initiative", "Overview", "true"),
    ("initiatives:phase_edit", "phase", "Overview", "true"),
    ("initiatives:group_detail", "group", "Overview", "true"),
    ("meetings:list", "initiative", "Meetings", "page"),
    ("meetings:create", "initiative", "Meetings", "true"),
    ("meetings:detail", "meeting", "Meetings", "true"),
    ("meetings:edit", "meeting", "Meetings", "true"),
    ("meetings:initiative_actions", "initiative", "Action items", "page"),
    ("knowledge:documents", "initiative", "Documents", "page"),
    ("knowledge:document_upload", "initiative", "Documents", "true"),
    ("knowledge:insights", "initiative", "Insights", "page"),
    ("workshops:list", "initiative", "Workshops", "page"),
    ("workshops:create", "initiative", "Workshops", "true"),
    ("workshops:templates", "initiative", "Workshops", "true"),
    ("deliberation:list", "initiative", "Deliberations", "page"),
    ("deliberation:create", "initiative", "Deliberations", "true"),
    ("discourse:list", "initiative", "Discourse Index", "page"),
    ("discourse:create", "initiative", "Discourse Index", "true"),
    ("measurement:frameworks", "initiative", "Shared measurement", "page"),
    ("measurement:framework_create", "initiative", "Shared measurement", "true"),
    ("programs:programme_list", "initiative", "Programmes and cohorts", "page"),
    ("programs:programme_create", "initiative", "Programmes and cohorts", "true"),
    ("map:register", "initiative", "Stakeholder map", "page"),
    ("map:profile_create", "initiative", "Stakeholder map", "true"),
    ("map:movement", "initiative", "Stakeholder map", "true"),
    ("map:network", "initiative", "Stakeholder map", "true"),
    ("map:engagements", "initiative", "Stakeholder map", "true"),
    ("reports:summary", "initiative", "Summary report", "page"),
]


@pytest.mark.parametrize(("url_name", "argument", "label", "state"), PAGES)
def test_every_initiative_page_marks_its_section(
    request, initiative, owner, url_name, argument, label, state
):
    if argument == "phase":
        obj = PhaseFactory(initiative=initiative)
    elif argument == "group":
        obj = GroupFactory(initiative=initiative)
    else:
        obj = request.getfixturevalue(argument)
    response = client_for(owner).get(reverse(url_name, args=[obj.pk]))
    assert response.status_code == 200
    html = response.text
    assert current_entries(html) == [(label, state)]
    # Breadcrumbs lead back: the initiatives, the initiative, and the page itself last.
    crumbs = CRUMBS.search(html)
    assert crumbs is not None
    trail = crumbs.group(0)
    assert f'href="{reverse("initiatives:list")}"' in trail
    if url_name != "initiatives:detail":
        assert f'href="{reverse("initiatives:detail", args=[initiative.pk])}"' in trail
    assert trail.count('aria-current="page"') == 1
    assert re.search(r'<li aria-current="page">.*?</li>\s*</ol>', trail, re.S)


def test_the_search_of_one_initiative_is_its_search_entry(initiative, member):
    html = client_for(member).get(reverse("search:search"), {"initiative": initiative.pk}).text
    assert current_entries(html) == [("Search", "page")]


def test_a_section_page_names_itself_once_in_the_breadcrumbs(initiative, member):
    html = client_for(member).get(reverse("meetings:list", args=[initiative.pk])).text
    trail = CRUMBS.search(html).group(0)
    assert trail.count("Meetings") == 1
    assert '<li aria-current="page"><bdi>Meetings</bdi></li>' in trail


def test_a_sub_page_links_to_its_section_in_the_breadcrumbs(initiative, member, meeting):
    html = client_for(member).get(reverse("meetings:detail", args=[meeting.pk])).text
    trail = CRUMBS.search(html).group(0)
    assert f'href="{reverse("meetings:list", args=[initiative.pk])}"' in trail
    assert '<li aria-current="page"><bdi>Forum meeting</bdi></li>' in trail


def test_the_bar_lists_the_sections_in_order_with_the_managers_own_for_managers_only(
    initiative, owner, participant
):
    url = reverse("initiatives:detail", args=[initiative.pk])
    managed = bar(client_for(owner).get(url).text)
    viewed = bar(client_for(participant).get(url).text)
    for entry in sections.sections():
        href = entry.href(initiative.pk).replace("&", "&amp;")
        assert f'href="{href}"' in managed
        shown_to_participant = f'href="{href}"' in viewed
        assert shown_to_participant == (entry.action.name == "VIEW"), entry.url_name
    positions = [
        managed.index(f'href="{entry.href(initiative.pk)}"') for entry in sections.sections()
    ]
    assert positions == sorted(positions)
    assert f'href="{reverse("initiatives:edit", args=[initiative.pk])}"' not in viewed


@pytest.mark.parametrize(
    "url",
    [
        reverse("dashboard"),
        reverse("initiatives:list"),
        reverse("initiatives:create"),
        reverse("directory:person_list"),
        reverse("meetings:my_actions"),
        reverse("search:search"),
    ],
)
def test_pages_outside_an_initiative_have_no_initiative_bar(owner, initiative, url):
    response = client_for(owner).get(url)
    assert response.status_code == 200
    assert bar(response.text) is None


def test_someone_who_is_not_a_member_never_sees_the_bar(initiative, outsider):
    # The search page of an initiative one does not belong to answers, but shows no bar.
    response = client_for(outsider).get(reverse("search:search"), {"initiative": initiative.pk})
    assert bar(response.text) is None


def test_the_bar_costs_the_same_queries_with_many_sections_and_members(
    initiative, member, django_assert_num_queries, django_assert_max_num_queries, monkeypatch
):
    url = reverse("meetings:list", args=[initiative.pk])
    client = client_for(member)
    client.get(url)  # warm the caches a first request fills
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    registry = dict(sections._sections)
    for number in range(30):
        registry[f"meetings:extra{number}"] = sections.Section(
            "meetings:list", f"Extra {number}", order=200 + number
        )
    monkeypatch.setattr(sections, "_sections", registry)
    for _ in range(40):
        MembershipFactory(initiative=initiative, user=UserFactory(), role=Role.PARTICIPANT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).text
    assert "Extra 29" in bar(html)


def test_editing_a_series_links_back_to_the_series(initiative, owner):
    series = meeting_services.series_create(initiative=initiative, by=owner, title="Monthly forum")
    html = client_for(owner).get(reverse("meetings:series_edit", args=[series.pk])).text
    trail = CRUMBS.search(html).group(0)
    assert f'href="{reverse("meetings:series", args=[series.pk])}"' in trail
    assert f'href="{reverse("meetings:list", args=[initiative.pk])}"' in trail
    assert '<li aria-current="page"><bdi>Edit series</bdi></li>' in trail
