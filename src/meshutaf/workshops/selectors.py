"""Reads for workshops: the session list, the live board (every group's canvas, in a fixed
number of queries however many notes there are), one group's canvas for its participants,
and the summary that the themes page, the exports and the knowledge base share."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet

from meshutaf.core.db import SubqueryCount
from meshutaf.initiatives.models import Initiative

from .canvas import Axis, Cell, Section
from .models import (
    CanvasTemplate,
    Contribution,
    Participant,
    Theme,
    WorkingGroup,
    WorkshopSession,
)


def session_list(*, initiative: Initiative) -> QuerySet[WorkshopSession]:
    return (
        WorkshopSession.objects.filter(initiative=initiative)
        .select_related("meeting")
        .annotate(
            group_count=SubqueryCount(WorkingGroup.objects.filter(session=OuterRef("pk"))),
            contribution_count=SubqueryCount(
                Contribution.objects.filter(
                    session=OuterRef("pk"),
                    hidden=False,
                    withdrawn=False,
                    merged_into__isnull=True,
                )
            ),
        )
        .order_by("-created_at", "pk")
    )


def templates_for(*, initiative: Initiative) -> list[CanvasTemplate]:
    """The built-in templates first, then the initiative's own."""
    from .services import builtin_templates_ensure

    builtin_templates_ensure()
    templates = CanvasTemplate.objects.filter(Q(initiative=None) | Q(initiative=initiative))
    return sorted(templates, key=lambda t: (not t.is_builtin, t.pk if t.is_builtin else t.title))


def session_version(*, session_id: int) -> int:
    return (
        WorkshopSession.objects.filter(pk=session_id).values_list("version", flat=True).first() or 0
    )


@dataclass
class CellView:
    cell: Cell
    row_label: str = ""
    column_label: str = ""
    items: list[Contribution] = field(default_factory=list)

    @property
    def label(self) -> str:
        return " · ".join(part for part in (self.row_label, self.column_label) if part)

    @property
    def slug(self) -> str:
        return self.cell.slug


@dataclass
class GroupCanvas:
    group: WorkingGroup
    section: Section
    cells: list[CellView]

    @property
    def rows(self) -> list[tuple[Axis, list[CellView]]]:
        """A grid's cells row by row (a list section has one cell and no rows)."""
        width = len(self.section.columns)
        return [
            (row, self.cells[index * width : (index + 1) * width])
            for index, row in enumerate(self.section.rows)
        ]

    @property
    def count(self) -> int:
        return sum(len(cell.items) for cell in self.cells)


@dataclass
class SectionBoard:
    section: Section
    groups: list[GroupCanvas]

    @property
    def count(self) -> int:
        return sum(group.count for group in self.groups)


def _empty_canvas(group: WorkingGroup, section: Section) -> GroupCanvas:
    cells = [
        CellView(
            cell=cell,
            row_label=section.row_label(cell.row) if cell.row else "",
            column_label=section.column_label(cell.column) if cell.column else "",
        )
        for cell in section.cells()
    ]
    return GroupCanvas(group=group, section=section, cells=cells)


def _place(
    groups: list[WorkingGroup], sections: list[Section], contributions
) -> list[SectionBoard]:
    boards = [
        SectionBoard(section=section, groups=[_empty_canvas(group, section) for group in groups])
        for section in sections
    ]
    index = {}
    for board in boards:
        for canvas in board.groups:
            for cell in canvas.cells:
                key = (canvas.group.pk, cell.cell.section, cell.cell.row, cell.cell.column)
                index[key] = cell
    for contribution in contributions:
        key = (
            contribution.group_id,
            contribution.section_key,
            contribution.row_key,
            contribution.column_key,
        )
        cell = index.get(key)
        if cell is not None:  # a note in a cell the canvas no longer has is kept, not shown
            cell.items.append(contribution)
    return boards


@dataclass
class Board:
    session: WorkshopSession
    groups: list[WorkingGroup]
    sections: list[SectionBoard]
    themes: dict[int, Theme]
    version: int
    counts: dict


def board(*, session: WorkshopSession, include_hidden: bool) -> Board:
    """Every group's canvas. Facilitators also see hidden and merged notes, marked; merged
    notes are listed under the note they were merged into. Withdrawn notes are never shown."""
    groups = list(session.groups.order_by("position", "pk"))
    contributions = (
        Contribution.objects.filter(session=session, withdrawn=False)
        .select_related("participant", "author_user")
        .order_by("created_at", "pk")
    )
    if not include_hidden:
        contributions = contributions.filter(hidden=False, merged_into__isnull=True)
    contributions = list(contributions)
    merged: dict[int, list[Contribution]] = {}
    shown = []
    for contribution in contributions:
        if contribution.merged_into_id:
            merged.setdefault(contribution.merged_into_id, []).append(contribution)
        else:
            shown.append(contribution)
    for contribution in shown:
        contribution.merged_list = merged.get(contribution.pk, [])
    themes = {theme.pk: theme for theme in Theme.objects.filter(session=session)}
    for contribution in contributions:
        theme = themes.get(contribution.theme_id)
        contribution.theme_name = theme.name if theme is not None else ""
    counts = {
        "visible": sum(1 for c in contributions if c.is_visible),
        "hidden": sum(1 for c in contributions if c.hidden and not c.merged_into_id),
        "merged": sum(1 for c in contributions if c.merged_into_id),
        "participants": Participant.objects.filter(group__session=session).count(),
    }
    return Board(
        session=session,
        groups=groups,
        sections=_place(groups, session.sections(), shown),
        themes=themes,
        version=session.version,
        counts=counts,
    )


def group_canvas(*, group: WorkingGroup, participant: Participant | None) -> list[GroupCanvas]:
    """What a participant sees: the group's visible notes, and their own hidden ones (marked,
    so a note does not silently vanish for its author)."""
    mine = Q(participant=participant) if participant is not None else Q(pk__in=[])
    contributions = (
        Contribution.objects.filter(group=group, withdrawn=False)
        .filter(Q(hidden=False, merged_into__isnull=True) | mine)
        .order_by("created_at", "pk")
    )
    boards = _place([group], group.session.sections(), contributions)
    return [board.groups[0] for board in boards]


def merge_candidates(*, contribution: Contribution) -> list[Contribution]:
    """Other visible notes of the same section, same cell first: likely duplicates."""
    others = list(
        Contribution.objects.filter(
            session=contribution.session_id,
            section_key=contribution.section_key,
            hidden=False,
            withdrawn=False,
            merged_into__isnull=True,
        )
        .exclude(pk=contribution.pk)
        .select_related("group")
        .order_by("created_at", "pk")
    )
    same_cell = (contribution.row_key, contribution.column_key)
    return sorted(others, key=lambda c: ((c.row_key, c.column_key) != same_cell, c.created_at))


@dataclass
class ThemeView:
    theme: Theme
    items: list[Contribution]


@dataclass
class SummarySection:
    section: Section
    themes: list[ThemeView]
    unthemed: list[Contribution]
    groups: list[GroupCanvas]

    @property
    def count(self) -> int:
        return sum(len(t.items) for t in self.themes) + len(self.unthemed)


@dataclass
class SessionSummary:
    session: WorkshopSession
    groups: list[WorkingGroup]
    sections: list[SummarySection]
    participant_count: int

    @property
    def contribution_count(self) -> int:
        return sum(section.count for section in self.sections)


def session_summary(*, session: WorkshopSession) -> SessionSummary:
    """The visible notes, by section: themes (largest first) with their notes, the notes
    without a theme, and each group's canvas."""
    groups = list(session.groups.order_by("position", "pk"))
    contributions = list(
        Contribution.objects.filter(
            session=session, hidden=False, withdrawn=False, merged_into__isnull=True
        )
        .select_related("participant", "author_user", "group")
        .annotate(merged_count=Count("merged"))
        .order_by("created_at", "pk")
    )
    themes = list(Theme.objects.filter(session=session).order_by("position", "pk"))
    boards = _place(groups, session.sections(), contributions)
    sections = []
    for board in boards:
        key = board.section.key
        notes = [c for c in contributions if c.section_key == key]
        views = [
            ThemeView(theme=theme, items=[c for c in notes if c.theme_id == theme.pk])
            for theme in themes
            if theme.section_key == key
        ]
        views.sort(key=lambda view: (-len(view.items), view.theme.position, view.theme.pk))
        sections.append(
            SummarySection(
                section=board.section,
                themes=views,
                unthemed=[c for c in notes if c.theme_id is None],
                groups=board.groups,
            )
        )
    return SessionSummary(
        session=session,
        groups=groups,
        sections=sections,
        participant_count=Participant.objects.filter(group__session=session).count(),
    )


@dataclass(frozen=True)
class Slide:
    """One view of the projector: a section, and one group's canvas in it or (group None)
    every group's side by side."""

    key: str
    group: int | None = None


@dataclass
class ProjectorCanvas:
    """What the wall shows now: one section, one group's canvas in it or every group's, and
    the slides before and after it, in the order the facilitator walks them."""

    session: WorkshopSession
    section: Section
    section_position: int  # 1-based, among the session's sections
    section_total: int
    groups: list[GroupCanvas]
    group_position: int | None  # 1-based among the groups when one group is shown
    group_total: int
    first_group: int | None  # where "one group at a time" starts in this section
    slides: list[Slide]
    slide: Slide
    version: int

    @property
    def one_group(self) -> bool:
        return self.slide.group is not None

    @property
    def previous_slide(self) -> Slide:
        return self.slides[(self.slides.index(self.slide) - 1) % len(self.slides)]

    @property
    def next_slide(self) -> Slide:
        return self.slides[(self.slides.index(self.slide) + 1) % len(self.slides)]

    @property
    def count(self) -> int:
        return sum(group.count for group in self.groups)


def _slides(keys: list[str], groups: list[int], *, one_group: bool) -> list[Slide]:
    if one_group and groups:
        return [Slide(key, group) for key in keys for group in groups]
    return [Slide(key) for key in keys]


def projector_slides(*, session: WorkshopSession) -> list[Slide]:
    """The projector's default walk: section by section, one group at a time (a canvas fills
    the wall). Without groups, the sections alone. One query."""
    keys = [section.key for section in session.sections()]
    groups = list(session.groups.order_by("position", "pk").values_list("pk", flat=True))
    return _slides(keys, groups, one_group=True)


def projector_canvas(
    *, session: WorkshopSession, section_key: str, group: int | None = None
) -> ProjectorCanvas | None:
    """What the projector shows of one section, for one group or all: only the notes on the
    canvas (never hidden, merged or withdrawn ones, whoever runs the projector), with the same
    author names as the board, so an anonymous note stays anonymous on the wall. None for a
    section or group the session does not have. Two queries, however many notes."""
    sections = session.sections()
    keys = [section.key for section in sections]
    if section_key not in keys:
        return None
    position = keys.index(section_key)
    section = sections[position]
    groups = list(session.groups.order_by("position", "pk"))
    group_pks = [g.pk for g in groups]
    if group is not None and group not in group_pks:
        return None
    shown = [g for g in groups if group is None or g.pk == group]
    contributions = (
        Contribution.objects.filter(
            session=session,
            section_key=section.key,
            hidden=False,
            withdrawn=False,
            merged_into__isnull=True,
        )
        .filter(**({} if group is None else {"group_id": group}))
        .select_related("participant", "author_user", "theme")
        .annotate(
            merged_count=SubqueryCount(
                Contribution.objects.filter(merged_into=OuterRef("pk"), withdrawn=False)
            )
        )
        .order_by("created_at", "pk")
    )
    notes = list(contributions)
    for note in notes:
        note.theme_name = note.theme.name if note.theme_id else ""
    board = _place(shown, [section], notes)[0]
    slides = _slides(keys, group_pks, one_group=group is not None)
    return ProjectorCanvas(
        session=session,
        section=section,
        section_position=position + 1,
        section_total=len(keys),
        groups=board.groups,
        group_position=None if group is None else group_pks.index(group) + 1,
        group_total=len(groups),
        first_group=group_pks[0] if group_pks else None,
        slides=slides,
        slide=Slide(section_key, group),
        version=session.version,
    )
