import pytest
from django.urls import reverse

from meshutaf.workshops import services
from meshutaf.workshops.models import CanvasTemplate, Contribution, Theme, WorkshopSession

from ..conftest import client_for
from .conftest import add
from .factories import ContributionFactory, ParticipantFactory, WorkingGroupFactory


@pytest.mark.parametrize(
    ("who", "expected"), [("owner", 200), ("member", 200), ("participant", 200), ("outsider", 404)]
)
def test_pages_by_role(request, session, who, expected):
    client = client_for(request.getfixturevalue(who))
    for name, args in [
        ("workshops:list", [session.initiative_id]),
        ("workshops:templates", [session.initiative_id]),
        ("workshops:board", [session.pk]),
        ("workshops:board_fragment", [session.pk]),
        ("workshops:themes", [session.pk]),
        ("workshops:export_csv", [session.pk]),
        ("workshops:export_docx", [session.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == expected, name


def test_anonymous_visitors_are_sent_to_log_in(session, client):
    response = client.get(reverse("workshops:board", args=[session.pk]))
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


@pytest.mark.parametrize(("who", "expected"), [("member", 403), ("outsider", 404)])
def test_only_facilitators_manage(request, session, group_a, joined, who, expected):
    client = client_for(request.getfixturevalue(who))
    note = add(group_a, joined, "note")
    theme = services.theme_create(session=session, section_key="matrix", by=None, name="T")
    posts = [
        (reverse("workshops:create", args=[session.initiative_id]), {"title": "x"}),
        (reverse("workshops:edit", args=[session.pk]), {"title": "x"}),
        (reverse("workshops:status", args=[session.pk]), {"status": "closed"}),
        (reverse("workshops:delete", args=[session.pk]), {}),
        (reverse("workshops:group_add", args=[session.pk]), {"name": "C"}),
        (reverse("workshops:group_reset_link", args=[group_a.pk]), {}),
        (reverse("workshops:moderate", args=[note.pk]), {"hidden": "1"}),
        (reverse("workshops:merge", args=[note.pk]), {"duplicates": [note.pk]}),
        (reverse("workshops:themes_suggest", args=[session.pk]), {"section": "matrix"}),
        (reverse("workshops:theme_rename", args=[theme.pk]), {"name": "x"}),
        (reverse("workshops:theme_delete", args=[theme.pk]), {}),
        (reverse("workshops:to_knowledge", args=[session.pk]), {"document": "1"}),
        (reverse("workshops:template_create", args=[session.initiative_id]), {"title": "x"}),
    ]
    version = WorkshopSession.objects.get(pk=session.pk).version
    for url, data in posts:
        assert client.post(url, data).status_code == expected, url
    session.refresh_from_db()
    assert session.version == version
    assert session.status == "open"
    assert not Contribution.objects.get(pk=note.pk).hidden
    assert Theme.objects.get(pk=theme.pk).name == "T"
    assert session.groups.count() == 2


def test_create_a_workshop_from_a_builtin_template(initiative, owner):
    client = client_for(owner)
    url = reverse("workshops:create", args=[initiative.pk])
    page = client.get(url)
    assert page.status_code == 200
    builtin = CanvasTemplate.objects.get(initiative=None, key="price-opportunity")
    response = client.post(
        url,
        {
            "title": "הסדנה שלנו",
            "template": builtin.pk,
            "groups": "צוות צפון\n\n צוות דרום ",
            "instructions": "כיצד אוכל לרתום את הארגון?",
            "allow_anonymous": "on",
        },
    )
    session = WorkshopSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()
    assert [g.name for g in session.groups.order_by("position")] == ["צוות צפון", "צוות דרום"]
    assert session.schema["sections"][0]["key"] == "matrix"
    assert session.allow_anonymous


def test_bad_workshop_input_changes_nothing(initiative, owner):
    from ..factories import InitiativeFactory

    foreign = services.canvas_template_create(
        initiative=InitiativeFactory(), by=owner, title="theirs", schema=[{"title": "x"}]
    )
    response = client_for(owner).post(
        reverse("workshops:create", args=[initiative.pk]),
        {
            "title": "",
            "template": foreign.pk,
            "groups": "\n".join(["g"] * 31),
            "meeting": "99999999999999999999999",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"title", "template", "groups", "meeting"}
    assert "At most 30 working groups." in form.errors["groups"]
    assert not WorkshopSession.objects.exists()


def test_board_shows_groups_links_and_notes(session, group_a, joined, owner, member):
    note = add(group_a, joined, "ויתור על בלעדיות")
    hidden = add(group_a, joined, "מתי ההפסקה?")
    services.contribution_set_hidden(contribution=hidden, by=owner, hidden=True)
    page = client_for(owner).get(session.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "ויתור על בלעדיות" in text
    assert "מתי ההפסקה?" in text  # facilitators see hidden notes, marked
    assert f"/w/{group_a.join_token}/" in text
    assert 'role="img"' in text
    assert "<svg" in text
    partner_page = client_for(member).get(session.get_absolute_url()).content.decode()
    assert "ויתור על בלעדיות" in partner_page
    assert "מתי ההפסקה?" not in partner_page
    assert f"c-{note.pk}" in partner_page
    assert f"/contributions/{note.pk}/moderate/" not in partner_page


def test_observers_see_the_board_but_not_the_join_links(session, group_a, participant):
    page = client_for(participant).get(session.get_absolute_url()).content.decode()
    assert group_a.join_token not in page


def test_board_fragment_is_204_while_nothing_changed(session, group_a, joined, owner):
    client = client_for(owner)
    url = reverse("workshops:board_fragment", args=[session.pk])
    session.refresh_from_db()
    assert client.get(url, {"v": session.version}).status_code == 204
    add(group_a, joined, "new")
    response = client.get(url, {"v": session.version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "new" in response.content.decode()
    assert 'id="board"' in response.content.decode()
    assert "<html" not in response.content.decode()


def test_moderate_with_htmx_returns_the_board(session, group_a, joined, owner):
    note = add(group_a, joined, "off topic")
    response = client_for(owner).post(
        reverse("workshops:moderate", args=[note.pk]), {"hidden": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="board"' in response.content.decode()
    assert Contribution.objects.get(pk=note.pk).hidden
    response = client_for(owner).post(
        reverse("workshops:moderate", args=[note.pk]), {"hidden": "0"}
    )
    assert response.status_code == 302
    assert not Contribution.objects.get(pk=note.pk).hidden


def test_merge_page(session, group_a, joined, owner):
    keep = add(group_a, joined, "time and resources")
    dup = add(group_a, joined, "time & resources")
    url = reverse("workshops:merge", args=[keep.pk])
    client = client_for(owner)
    page = client.get(url)
    assert "time &amp; resources" in page.content.decode()
    refused = client.post(url, {})
    assert refused.status_code == 200
    assert "Tick at least one duplicate." in refused.content.decode()
    client.post(url, {"duplicates": ["abc", "99999999999999999999999"]})
    assert Contribution.objects.get(pk=dup.pk).merged_into_id is None
    assert client.post(url, {"duplicates": [dup.pk]}).status_code == 302
    assert Contribution.objects.get(pk=dup.pk).merged_into_id == keep.pk


def test_themes_flow(session, group_a, joined, owner):
    for text in [
        "ויתור על בלעדיות בידע",
        "ויתור על הבלעדיות בידע שלנו",
        "זמן ומשאבים",
        "השקעת זמן ומשאבים",
    ]:
        add(group_a, joined, text)
    client = client_for(owner)
    response = client.post(
        reverse("workshops:themes_suggest", args=[session.pk]),
        {"section": "matrix", "sensitivity": "normal"},
    )
    assert response.status_code == 302
    themes = list(Theme.objects.filter(session=session))
    assert len(themes) == 2
    page = client.get(reverse("workshops:themes", args=[session.pk]), {"section": "matrix"})
    assert "ויתור על" in page.content.decode()
    client.post(reverse("workshops:theme_rename", args=[themes[0].pk]), {"name": "בלעדיות"})
    assert Theme.objects.get(pk=themes[0].pk).name == "בלעדיות"
    # Bad input: a theme of another section, an unknown section, an empty name.
    other = services.theme_create(session=session, section_key="questions", by=owner, name="Q")
    client.post(reverse("workshops:theme_merge", args=[themes[0].pk]), {"into": other.pk})
    assert Theme.objects.filter(pk=themes[0].pk).exists()
    bad = client.post(reverse("workshops:themes_suggest", args=[session.pk]), {"section": "x"})
    assert bad.status_code == 404
    client.post(reverse("workshops:theme_rename", args=[themes[0].pk]), {"name": " "})
    assert Theme.objects.get(pk=themes[0].pk).name == "בלעדיות"
    client.post(reverse("workshops:theme_merge", args=[themes[1].pk]), {"into": themes[0].pk})
    assert Theme.objects.filter(session=session, section_key="matrix").count() == 1
    notes = list(themes[0].contributions.order_by("pk"))
    assert len(notes) == 4
    client.post(
        reverse("workshops:theme_split", args=[themes[0].pk]),
        {"contributions": [notes[2].pk, notes[3].pk], "name": "משאבים"},
    )
    assert Theme.objects.get(name="משאבים").contributions.count() == 2
    client.post(reverse("workshops:move", args=[notes[0].pk]), {"theme": ""})
    assert Contribution.objects.get(pk=notes[0].pk).theme_id is None


def test_templates_create_copy_edit(initiative, owner, member):
    client = client_for(owner)
    builtin = services.builtin_templates_ensure()[0]
    copy_page = client.get(
        reverse("workshops:template_create", args=[initiative.pk]), {"from": builtin.pk}
    )
    assert "Copy of Price and opportunity" in copy_page.content.decode()
    bad = client.post(
        reverse("workshops:template_create", args=[initiative.pk]),
        {"title": "Mine", "schema": "[{'title': 1}"},
    )
    assert "not valid JSON" in bad.content.decode()
    bad = client.post(
        reverse("workshops:template_create", args=[initiative.pk]),
        {"title": "Mine", "schema": '[{"title": "A", "kind": "grid"}]'},
    )
    assert "at least one row and one column" in bad.content.decode()
    assert not CanvasTemplate.objects.filter(initiative=initiative).exists()
    ok = client.post(
        reverse("workshops:template_create", args=[initiative.pk]),
        {
            "title": "Mine",
            "schema": '[{"title": "Tips"}, {"title": "Matrix", "kind": "grid", '
            '"rows": ["Us"], "columns": ["Price", "Opportunity"]}]',
        },
    )
    assert ok.status_code == 302
    template = CanvasTemplate.objects.get(initiative=initiative)
    assert template.schema["sections"][1]["columns"][1]["key"] == "column-2"
    edit = reverse("workshops:template_edit", args=[template.pk])
    assert client_for(member).post(edit, {"title": "x"}).status_code == 403
    assert client.get(reverse("workshops:template_edit", args=[builtin.pk])).status_code == 404
    assert (
        client.post(edit, {"title": "Renamed", "schema": '[{"title": "Tips"}]'}).status_code == 302
    )
    assert CanvasTemplate.objects.get(pk=template.pk).title == "Renamed"


def test_board_query_count_is_flat(session, owner, django_assert_max_num_queries):
    client = client_for(owner)
    url = session.get_absolute_url()
    fragment = reverse("workshops:board_fragment", args=[session.pk])

    def grow(count):
        for _ in range(count):
            group = WorkingGroupFactory(session=session)
            person = ParticipantFactory(group=group)
            for _ in range(4):
                ContributionFactory(participant=person)

    grow(2)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(fragment).status_code == 200
    grow(8)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(fragment).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("workshops:themes", args=[session.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert (
            client.get(reverse("workshops:list", args=[session.initiative_id])).status_code == 200
        )


def test_exports(session, group_a, joined, owner, member):
    add(group_a, joined, '=HYPERLINK("http://evil")')
    hidden = add(group_a, joined, "hidden one")
    services.contribution_set_hidden(contribution=hidden, by=owner, hidden=True)
    withdrawn = add(group_a, joined, "taken back")
    services.contribution_withdraw(contribution=withdrawn, participant=joined)
    csv_owner = client_for(owner).get(reverse("workshops:export_csv", args=[session.pk]))
    text = csv_owner.content.decode("utf-8-sig")
    assert csv_owner["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in text
    assert "hidden one" in text
    assert "taken back" not in text
    assert "My organisation" in text
    assert "Price" in text
    assert "Dana" in text
    csv_member = client_for(member).get(reverse("workshops:export_csv", args=[session.pk]))
    assert "hidden one" not in csv_member.content.decode("utf-8-sig")
    docx = client_for(owner).get(
        reverse("workshops:export_docx", args=[session.pk]), {"language": "he"}
    )
    assert docx.status_code == 200
    assert docx.content[:2] == b"PK"
    assert "attachment" in docx["Content-Disposition"]


def test_send_to_knowledge_base(session, group_a, joined, owner):
    from meshutaf.knowledge.models import Document, Insight

    add(group_a, joined, "a note")
    client = client_for(owner)
    client.post(reverse("workshops:to_knowledge", args=[session.pk]), {})
    assert not Document.objects.exists()
    assert not Insight.objects.exists()
    response = client.post(
        reverse("workshops:to_knowledge", args=[session.pk]), {"document": "1", "insight": "1"}
    )
    assert response.status_code == 302
    assert Document.objects.filter(initiative=session.initiative).count() == 1
    assert Insight.objects.filter(initiative=session.initiative).count() == 1
