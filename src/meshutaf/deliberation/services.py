"""Writes for deliberation: conversations, statements, participants, votes, the stored opinion
map, and Pol.is import. Callers have passed the gate in `permissions.py` first."""

import dataclasses
import datetime
import logging
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meshutaf.accounts.models import User
from meshutaf.core import tables
from meshutaf.core.access import Role
from meshutaf.core.ratelimit import (
    RateLimitError,
    address_hash,
    minutes_to_wait,
    seconds_until_allowed,
)
from meshutaf.core.services import model_save, model_update
from meshutaf.core.text import fold_text
from meshutaf.initiatives.models import Initiative
from meshutaf.initiatives.services import require_same_initiative
from meshutaf.notifications.models import Kind as NoticeKind
from meshutaf.notifications.services import notify_later

from . import opinion, replay, selectors
from .models import (
    MAX_PARTICIPANT_LIMIT,
    MAX_PARTICIPANT_LIMIT_MINUTES,
    STATEMENT_MAX_LENGTH,
    Conversation,
    ConversationStatus,
    Moderation,
    Participant,
    Statement,
    StatementStatus,
    Vote,
    new_token,
)
from .polis_format import PolisExport
from .results import KState, OpinionMap, StoredMapError

logger = logging.getLogger(__name__)

CONVERSATION_FIELDS = (
    "title",
    "question",
    "description",
    "meeting",
    "allow_anonymous",
    "accept_statements",
    "moderation",
    "show_results",
    "participant_limit",
    "participant_limit_minutes",
)
# A participant may not flood the moderation queue.
MAX_PENDING_PER_PARTICIPANT = 10
# Votes arriving within this many seconds are analysed together.
ANALYSIS_DELAY_SECONDS = 10
RESUME_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


# --- Conversations -------------------------------------------------------------------------


def _check_limits(fields: dict) -> None:
    limit = fields.get("participant_limit")
    if limit is not None and not 0 <= limit <= MAX_PARTICIPANT_LIMIT:
        raise ValidationError(
            {
                "participant_limit": _("Choose a number from 0 (no limit) to %(max)s.")
                % {"max": MAX_PARTICIPANT_LIMIT}
            }
        )
    minutes = fields.get("participant_limit_minutes")
    if minutes is not None and not 1 <= minutes <= MAX_PARTICIPANT_LIMIT_MINUTES:
        raise ValidationError(
            {
                "participant_limit_minutes": ngettext(
                    "Choose from 1 to %(max)s minute.",
                    "Choose from 1 to %(max)s minutes.",
                    MAX_PARTICIPANT_LIMIT_MINUTES,
                )
                % {"max": MAX_PARTICIPANT_LIMIT_MINUTES}
            }
        )


@transaction.atomic
def conversation_create(*, initiative: Initiative, by: User, **fields) -> Conversation:
    require_same_initiative(initiative, fields.get("meeting"))
    _check_limits(fields)
    conversation = Conversation(initiative=initiative, created_by=by)
    for name in CONVERSATION_FIELDS:
        if name in fields:
            setattr(conversation, name, fields[name])
    return model_save(conversation, by=by)


@transaction.atomic
def conversation_update(*, conversation: Conversation, by: User, data: dict) -> Conversation:
    require_same_initiative(conversation.initiative, data.get("meeting"))
    _check_limits(data)
    conversation, _changed = model_update(
        instance=conversation, fields=CONVERSATION_FIELDS, data=data, by=by
    )
    return conversation


@transaction.atomic
def conversation_set_status(*, conversation: Conversation, by: User, status: str) -> Conversation:
    if status not in ConversationStatus.values:
        raise ValidationError(_("Choose a valid status."))
    if (
        status == ConversationStatus.OPEN
        and not conversation.statements.filter(status=StatementStatus.ACCEPTED).exists()
    ):
        raise ValidationError(_("Add at least one statement before opening the conversation."))
    opening = conversation.status != ConversationStatus.OPEN and status == ConversationStatus.OPEN
    conversation.status = status
    conversation = model_save(conversation, by=by)
    if opening:
        notify_later(
            kind=NoticeKind.DELIBERATION_OPENED,
            roles=Role.values,
            initiative=conversation.initiative_id,
            params={"title": conversation.title},
            url=reverse("deliberation:detail", args=[conversation.pk]),
            actor=by,
        )
    return conversation


@transaction.atomic
def conversation_reset_link(*, conversation: Conversation, by: User) -> Conversation:
    """A new participation link; the old one stops working at once."""
    conversation.token = new_token()
    return model_save(conversation, by=by)


@transaction.atomic
def conversation_delete(*, conversation: Conversation, by: User) -> None:
    conversation.delete()


# --- Statements ----------------------------------------------------------------------------


def statement_text_clean(text: str) -> str:
    """A statement's text as it is stored (cleaned, its spaces collapsed); ValidationError when
    it is empty or too long."""
    text = " ".join(tables.clean(text or "").split())
    if not text:
        raise ValidationError({"text": _("Write the statement.")})
    if len(text) > STATEMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("A statement is at most %(max)s characters; this one has %(n)s.")
                % {"max": STATEMENT_MAX_LENGTH, "n": len(text)}
            }
        )
    return text


def _folded_texts(conversation: Conversation) -> set[str]:
    return {
        fold_text(text)
        for text in conversation.statements.exclude(status=StatementStatus.REJECTED).values_list(
            "text", flat=True
        )
    }


@transaction.atomic
def statement_add(
    *,
    conversation: Conversation,
    text: str,
    by: User | None = None,
    participant: Participant | None = None,
) -> Statement:
    """A statement from the facilitator (a seed, accepted at once) or from a participant
    (waiting for approval when the conversation is pre-moderated)."""
    text = statement_text_clean(text)
    if fold_text(text) in _folded_texts(conversation):
        raise ValidationError({"text": _("This statement is already in the conversation.")})
    if participant is not None:
        if not conversation.accept_statements:
            raise ValidationError(_("This conversation does not take new statements."))
        if not conversation.is_open:
            raise ValidationError(_("This conversation is closed."))
        pending = conversation.statements.filter(
            author=participant, status=StatementStatus.PENDING
        ).count()
        if pending >= MAX_PENDING_PER_PARTICIPANT:
            raise ValidationError(
                _("You have %(n)s statements waiting for approval; please wait for them first.")
                % {"n": pending}
            )
        status = (
            StatementStatus.PENDING
            if conversation.moderation == Moderation.PRE
            else StatementStatus.ACCEPTED
        )
    else:
        status = StatementStatus.ACCEPTED
    statement = model_save(
        Statement(
            conversation=conversation,
            text=text,
            status=status,
            is_seed=participant is None,
            author=participant,
        ),
        by=by,
    )
    if participant is not None:
        # Writing a statement is agreeing with it, as on Pol.is.
        _vote_upsert(participant=participant, statement=statement, value=1)
    return statement


@transaction.atomic
def statement_moderate(*, statement: Statement, by: User, status: str) -> Statement:
    if status not in StatementStatus.values:
        raise ValidationError(_("Choose a valid status."))
    if statement.status == status:
        return statement
    statement.status = status
    model_save(statement, by=by)
    _votes_changed(statement.conversation)
    return statement


@transaction.atomic
def statements_import(*, conversation: Conversation, by: User, texts: list[str]) -> int:
    """Add seed statements; ones already present (or repeated in the file) are skipped.
    Returns how many were added."""
    seen = _folded_texts(conversation)
    added = []
    for text in texts:
        text = statement_text_clean(text)
        folded = fold_text(text)
        if folded in seen:
            continue
        seen.add(folded)
        added.append(Statement(conversation=conversation, text=text, is_seed=True))
    Statement.objects.bulk_create(added)
    return len(added)


# --- Participants and votes ----------------------------------------------------------------


def participant_for_user(*, conversation: Conversation, user: User) -> Participant:
    participant = Participant.objects.filter(conversation=conversation, user=user).first()
    if participant is not None:
        return participant
    try:
        with transaction.atomic():
            return Participant.objects.create(conversation=conversation, user=user)
    except IntegrityError:  # a second tab created it a moment ago
        return Participant.objects.get(conversation=conversation, user=user)


def _participant_address_hash(*, conversation: Conversation, address: str) -> str:
    """The stored form of a participant's address: a salted hash, scoped to the conversation."""
    return address_hash(address, scope=f"deliberation:{conversation.pk}")


@transaction.atomic
def participant_create(*, conversation: Conversation, address: str | None = None) -> Participant:
    """A participant without an account, started by a browser that opened the link. With the
    client's `address` (every web request gives one), at most `participant_limit` are started
    from one network within `participant_limit_minutes`; beyond that the request is refused
    with `RateLimitError` and nothing is written. Callers without a request (tests, the demo,
    imports) pass no address and are not counted."""
    if not conversation.is_open:
        raise ValidationError(_("This conversation is closed."))
    hashed = ""
    if address is not None:
        hashed = _participant_address_hash(conversation=conversation, address=address)
        # Serialise starts in this conversation (a row lock on PostgreSQL; SQLite already
        # writes one at a time), so parallel requests cannot all slip under the limit.
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        _check_participant_limit(conversation, hashed)
    return Participant.objects.create(conversation=conversation, address_hash=hashed)


def _check_participant_limit(conversation: Conversation, hashed: str) -> None:
    limit = conversation.participant_limit
    if not limit:
        return
    window = datetime.timedelta(minutes=conversation.participant_limit_minutes)
    wait = seconds_until_allowed(
        Participant.objects.filter(
            conversation=conversation,
            address_hash=hashed,
            created_at__gte=timezone.now() - window,
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit],
        limit=limit,
        window=window,
    )
    if not wait:
        return
    # One number per sentence, so each sentence takes its own plural.
    window = conversation.participant_limit_minutes
    minutes = minutes_to_wait(wait)
    raise RateLimitError(
        ngettext(
            "Too many people have joined this conversation from your network in the last "
            "%(count)s minute.",
            "Too many people have joined this conversation from your network in the last "
            "%(count)s minutes.",
            window,
        )
        % {"count": window}
        + " "
        + ngettext(
            "Please try again in %(count)s minute, or ask the facilitator.",
            "Please try again in %(count)s minutes, or ask the facilitator.",
            minutes,
        )
        % {"count": minutes},
        retry_after=wait,
    )


@transaction.atomic
def participants_set_excluded(
    *,
    conversation: Conversation,
    by: User,
    address_hash: str,
    first: datetime.datetime,
    last: datetime.datetime,
    excluded: bool,
) -> int:
    """Exclude from the analysis (or include again) a burst the facilitator judged as one
    person voting many times: the participants who joined from one network from the burst's
    `first` join to `last`. Their votes are kept, so this can be undone. Returns how many
    changed.

    The form carries the burst as the page showed it, so `first` must be where a burst of
    that network starts and `last` within it: altered times cannot reach participants outside
    the burst, and those who joined after the page was shown are not excluded unseen."""
    burst = next(
        (
            burst
            for burst in selectors.participant_bursts(conversation=conversation)
            if burst["address"] == address_hash
            and burst["first"] == first
            and first <= last <= burst["last"]
        ),
        None,
    )
    if burst is None:
        raise ValidationError(_("This group of joins was not found; reload the page."))
    changed = (
        Participant.objects.filter(
            conversation=conversation,
            user__isnull=True,
            address_hash=address_hash,
            created_at__gte=first,
            created_at__lte=last,
        )
        .exclude(excluded=excluded)
        .update(excluded=excluded, updated_at=timezone.now())
    )
    if changed:
        _votes_changed(conversation)
    return changed


@transaction.atomic
def participant_resume_code(*, participant: Participant) -> str:
    """A short code that lets the same participant continue on another device."""
    if participant.resume_code:
        return participant.resume_code
    for _attempt in range(5):
        code = "".join(secrets.choice(RESUME_ALPHABET) for _ in range(8))
        if not Participant.objects.filter(
            conversation_id=participant.conversation_id, resume_code=code
        ).exists():
            participant.resume_code = code
            participant.save(update_fields=["resume_code", "updated_at"])
            return code
    raise ValidationError(_("Could not make a code; please try again."))


def participant_by_resume_code(*, conversation: Conversation, code: str) -> Participant:
    normalised = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    participant = None
    if len(normalised) == 8:
        participant = Participant.objects.filter(
            conversation=conversation, resume_code=normalised
        ).first()
    if participant is None:
        raise ValidationError({"code": _("No participant has this code in this conversation.")})
    return participant


def _vote_upsert(*, participant: Participant, statement: Statement, value: int) -> Vote:
    vote, created = Vote.objects.get_or_create(
        participant=participant, statement=statement, defaults={"value": value}
    )
    if not created and vote.value != value:
        vote.value = value
        vote.save(update_fields=["value", "updated_at"])
    _votes_changed(statement.conversation)
    return vote


@transaction.atomic
def vote_cast(*, participant: Participant, statement: Statement, value) -> Vote:
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = None
    if value not in (-1, 0, 1):
        raise ValidationError(_("A vote is agree, disagree or pass."))
    if statement.conversation_id != participant.conversation_id:
        raise ValidationError(_("This statement belongs to another conversation."))
    if not participant.conversation.is_open:
        raise ValidationError(_("This conversation is closed; votes can no longer change."))
    if statement.status != StatementStatus.ACCEPTED:
        raise ValidationError(_("This statement is not open for votes."))
    return _vote_upsert(participant=participant, statement=statement, value=value)


# --- The opinion map -----------------------------------------------------------------------


def _votes_changed(conversation: Conversation) -> None:
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(votes_changed_at=now)
    conversation.votes_changed_at = now
    analysis_request(conversation=conversation)


def analysis_request(*, conversation: Conversation) -> None:
    """Ask the worker to recompute the map, once per burst of votes: if a run is already
    waiting (requested after the last analysis), this vote joins it."""
    pending = conversation.analysis_requested_at and (
        conversation.analysed_at is None
        or conversation.analysis_requested_at > conversation.analysed_at
    )
    if pending:
        return
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(analysis_requested_at=now)
    conversation.analysis_requested_at = now
    conversation_id = conversation.pk
    transaction.on_commit(lambda: _enqueue_analysis(conversation_id))


def _enqueue_analysis(conversation_id: int) -> None:
    from django_tasks import default_task_backend

    from .tasks import analyse_conversation

    task = analyse_conversation
    if default_task_backend.supports_defer:
        run_after = timezone.now() + datetime.timedelta(seconds=ANALYSIS_DELAY_SECONDS)
        task = task.using(run_after=run_after)
    task.enqueue(conversation_id)


def conversation_analyze(*, conversation_id: int, seed: int = 0) -> Conversation | None:
    """Recompute and store the opinion map. Runs in the worker; safe to run twice."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return None
    started_at = timezone.now()
    table = selectors.conversation_vote_table(conversation)
    try:
        previous = selectors.stored_map(conversation=conversation)
    except StoredMapError:
        # The map is recomputed from the votes; only the path so far (replay state) is lost.
        logger.warning("Conversation %s: stored map unreadable, recomputed", conversation.pk)
        previous = None
    if replay.fits(len(table.participants), len(table.statements)):
        # One Pol.is update from where the last one left off (see `replay`).
        stored = previous.replay if previous else None
        replayer, state = replay.update_once(table, stored, seed=seed)
        analysis = opinion.analyze(table, seed=seed, groups_by_row=replayer.group_of_rows())
        smoother = replayer.state
        if smoother.smoothed_k is not None and smoother.last_k is not None:
            analysis.k_state = KState(smoother.last_k, smoother.last_k_count, smoother.smoothed_k)
        result = dataclasses.replace(OpinionMap.from_analysis(analysis), replay=state)
    else:  # too large to keep dense: one analysis of the votes, with the k smoother
        k_state = previous.k_state if previous else None
        result = OpinionMap.from_analysis(opinion.analyze(table, seed=seed, k_state=k_state))
    # Only the analysis fields are written, so an edit made meanwhile is not overwritten.
    Conversation.objects.filter(pk=conversation.pk).update(
        analysis=result.to_json(), analysed_at=started_at
    )
    conversation.refresh_from_db()
    if conversation.analysis_stale:
        # Votes arrived while this run was reading; their own request may have found this
        # run pending and stood down, so ask again.
        analysis_request(conversation=conversation)
    return conversation


# --- Pol.is import -------------------------------------------------------------------------


@transaction.atomic
def polis_import(
    *, initiative: Initiative, by: User, export: PolisExport, title: str, question: str = ""
) -> Conversation:
    """A closed conversation holding a Pol.is export: its comments (moderated-out ones
    removed, unmoderated ones waiting), its voters as participants, and the latest vote of
    each. Nothing is written unless everything is."""
    if not export.votes:
        raise ValidationError(_("The export has no votes."))
    conversation = conversation_create(
        initiative=initiative,
        by=by,
        title=title,
        question=question or title,
        allow_anonymous=False,
        accept_statements=False,
    )
    known = {c.id for c in export.comments}
    comments = list(export.comments) + [
        _implicit_comment(cid)
        for cid in dict.fromkeys(v.comment for v in export.votes)
        if cid not in known
    ]
    status = {
        -1: StatementStatus.REJECTED,
        0: StatementStatus.PENDING,
        1: StatementStatus.ACCEPTED,
    }
    statements = Statement.objects.bulk_create(
        [
            Statement(
                conversation=conversation,
                text=(" ".join(tables.clean(c.body).split()) or f"#{c.id}")[:STATEMENT_MAX_LENGTH],
                status=status[c.moderated],
                is_seed=True,
                external_id=c.id[:64],
            )
            for c in comments
        ]
    )
    statement_by_id = {s.external_id: s.pk for s in statements}
    voters = list(dict.fromkeys(v.voter for v in export.votes))
    participants = Participant.objects.bulk_create(
        [Participant(conversation=conversation, external_id=voter[:64]) for voter in voters]
    )
    participant_by_id = {p.external_id: p.pk for p in participants}
    first_cast: dict = {}
    for vote in export.votes:
        first_cast.setdefault((vote.voter, vote.comment), vote.timestamp)
    Vote.objects.bulk_create(
        [
            Vote(
                participant_id=participant_by_id[vote.voter[:64]],
                statement_id=statement_by_id[vote.comment[:64]],
                value=vote.vote,
            )
            for vote in export.latest_votes()
        ],
        batch_size=5000,
    )
    # Keep Pol.is's timing: first vote per pair (the order participants arrived in).
    _set_vote_times(conversation, first_cast, participant_by_id, statement_by_id)
    Conversation.objects.filter(pk=conversation.pk).update(
        status=ConversationStatus.CLOSED, votes_changed_at=timezone.now()
    )
    conversation.refresh_from_db()
    analysis_request(conversation=conversation)
    return conversation


def _implicit_comment(comment_id: str):
    from .polis_format import PolisComment

    return PolisComment(id=comment_id, author="", moderated=1, body="", timestamp=0)


def _set_vote_times(conversation, first_cast, participant_by_id, statement_by_id) -> None:
    votes = Vote.objects.filter(statement__conversation=conversation).only(
        "pk", "participant_id", "statement_id"
    )
    participant_ext = {pk: ext for ext, pk in participant_by_id.items()}
    statement_ext = {pk: ext for ext, pk in statement_by_id.items()}
    changed = []
    for vote in votes.iterator(chunk_size=5000):
        stamp = first_cast.get(
            (participant_ext[vote.participant_id], statement_ext[vote.statement_id])
        )
        if stamp:
            vote.created_at = datetime.datetime.fromtimestamp(stamp / 1000, tz=datetime.UTC)
            changed.append(vote)
    Vote.objects.bulk_update(changed, ["created_at"], batch_size=2000)
