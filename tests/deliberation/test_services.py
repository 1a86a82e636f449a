import pytest
from django.core.exceptions import ValidationError

from meshutaf.deliberation import importing, selectors, services
from meshutaf.deliberation.models import (
    ConversationStatus,
    Moderation,
    Participant,
    StatementStatus,
    Vote,
)
from meshutaf.deliberation.polis_format import PolisComment, PolisExport, PolisVote

from .conftest import vote_all

pytestmark = pytest.mark.django_db


def test_statements_are_cleaned_and_duplicates_refused(conversation, owner):
    statement = services.statement_add(
        conversation=conversation, text="  Shared   data,\nopenly.  ", by=owner
    )
    assert statement.text == "Shared data, openly."
    assert statement.status == StatementStatus.ACCEPTED
    with pytest.raises(ValidationError, match="already"):
        services.statement_add(conversation=conversation, text="shared data, openly.", by=owner)
    with pytest.raises(ValidationError, match="at most 280"):
        services.statement_add(conversation=conversation, text="x" * 281, by=owner)
    with pytest.raises(ValidationError, match="Write the statement"):
        services.statement_add(conversation=conversation, text="   ", by=owner)


def test_participant_statements_wait_for_approval_and_count_as_agree(conversation):
    participant = services.participant_create(conversation=conversation)
    statement = services.statement_add(
        conversation=conversation, text="Meet in Arab towns too.", participant=participant
    )
    assert statement.status == StatementStatus.PENDING
    assert not statement.is_seed
    assert Vote.objects.get(participant=participant, statement=statement).value == 1
    conversation.moderation = Moderation.POST
    conversation.save()
    other = services.statement_add(
        conversation=conversation, text="Publish the minutes.", participant=participant
    )
    assert other.status == StatementStatus.ACCEPTED


def test_pending_statements_are_capped(conversation):
    participant = services.participant_create(conversation=conversation)
    for i in range(services.MAX_PENDING_PER_PARTICIPANT):
        services.statement_add(
            conversation=conversation, text=f"Idea number {i}", participant=participant
        )
    with pytest.raises(ValidationError, match="waiting for approval"):
        services.statement_add(conversation=conversation, text="One more", participant=participant)


def test_votes_upsert_and_bad_votes_change_nothing(conversation):
    participant = services.participant_create(conversation=conversation)
    statement = conversation.statements.first()
    services.vote_cast(participant=participant, statement=statement, value="1")
    services.vote_cast(participant=participant, statement=statement, value=-1)
    assert Vote.objects.get(participant=participant, statement=statement).value == -1
    for bad in ("2", "agree", None, ""):
        with pytest.raises(ValidationError):
            services.vote_cast(participant=participant, statement=statement, value=bad)
    assert Vote.objects.filter(participant=participant).count() == 1
    assert Vote.objects.get(participant=participant, statement=statement).value == -1


def test_no_votes_on_removed_statements_or_closed_conversations(conversation, owner):
    participant = services.participant_create(conversation=conversation)
    statement = conversation.statements.first()
    services.statement_moderate(statement=statement, by=owner, status=StatementStatus.REJECTED)
    with pytest.raises(ValidationError, match="not open"):
        services.vote_cast(participant=participant, statement=statement, value=1)
    other = conversation.statements.exclude(pk=statement.pk).first()
    services.conversation_set_status(
        conversation=conversation, by=owner, status=ConversationStatus.CLOSED
    )
    participant.conversation.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.vote_cast(participant=participant, statement=other, value=1)


def test_cannot_open_without_statements(initiative, owner):
    empty = services.conversation_create(
        initiative=initiative, by=owner, title="Empty", question="?"
    )
    with pytest.raises(ValidationError, match="at least one statement"):
        services.conversation_set_status(
            conversation=empty, by=owner, status=ConversationStatus.OPEN
        )


def test_votes_trigger_one_analysis_with_groups(conversation, django_capture_on_commit_callbacks):
    # Two camps of eight: the first two statements against the last two.
    participants = [services.participant_create(conversation=conversation) for _ in range(16)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        vote_all(conversation, participants, [[1, 1, -1, -1]] * 8 + [[-1, -1, 1, 1]] * 8)
    assert len(callbacks) == 1  # a burst of votes asks for one analysis
    conversation.refresh_from_db()
    analysis = conversation.analysis
    assert conversation.analysed_at is not None
    assert not conversation.analysis_stale
    assert analysis["n_participants"] == 16
    assert sorted(group["size"] for group in analysis["groups"]) == [8, 8]
    groups = {analysis["participants"][str(p.pk)][2] for p in participants[:8]}
    assert len(groups) == 1
    assert analysis["k_state"] is not None


def test_each_analysis_is_one_update_from_where_the_last_left_off(conversation):
    """The worker's analysis carries Pol.is's state (components, clusters, k smoother) by
    participant and statement id, so the next update starts from it; a state that cannot be
    read means a fresh start, never an error."""
    participants = [services.participant_create(conversation=conversation) for _ in range(16)]
    vote_all(conversation, participants[:10], [[1, 1, -1, -1]] * 5 + [[-1, -1, 1, 1]] * 5)
    services.conversation_analyze(conversation_id=conversation.pk)
    conversation.refresh_from_db()
    first = conversation.analysis["replay"]
    assert first["updates"] == 1
    assert sorted(first["in_conversation"]) == sorted(p.pk for p in participants[:10])
    vote_all(conversation, participants[10:], [[1, 1, -1, -1]] * 3 + [[-1, -1, 1, 1]] * 3)
    services.conversation_analyze(conversation_id=conversation.pk)
    conversation.refresh_from_db()
    second = conversation.analysis["replay"]
    assert second["updates"] == 2
    assert set(first["base"]["ids"]) <= set(second["base"]["ids"])
    assert len(second["in_conversation"]) == 16
    assert sorted(group["size"] for group in conversation.analysis["groups"]) == [8, 8]
    broken = {**conversation.analysis, "replay": {**second, "base": {"ids": "x"}}}
    type(conversation).objects.filter(pk=conversation.pk).update(analysis=broken)
    services.conversation_analyze(conversation_id=conversation.pk)
    conversation.refresh_from_db()
    assert conversation.analysis["replay"]["updates"] == 1
    assert sorted(group["size"] for group in conversation.analysis["groups"]) == [8, 8]


def test_a_conversation_too_large_to_replay_is_analysed_once(conversation, monkeypatch):
    from meshutaf.deliberation import replay

    monkeypatch.setattr(replay, "MAX_CELLS", 10)
    participants = [services.participant_create(conversation=conversation) for _ in range(16)]
    vote_all(conversation, participants, [[1, 1, -1, -1]] * 8 + [[-1, -1, 1, 1]] * 8)
    services.conversation_analyze(conversation_id=conversation.pk)
    conversation.refresh_from_db()
    assert "replay" not in conversation.analysis
    assert sorted(group["size"] for group in conversation.analysis["groups"]) == [8, 8]


def test_resume_code_finds_the_same_participant(conversation):
    participant = services.participant_create(conversation=conversation)
    code = services.participant_resume_code(participant=participant)
    assert len(code) == 8
    assert services.participant_resume_code(participant=participant) == code
    found = services.participant_by_resume_code(
        conversation=conversation, code=f" {code[:4].lower()}-{code[4:]} "
    )
    assert found == participant
    with pytest.raises(ValidationError):
        services.participant_by_resume_code(conversation=conversation, code="AAAA-AAAA")


def test_statements_csv_is_all_or_nothing(conversation, owner):
    def parse(raw, first_row_is_heading=True):
        return importing.statements_parse(raw=raw, first_row_is_heading=first_row_is_heading).texts

    assert parse(b"text\nFirst idea\n\nSecond idea\n") == ["First idea", "Second idea"]
    assert parse(b"Only a column\nAnother", False) == ["Only a column", "Another"]
    with pytest.raises(ValidationError, match="Row 3"):
        parse(("text\nfine\n" + "y" * 300 + "\n").encode())
    # Excel's "CSV" in Hebrew Windows is the Windows Hebrew code page, read like every import.
    assert parse("text\nשלום".encode("cp1255")) == ["שלום"]
    before = conversation.statements.count()
    added = services.statements_import(
        conversation=conversation, by=owner, texts=["One shared, measurable goal.", "New one"]
    )
    assert added == 1
    assert conversation.statements.count() == before + 1


def test_routing_prefers_unseen_statements_and_stops_when_done(conversation):
    participant = services.participant_create(conversation=conversation)
    seen = set()
    while (statement := selectors.next_statement(participant=participant)) is not None:
        assert statement.pk not in seen
        seen.add(statement.pk)
        services.vote_cast(participant=participant, statement=statement, value=0)
    assert len(seen) == conversation.statements.count()
    progress = selectors.participant_progress(participant=participant)
    assert progress == {"voted": 4, "total": 4, "remaining": 0}


def test_polis_import_and_export_round_trip(initiative, owner):
    export = PolisExport(
        comments=[
            PolisComment(id="1", author="9", moderated=1, body="Keep it", timestamp=1),
            PolisComment(id="2", author="9", moderated=-1, body="Spam", timestamp=2),
        ],
        votes=[
            PolisVote(timestamp=10, comment="1", voter="a", vote=1),
            PolisVote(timestamp=11, comment="1", voter="a", vote=-1),
            PolisVote(timestamp=12, comment="2", voter="b", vote=0),
        ],
    )
    conversation = services.polis_import(
        initiative=initiative, by=owner, export=export, title="Imported"
    )
    assert conversation.status == ConversationStatus.CLOSED
    assert conversation.statements.get(external_id="2").status == StatementStatus.REJECTED
    assert Participant.objects.filter(conversation=conversation).count() == 2
    assert Vote.objects.get(statement__external_id="1").value == -1
    votes, comments = selectors.export_rows(conversation)
    assert sorted((row[2], row[3], row[4]) for row in votes) == [("1", "a", -1), ("2", "b", 0)]
    assert [(row[2], row[6]) for row in comments] == [("1", 1), ("2", -1)]
