"""Writes for workshops. Every change validates, runs in a transaction and raises the session's
version, which is how the live board knows to refresh. Participants' writes are bounded
(length, pace, total), per participant and per network, so an open link cannot flood a session."""

import datetime
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meshutaf.accounts.models import User
from meshutaf.core.access import Role
from meshutaf.core.ratelimit import (
    RateLimitError,
    address_hash,
    minutes_to_wait,
    seconds_until_allowed,
)
from meshutaf.core.services import model_save, model_update
from meshutaf.initiatives.models import Initiative
from meshutaf.knowledge.services import document_upload, insight_create
from meshutaf.meetings.models import Meeting
from meshutaf.notifications.models import Kind as NoticeKind
from meshutaf.notifications.services import notify_later

from . import canvas, themes
from .builtin import BUILTIN_TEMPLATES
from .models import (
    MAX_CONTRIBUTION,
    MAX_NAME,
    CanvasTemplate,
    Contribution,
    Participant,
    SessionStatus,
    Theme,
    WorkingGroup,
    WorkshopSession,
)

MAX_GROUPS = 30
MAX_PARTICIPANTS_PER_GROUP = 300
# Per participant (and per account, over every time it joined): notes a minute, and in all.
PER_MINUTE = 30
MAX_PER_PARTICIPANT = 300
# Per network (an IPv4 address or an IPv6 /64), whatever the browser session: a new session is
# a new participant, so these are what stop one client from starting fresh allowances. A room
# sharing one Wi-Fi is one network, so they are set for a room, not for one person.
ADDRESS_WINDOW = datetime.timedelta(minutes=10)
JOINS_PER_ADDRESS = 60
NOTES_PER_ADDRESS = 200
# Per network over the whole session. The two above are rates, and the per-participant cap
# starts afresh with every join, so without this one client that keeps rejoining could send
# NOTES_PER_ADDRESS every window for as long as the session is open. Set for a full room on
# one Wi-Fi (about 100 people writing 20 notes each).
NOTES_PER_ADDRESS_TOTAL = 2000
SESSION_FIELDS = ("title", "instructions", "allow_anonymous", "meeting")
TEMPLATE_FIELDS = ("title", "description", "schema")


def _touch(session: WorkshopSession) -> None:
    WorkshopSession.objects.filter(pk=session.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )


def _new_token() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, 96 random bits


# --- Templates ------------------------------------------------------------------------------


@transaction.atomic
def builtin_templates_ensure() -> list[CanvasTemplate]:
    """The built-in templates, created or brought up to date. Idempotent and cheap when
    nothing changed (one query)."""
    existing = {
        template.key: template
        for template in CanvasTemplate.objects.filter(initiative=None).exclude(key="")
    }
    result = []
    for spec in BUILTIN_TEMPLATES:
        template = existing.get(spec["key"])
        schema = canvas.normalize_schema(spec["schema"])
        if template is None:
            template = model_save(
                CanvasTemplate(
                    key=spec["key"],
                    title=spec["title"],
                    description=spec["description"],
                    schema=schema,
                )
            )
        elif (template.title, template.description, template.schema) != (
            spec["title"],
            spec["description"],
            schema,
        ):
            template.title, template.description = spec["title"], spec["description"]
            template.schema = schema
            model_save(template)
        result.append(template)
    return result


@transaction.atomic
def canvas_template_create(
    *, initiative: Initiative, by: User, title: str, schema, description: str = ""
) -> CanvasTemplate:
    return model_save(
        CanvasTemplate(
            initiative=initiative,
            title=title,
            description=description,
            schema=canvas.normalize_schema(schema),
            created_by=by,
        ),
        by=by,
    )


@transaction.atomic
def canvas_template_update(*, template: CanvasTemplate, by: User, data: dict) -> CanvasTemplate:
    """Sessions keep the canvas they started with, so an edit here changes new sessions only."""
    if template.is_builtin:
        raise ValidationError(_("Built-in templates cannot be changed; make a copy instead."))
    data = dict(data)
    if "schema" in data:
        data["schema"] = canvas.normalize_schema(data["schema"])
    template, _changed = model_update(instance=template, fields=TEMPLATE_FIELDS, data=data, by=by)
    return template


@transaction.atomic
def canvas_template_delete(*, template: CanvasTemplate, by: User) -> None:
    if template.is_builtin:
        raise ValidationError(_("Built-in templates cannot be deleted."))
    template.delete()


# --- Sessions and groups --------------------------------------------------------------------


@transaction.atomic
def workshop_session_create(
    *,
    initiative: Initiative,
    by: User,
    title: str,
    template: CanvasTemplate,
    groups: Iterable[str] | int = 4,
    instructions: str = "",
    allow_anonymous: bool = True,
    meeting: Meeting | None = None,
) -> WorkshopSession:
    """A session with a snapshot of the template's canvas and its working groups (a number
    of groups named "Group 1…", or a list of names)."""
    if template.initiative_id not in (None, initiative.pk):
        raise ValidationError({"template": _("Choose a template of this initiative.")})
    if meeting is not None and meeting.initiative_id != initiative.pk:
        raise ValidationError({"meeting": _("Choose a meeting of this initiative.")})
    if isinstance(groups, int):
        names = [_("Group %(number)s") % {"number": n} for n in range(1, groups + 1)]
    else:
        names = [" ".join(name.split()) for name in groups if name and name.strip()]
    if not names:
        raise ValidationError({"groups": _("A workshop needs at least one working group.")})
    if len(names) > MAX_GROUPS:
        raise ValidationError(
            {"groups": _("At most %(limit)s working groups.") % {"limit": MAX_GROUPS}}
        )
    schema = canvas.normalize_schema(template.schema)
    session = model_save(
        WorkshopSession(
            initiative=initiative,
            meeting=meeting,
            template=template,
            title=title,
            instructions=instructions,
            allow_anonymous=allow_anonymous,
            schema=schema,
            created_by=by,
        ),
        by=by,
    )
    for position, name in enumerate(names, start=1):
        model_save(
            WorkingGroup(
                session=session, name=name[:100], position=position, join_token=_new_token()
            )
        )
    _notify_opened(session, by)
    return session


def _notify_opened(session: WorkshopSession, by: User) -> None:
    """The initiative's members hear that a workshop is open for their contributions."""
    if session.status == SessionStatus.OPEN:
        notify_later(
            kind=NoticeKind.WORKSHOP_OPENED,
            roles=Role.values,
            initiative=session.initiative_id,
            params={"title": session.title},
            url=reverse("workshops:board", args=[session.pk]),
            actor=by,
        )


@transaction.atomic
def workshop_session_update(*, session: WorkshopSession, by: User, data: dict) -> WorkshopSession:
    meeting = data.get("meeting")
    if meeting is not None and meeting.initiative_id != session.initiative_id:
        raise ValidationError({"meeting": _("Choose a meeting of this initiative.")})
    session, changed = model_update(instance=session, fields=SESSION_FIELDS, data=data, by=by)
    if changed:
        _touch(session)
    return session


@transaction.atomic
def workshop_session_set_status(
    *, session: WorkshopSession, by: User, status: str
) -> WorkshopSession:
    if status not in SessionStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    opening = session.status != SessionStatus.OPEN and status == SessionStatus.OPEN
    session.status = status
    model_save(session, by=by)
    _touch(session)
    if opening:
        _notify_opened(session, by)
    return session


@transaction.atomic
def workshop_session_delete(*, session: WorkshopSession, by: User) -> None:
    session.delete()


@transaction.atomic
def working_group_add(*, session: WorkshopSession, by: User, name: str) -> WorkingGroup:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the group a name.")})
    if session.groups.count() >= MAX_GROUPS:
        raise ValidationError(
            {"name": _("At most %(limit)s working groups.") % {"limit": MAX_GROUPS}}
        )
    position = (session.groups.aggregate(top=Max("position"))["top"] or 0) + 1
    group = model_save(
        WorkingGroup(session=session, name=name, position=position, join_token=_new_token())
    )
    _touch(session)
    return group


@transaction.atomic
def working_group_rename(*, group: WorkingGroup, by: User, name: str) -> WorkingGroup:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the group a name.")})
    group.name = name
    model_save(group)
    _touch(group.session)
    return group


@transaction.atomic
def working_group_reset_link(*, group: WorkingGroup, by: User) -> WorkingGroup:
    """A new join link; the old one (and its QR code) stops working at once."""
    group.join_token = _new_token()
    model_save(group)
    return group


@transaction.atomic
def working_group_delete(*, group: WorkingGroup, by: User) -> None:
    if group.contributions.exists():
        raise ValidationError(
            _("This group has contributions. Close the session instead of deleting the group.")
        )
    session = group.session
    group.delete()
    _touch(session)


# --- Participants and contributions ---------------------------------------------------------


def _require_open(session: WorkshopSession) -> None:
    if session.status != SessionStatus.OPEN:
        raise ValidationError(_("This workshop is closed; contributions can no longer change."))


def _address_hash(session: WorkshopSession, address: str | None) -> str:
    return "" if address is None else address_hash(address, scope=f"workshop:{session.pk}")


def _network_wait(session: WorkshopSession, hashed: str, *, joins: bool) -> int:
    """Seconds until one network may join (or add a note to) this workshop again; 0 if now."""
    since = timezone.now() - ADDRESS_WINDOW
    if joins:
        rows, limit = (
            Participant.objects.filter(group__session=session, joined_at__gte=since),
            JOINS_PER_ADDRESS,
        )
        times = rows.filter(address_hash=hashed).order_by("-joined_at").values_list("joined_at")
    else:
        rows, limit = (
            Contribution.objects.filter(session=session, created_at__gte=since),
            NOTES_PER_ADDRESS,
        )
        times = rows.filter(address_hash=hashed).order_by("-created_at").values_list("created_at")
    return seconds_until_allowed(
        (when for (when,) in times[:limit]), limit=limit, window=ADDRESS_WINDOW
    )


def _network_total(session: WorkshopSession, hashed: str) -> int:
    """Notes sent by link from one network over the whole session, withdrawn ones included
    (taking a note back gives no allowance back). Notes a member writes as themselves (not
    by link) are not paced, so they leave the allowance alone."""
    return Contribution.objects.filter(
        session=session, address_hash=hashed, author_user__isnull=True
    ).count()


@transaction.atomic
def participant_join(
    *,
    group: WorkingGroup,
    display_name: str = "",
    anonymous: bool = False,
    user=None,
    address: str | None = None,
) -> Participant:
    """Join a group by its link. With the client's `address` (every web request has one), at
    most JOINS_PER_ADDRESS joins per network in ADDRESS_WINDOW; beyond that `RateLimitError`."""
    session = group.session
    _require_open(session)
    hashed = _address_hash(session, address)
    name = " ".join((display_name or "").split())
    if anonymous and not session.allow_anonymous:
        raise ValidationError({"display_name": _("In this workshop everyone joins with a name.")})
    if not name and not anonymous:
        if session.allow_anonymous:
            message = _("Write your name, or choose to stay anonymous.")
        else:
            message = _("Write your name.")
        raise ValidationError({"display_name": message})
    if len(name) > MAX_NAME:
        raise ValidationError(
            {"display_name": _("At most %(count)s characters.") % {"count": MAX_NAME}}
        )
    # One join at a time per session (a row lock on PostgreSQL; SQLite already writes one at a
    # time), so parallel requests cannot all pass the group's size and the network's pace.
    WorkshopSession.objects.select_for_update().filter(pk=session.pk).first()
    if group.participants.count() >= MAX_PARTICIPANTS_PER_GROUP:
        raise ValidationError(_("This group is full. Ask the facilitator for another group."))
    if hashed and (wait := _network_wait(session, hashed, joins=True)):
        minutes = minutes_to_wait(wait)
        raise RateLimitError(
            _(
                "Too many people have joined this workshop from your network in the last "
                "few minutes."
            )
            + " "
            + ngettext(
                "Please try again in %(count)s minute, or ask the facilitator.",
                "Please try again in %(count)s minutes, or ask the facilitator.",
                minutes,
            )
            % {"count": minutes},
            retry_after=wait,
        )
    return model_save(
        Participant(
            group=group,
            display_name="" if anonymous else name,
            key=secrets.token_urlsafe(32),
            user=user if user is not None and user.is_authenticated else None,
            address_hash=hashed,
        )
    )


def _clean_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError({"text": _("Write something first.")})
    if len(text) > MAX_CONTRIBUTION:
        raise ValidationError(
            {
                "text": _("Keep it short: at most %(limit)s characters (this has %(count)s).")
                % {"limit": MAX_CONTRIBUTION, "count": len(text)}
            }
        )
    return text


def _check_pace(session: WorkshopSession, participant: Participant, hashed: str) -> None:
    """The limits hold per person, not per browser session: a participant's notes count with
    those of every other time the same account joined this workshop, and every note from the
    same network counts towards that network's allowance."""
    now = timezone.now()
    if participant.user_id is not None:
        mine = Contribution.objects.filter(
            session=session, participant__user_id=participant.user_id
        )
    else:
        mine = participant.contributions.all()
    recent = mine.filter(created_at__gte=now - datetime.timedelta(minutes=1)).count()
    if recent >= PER_MINUTE:
        raise RateLimitError(
            _("That was a lot in one minute. Take a breath and try again in a moment."),
            retry_after=60,
        )
    if mine.count() >= MAX_PER_PARTICIPANT:
        raise ValidationError(_("You have reached the limit of contributions for this workshop."))
    if hashed and _network_total(session, hashed) >= NOTES_PER_ADDRESS_TOTAL:
        raise ValidationError(_("This workshop has reached its limit of notes from your network."))
    if hashed and (wait := _network_wait(session, hashed, joins=False)):
        minutes = minutes_to_wait(wait)
        raise RateLimitError(
            _("Many notes have come from your network in the last few minutes.")
            + " "
            + ngettext(
                "Please try again in %(count)s minute.",
                "Please try again in %(count)s minutes.",
                minutes,
            )
            % {"count": minutes},
            retry_after=wait,
        )


@transaction.atomic
def contribution_add(
    *,
    group: WorkingGroup,
    section_key: str,
    text: str,
    row_key: str = "",
    column_key: str = "",
    participant: Participant | None = None,
    user: User | None = None,
    address: str | None = None,
) -> Contribution:
    """Add a note to one cell of the group's canvas, as a participant (by link) or as a member.
    A participant's notes are paced (see `_check_pace`); `address` is the client's address,
    which every web request gives."""
    session = group.session
    _require_open(session)
    if (participant is None) == (user is None):
        raise ValueError("a contribution has exactly one author")
    if participant is not None and participant.group_id != group.pk:
        raise ValidationError(_("You joined another group."))
    section = canvas.section_by_key(session.schema, section_key)
    if section is None or not section.has_cell(row_key or "", column_key or ""):
        raise ValidationError(_("This part of the canvas does not exist. Reload the page."))
    text = _clean_text(text)
    hashed = _address_hash(session, address)
    if participant is not None:
        # One session at a time, so parallel requests cannot all slip under the limits.
        WorkshopSession.objects.select_for_update().filter(pk=session.pk).first()
        _check_pace(session, participant, hashed)
    contribution = model_save(
        Contribution(
            session=session,
            group=group,
            section_key=section_key,
            row_key=row_key or "",
            column_key=column_key or "",
            text=text,
            participant=participant,
            author_user=user,
            address_hash=hashed,
        )
    )
    _touch(session)
    return contribution


def _require_author(contribution: Contribution, participant, user) -> None:
    mine = (participant is not None and contribution.participant_id == participant.pk) or (
        user is not None and user.is_authenticated and contribution.author_user_id == user.pk
    )
    if not mine:
        raise ValidationError(_("You can change only your own contributions."))


@transaction.atomic
def contribution_edit(
    *, contribution: Contribution, text: str, participant=None, user=None
) -> Contribution:
    _require_author(contribution, participant, user)
    _require_open(contribution.session)
    if contribution.withdrawn:
        raise ValidationError(_("This contribution was withdrawn."))
    contribution.text = _clean_text(text)
    model_save(contribution)
    _touch(contribution.session)
    return contribution


@transaction.atomic
def contribution_withdraw(*, contribution: Contribution, participant=None, user=None) -> None:
    """The author takes a contribution back: it leaves the canvas, the exports and themes."""
    _require_author(contribution, participant, user)
    _require_open(contribution.session)
    contribution.withdrawn = True
    contribution.theme = None
    model_save(contribution)
    _touch(contribution.session)


@transaction.atomic
def contribution_set_hidden(*, contribution: Contribution, by: User, hidden: bool) -> Contribution:
    """Moderation: hide from the canvas, or restore (which also undoes a merge)."""
    contribution.hidden = hidden
    if not hidden:
        contribution.merged_into = None
    model_save(contribution, by=by)
    _touch(contribution.session)
    return contribution


@transaction.atomic
def contributions_merge(
    *, target: Contribution, duplicates: Iterable[Contribution], by: User
) -> int:
    """Fold duplicates into `target`: each is hidden and linked to it. Returns how many."""
    if not target.is_visible:
        raise ValidationError(_("Merge into a contribution that is on the canvas."))
    count = 0
    for duplicate in duplicates:
        if duplicate.pk == target.pk:
            continue
        if duplicate.session_id != target.session_id or duplicate.section_key != target.section_key:
            raise ValidationError(_("Only contributions of the same section can be merged."))
        # Whatever was merged into the duplicate now points at the target too.
        Contribution.objects.filter(merged_into=duplicate).update(merged_into=target)
        duplicate.merged_into = target
        duplicate.hidden = True
        duplicate.theme = None
        model_save(duplicate, by=by)
        count += 1
    if count:
        _touch(target.session)
    return count


# --- Themes ---------------------------------------------------------------------------------


def _section(session: WorkshopSession, section_key: str) -> canvas.Section:
    section = canvas.section_by_key(session.schema, section_key)
    if section is None:
        raise ValidationError(_("This section does not exist."))
    return section


def _visible(session: WorkshopSession, section_key: str):
    return Contribution.objects.filter(
        session=session,
        section_key=section_key,
        hidden=False,
        withdrawn=False,
        merged_into__isnull=True,
    )


@transaction.atomic
def themes_suggest(
    *,
    session: WorkshopSession,
    section_key: str,
    by: User,
    keep_named: bool = True,
    threshold: float = themes.DEFAULT_THRESHOLD,
) -> list[Theme]:
    """Cluster the section's visible contributions into suggested themes. Suggestions made
    earlier are replaced; themes the facilitator named or made stay with their contributions
    unless `keep_named` is False. Returns the new themes."""
    _section(session, section_key)
    if not 0.05 <= threshold <= 0.99:
        raise ValidationError({"threshold": _("Choose a sensitivity between 0.05 and 0.99.")})
    existing = Theme.objects.filter(session=session, section_key=section_key)
    replaced = existing if not keep_named else existing.filter(is_automatic=True)
    Contribution.objects.filter(theme__in=replaced).update(theme=None)
    replaced.delete()
    candidates = _visible(session, section_key).filter(theme__isnull=True)
    clusters = themes.cluster_texts(list(candidates.values_list("pk", "text")), threshold=threshold)
    start = (existing.aggregate(top=Max("position"))["top"] or 0) + 1
    created = []
    for offset, cluster in enumerate(clusters):
        theme = model_save(
            Theme(
                session=session,
                section_key=section_key,
                name=cluster.name[:120],
                position=start + offset,
                is_automatic=True,
            )
        )
        Contribution.objects.filter(pk__in=cluster.ids).update(theme=theme)
        created.append(theme)
    _touch(session)
    return created


def _theme_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the theme a name.")})
    if len(name) > 120:
        raise ValidationError({"name": _("At most %(count)s characters.") % {"count": 120}})
    return name


@transaction.atomic
def theme_create(*, session: WorkshopSession, section_key: str, by: User, name: str) -> Theme:
    _section(session, section_key)
    position = (
        Theme.objects.filter(session=session, section_key=section_key).aggregate(
            top=Max("position")
        )["top"]
        or 0
    ) + 1
    theme = model_save(
        Theme(session=session, section_key=section_key, name=_theme_name(name), position=position)
    )
    _touch(session)
    return theme


@transaction.atomic
def theme_rename(*, theme: Theme, by: User, name: str) -> Theme:
    theme.name = _theme_name(name)
    theme.is_automatic = False
    model_save(theme)
    _touch(theme.session)
    return theme


@transaction.atomic
def theme_merge(*, theme: Theme, into: Theme, by: User) -> Theme:
    """Move all of `theme`'s contributions into `into` and remove `theme`."""
    if into.pk == theme.pk:
        raise ValidationError({"into": _("Choose another theme to merge with.")})
    if into.session_id != theme.session_id or into.section_key != theme.section_key:
        raise ValidationError({"into": _("Choose a theme of the same section.")})
    theme.contributions.update(theme=into)
    into.is_automatic = False
    model_save(into)
    session = theme.session
    theme.delete()
    _touch(session)
    return into


@transaction.atomic
def theme_split(
    *, theme: Theme, contributions: Iterable[Contribution], by: User, name: str
) -> Theme:
    """Move the chosen contributions of `theme` to a new theme called `name`."""
    chosen = list(contributions)
    if not chosen:
        raise ValidationError({"contributions": _("Choose the contributions to move.")})
    if any(c.theme_id != theme.pk for c in chosen):
        raise ValidationError({"contributions": _("Choose contributions of this theme.")})
    new = theme_create(session=theme.session, section_key=theme.section_key, by=by, name=name)
    Contribution.objects.filter(pk__in=[c.pk for c in chosen]).update(theme=new)
    theme.is_automatic = False
    model_save(theme)
    return new


@transaction.atomic
def theme_delete(*, theme: Theme, by: User) -> None:
    """The theme goes; its contributions stay, without a theme."""
    session = theme.session
    theme.contributions.update(theme=None)
    theme.delete()
    _touch(session)


@transaction.atomic
def contribution_set_theme(
    *, contribution: Contribution, theme: Theme | None, by: User
) -> Contribution:
    if theme is not None and (
        theme.session_id != contribution.session_id or theme.section_key != contribution.section_key
    ):
        raise ValidationError({"theme": _("Choose a theme of the same section.")})
    if theme is not None and not contribution.is_visible:
        raise ValidationError(_("Restore the contribution before giving it a theme."))
    contribution.theme = theme
    model_save(contribution, by=by)
    if theme is not None and theme.is_automatic:
        theme.is_automatic = False
        model_save(theme)
    _touch(contribution.session)
    return contribution


# --- Knowledge base -------------------------------------------------------------------------


@transaction.atomic
def workshop_summary_to_knowledge(
    *,
    session: WorkshopSession,
    by: User,
    language: str,
    document: bool = True,
    insight: bool = True,
):
    """Put the session's summary into the initiative's knowledge base: the DOCX export as a
    document, and/or an insight listing the themes. Returns (document, insight)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from . import exports, selectors

    if not (document or insight):
        raise ValidationError(_("Choose a document, an insight or both."))
    stored_document = stored_insight = None
    meeting = session.meeting if session.meeting_id else None
    if document:
        content = exports.session_docx(session=session, language=language)
        upload = SimpleUploadedFile(
            exports.filename(session, "docx"),
            content,
            content_type=exports.DOCX_TYPE,
        )
        stored_document = document_upload(
            initiative=session.initiative,
            by=by,
            upload=upload,
            title=_("Workshop summary: %(title)s") % {"title": session.title},
            description=_("Exported from the workshop session “%(title)s”.")
            % {"title": session.title},
            meeting=meeting,
        )
    if insight:
        summary = selectors.session_summary(session=session)
        stored_insight = insight_create(
            initiative=session.initiative,
            by=by,
            title=(_("Workshop themes: %(title)s") % {"title": session.title})[:300],
            body=exports.summary_text(summary),
            tags=[_("workshop")],
            meeting=meeting,
        )
    return stored_document, stored_insight
