import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from meshutaf.workshops import services
from meshutaf.workshops.models import CanvasTemplate, Contribution, Theme, WorkshopSession

from ..meetings.conftest import make_meeting
from .conftest import add
from .factories import GRID_SCHEMA


def test_builtin_templates_are_loaded_once(db):
    first = services.builtin_templates_ensure()
    second = services.builtin_templates_ensure()
    assert [t.pk for t in first] == [t.pk for t in second]
    assert CanvasTemplate.objects.filter(initiative=None).count() == 5
    assert all(t.is_builtin for t in first)


def test_builtin_template_texts_are_translated_when_shown(db):
    from django.utils import translation

    template = services.builtin_templates_ensure()[0]
    assert template.title == "Price and opportunity"  # stored as the source text
    with translation.override("en"):
        assert template.sections()[0].rows[0].label == "My organisation"


def test_session_keeps_its_canvas_when_the_template_changes(session, template, owner):
    services.canvas_template_update(
        template=template,
        by=owner,
        data={"schema": [{"title": "Only a list", "kind": "list"}]},
    )
    session.refresh_from_db()
    assert session.schema == GRID_SCHEMA
    assert [s.key for s in session.sections()] == ["matrix", "questions"]


def test_builtin_templates_cannot_be_changed(owner, db):
    template = services.builtin_templates_ensure()[0]
    with pytest.raises(ValidationError):
        services.canvas_template_update(template=template, by=owner, data={"title": "x"})
    with pytest.raises(ValidationError):
        services.canvas_template_delete(template=template, by=owner)


def test_session_needs_groups_and_a_meeting_of_its_initiative(initiative, owner, template):
    with pytest.raises(ValidationError):
        services.workshop_session_create(
            initiative=initiative, by=owner, title="x", template=template, groups=[" ", ""]
        )
    from ..factories import InitiativeFactory

    other = InitiativeFactory()
    meeting = make_meeting(other, owner)
    with pytest.raises(ValidationError):
        services.workshop_session_create(
            initiative=initiative, by=owner, title="x", template=template, meeting=meeting
        )
    assert not WorkshopSession.objects.exists()
    session = services.workshop_session_create(
        initiative=initiative, by=owner, title="x", template=template, groups=3
    )
    assert [g.name for g in session.groups.order_by("position")] == [
        "Group 1",
        "Group 2",
        "Group 3",
    ]
    assert len({g.join_token for g in session.groups.all()}) == 3


def test_contributions_go_only_into_cells_that_exist(group_a, joined):
    for cell in [
        ("matrix", "organisation", ""),
        ("matrix", "x", "price"),
        ("nope", "", ""),
        ("questions", "organisation", "price"),
    ]:
        with pytest.raises(ValidationError):
            add(group_a, joined, "text", cell)
    add(group_a, joined, "a question", ("questions", "", ""))
    assert Contribution.objects.count() == 1


def test_contribution_text_is_checked(group_a, joined):
    with pytest.raises(ValidationError, match="Write something"):
        add(group_a, joined, "   ")
    with pytest.raises(ValidationError, match="at most 280"):
        add(group_a, joined, "א" * 281)
    note = add(group_a, joined, "  two   spaces  ")
    assert note.text == "two spaces"


def test_pace_is_limited(group_a, joined):
    with time_machine.travel(datetime.datetime(2031, 1, 1, 10, tzinfo=datetime.UTC), tick=False):
        for n in range(services.PER_MINUTE):
            add(group_a, joined, f"note {n}")
        with pytest.raises(ValidationError, match="a lot in one minute"):
            add(group_a, joined, "one more")
    with time_machine.travel(datetime.datetime(2031, 1, 1, 10, 2, tzinfo=datetime.UTC)):
        add(group_a, joined, "later is fine")
    assert Contribution.objects.count() == services.PER_MINUTE + 1


def test_joining(session, group_a):
    with pytest.raises(ValidationError, match="stay anonymous"):
        services.participant_join(group=group_a, display_name="  ")
    anonymous = services.participant_join(group=group_a, anonymous=True)
    assert anonymous.is_anonymous
    assert anonymous.name == "Anonymous"
    session.allow_anonymous = False
    session.save()
    group_a.refresh_from_db()
    with pytest.raises(ValidationError, match="with a name"):
        services.participant_join(group=group_a, anonymous=True)
    with pytest.raises(ValidationError):
        services.participant_join(group=group_a, display_name="x" * 61)


def test_closed_session_refuses_changes(session, group_a, joined, owner):
    note = add(group_a, joined, "before closing")
    services.workshop_session_set_status(session=session, by=owner, status="closed")
    group_a.refresh_from_db()
    note.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        add(group_a, joined, "after")
    with pytest.raises(ValidationError, match="closed"):
        services.contribution_edit(contribution=note, text="changed", participant=joined)
    with pytest.raises(ValidationError, match="closed"):
        services.participant_join(group=group_a, display_name="Late")
    with pytest.raises(ValidationError):
        services.workshop_session_set_status(session=session, by=owner, status="paused")


def test_only_the_author_edits_or_withdraws(session, group_a, joined):
    note = add(group_a, joined, "mine")
    other = services.participant_join(group=group_a, display_name="Other")
    with pytest.raises(ValidationError, match="only your own"):
        services.contribution_edit(contribution=note, text="hijack", participant=other)
    with pytest.raises(ValidationError, match="only your own"):
        services.contribution_withdraw(contribution=note, participant=other)
    services.contribution_edit(contribution=note, text="edited", participant=joined)
    services.contribution_withdraw(contribution=note, participant=joined)
    note.refresh_from_db()
    assert note.text == "edited"
    assert note.withdrawn


def test_every_change_raises_the_version(session, group_a, joined, owner):
    versions = [session.version]

    def now():
        versions.append(WorkshopSession.objects.get(pk=session.pk).version)

    note = add(group_a, joined, "one")
    now()
    services.contribution_set_hidden(contribution=note, by=owner, hidden=True)
    now()
    services.themes_suggest(session=session, section_key="matrix", by=owner)
    now()
    assert versions == sorted(set(versions))


def test_merge_hides_and_links_and_restore_undoes(session, group_a, joined, owner):
    keep = add(group_a, joined, "time and resources")
    first = add(group_a, joined, "time & resources")
    second = add(group_a, joined, "resources and time", ("matrix", "move", "price"))
    question = add(group_a, joined, "why?", ("questions", "", ""))
    with pytest.raises(ValidationError, match="same section"):
        services.contributions_merge(target=keep, duplicates=[question], by=owner)
    assert services.contributions_merge(target=keep, duplicates=[first], by=owner) == 1
    # Merging a note that others were merged into moves those along.
    services.contributions_merge(target=second, duplicates=[keep], by=owner)
    first.refresh_from_db()
    keep.refresh_from_db()
    assert first.merged_into_id == second.pk
    assert first.hidden
    assert keep.merged_into_id == second.pk
    assert not keep.is_visible
    services.contribution_set_hidden(contribution=keep, by=owner, hidden=False)
    keep.refresh_from_db()
    assert keep.is_visible
    assert keep.merged_into_id is None


def test_themes_suggest_replaces_suggestions_and_keeps_named(session, group_a, joined, owner):
    texts = [
        "ויתור על בלעדיות בידע",
        "ויתור על הבלעדיות בידע שלנו",
        "זמן ומשאבים",
        "השקעת זמן ומשאבים",
        "גיוס תקציבים",
    ]
    notes = [add(group_a, joined, text) for text in texts]
    themes = services.themes_suggest(session=session, section_key="matrix", by=owner)
    assert len(themes) == 2
    assert all(t.is_automatic for t in themes)
    exclusivity = next(t for t in themes if "בלעדיות" in t.name)
    services.theme_rename(theme=exclusivity, by=owner, name="Exclusivity")
    again = services.themes_suggest(session=session, section_key="matrix", by=owner)
    assert len(again) == 1  # only the unnamed notes are clustered again
    assert Theme.objects.filter(session=session).count() == 2
    assert set(exclusivity.contributions.values_list("pk", flat=True)) == {notes[0].pk, notes[1].pk}
    fresh = services.themes_suggest(
        session=session, section_key="matrix", by=owner, keep_named=False
    )
    assert len(fresh) == 2
    assert not Theme.objects.filter(pk=exclusivity.pk).exists()
    with pytest.raises(ValidationError):
        services.themes_suggest(session=session, section_key="nope", by=owner)


def test_hidden_and_withdrawn_notes_are_not_clustered(session, group_a, joined, owner):
    one = add(group_a, joined, "זמן ומשאבים")
    two = add(group_a, joined, "השקעת זמן ומשאבים")
    services.contribution_set_hidden(contribution=two, by=owner, hidden=True)
    assert services.themes_suggest(session=session, section_key="matrix", by=owner) == []
    assert Contribution.objects.get(pk=one.pk).theme_id is None


def test_rename_merge_split_move_delete(session, group_a, joined, owner):
    notes = [add(group_a, joined, f"note {n}") for n in range(4)]
    a = services.theme_create(session=session, section_key="matrix", by=owner, name="A")
    b = services.theme_create(session=session, section_key="matrix", by=owner, name="B")
    q = services.theme_create(session=session, section_key="questions", by=owner, name="Q")
    for note in notes[:3]:
        services.contribution_set_theme(contribution=note, theme=a, by=owner)
    services.contribution_set_theme(contribution=notes[3], theme=b, by=owner)
    with pytest.raises(ValidationError):
        services.contribution_set_theme(contribution=notes[0], theme=q, by=owner)
    with pytest.raises(ValidationError):
        services.theme_rename(theme=a, by=owner, name="  ")
    with pytest.raises(ValidationError):
        services.theme_merge(theme=a, into=q, by=owner)
    with pytest.raises(ValidationError):
        services.theme_split(theme=a, contributions=[notes[3]], by=owner, name="C")
    c = services.theme_split(theme=a, contributions=notes[:2], by=owner, name="C")
    assert set(c.contributions.values_list("pk", flat=True)) == {notes[0].pk, notes[1].pk}
    services.theme_merge(theme=b, into=a, by=owner)
    assert not Theme.objects.filter(pk=b.pk).exists()
    assert set(a.contributions.values_list("pk", flat=True)) == {notes[2].pk, notes[3].pk}
    services.theme_delete(theme=a, by=owner)
    assert Contribution.objects.filter(theme__isnull=True).count() == 2
    assert Contribution.objects.count() == 4


def test_groups_add_rename_reset_delete(session, group_a, joined, owner):
    group = services.working_group_add(session=session, by=owner, name="  Group C ")
    assert group.name == "Group C"
    assert group.position == 3
    with pytest.raises(ValidationError):
        services.working_group_add(session=session, by=owner, name=" ")
    old = group_a.join_token
    services.working_group_reset_link(group=group_a, by=owner)
    assert group_a.join_token != old
    add(group_a, joined, "something")
    with pytest.raises(ValidationError, match="has contributions"):
        services.working_group_delete(group=group_a, by=owner)
    services.working_group_delete(group=group, by=owner)
    assert session.groups.count() == 2


def test_summary_goes_to_the_knowledge_base(session, group_a, joined, owner):
    from meshutaf.knowledge.models import Document, Insight

    add(group_a, joined, "זמן ומשאבים")
    add(group_a, joined, "השקעת זמן ומשאבים")
    services.themes_suggest(session=session, section_key="matrix", by=owner)
    document, insight = services.workshop_summary_to_knowledge(
        session=session, by=owner, language="he"
    )
    assert Document.objects.get() == document
    assert document.file_type == "docx"
    assert document.initiative_id == session.initiative_id
    assert Insight.objects.get() == insight
    assert "זמן ומשאבים" in insight.body
    with pytest.raises(ValidationError):
        services.workshop_summary_to_knowledge(
            session=session, by=owner, language="he", document=False, insight=False
        )
