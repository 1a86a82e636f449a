"""API endpoints for workshops, through the same gates as the pages: members list sessions and
read a session with its contributions (hidden and merged ones only for facilitators, withdrawn
ones never); facilitators moderate."""

import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from meshutaf.core.access import Action, role_allows
from meshutaf.core.schemas import Id
from meshutaf.initiatives.permissions import initiative_get_for_user

from . import selectors, services
from .models import Contribution
from .permissions import contribution_get_for_user, workshop_session_get_for_user

router = Router(tags=["workshops"])


class SessionOut(Schema):
    id: int
    initiative_id: int
    meeting_id: int | None
    title: str
    instructions: str
    status: str
    allow_anonymous: bool
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class SessionListOut(SessionOut):
    group_count: int
    contribution_count: int


class WorkingGroupOut(Schema):
    id: int
    name: str
    position: int
    join_path: str | None = None


class ThemeOut(Schema):
    id: int
    section_key: str
    name: str
    is_automatic: bool


class ContributionOut(Schema):
    id: int
    group_id: int
    section_key: str
    row_key: str
    column_key: str
    text: str
    author: str
    theme_id: int | None
    hidden: bool
    merged_into_id: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_author(obj: Contribution) -> str:
        return obj.author_name


class SessionDetailOut(SessionOut):
    canvas: dict
    groups: list[WorkingGroupOut]
    themes: list[ThemeOut]
    contributions: list[ContributionOut]


class ModerationIn(Schema):
    hidden: bool


@router.get("/initiatives/{initiative_id}/workshops", response=list[SessionListOut])
@paginate
def session_list(request, initiative_id: Id):
    initiative = initiative_get_for_user(user=request.user, pk=initiative_id).obj
    return selectors.session_list(initiative=initiative)


@router.get("/workshops/{session_id}", response=SessionDetailOut)
def session_get(request, session_id: Id):
    session, role = workshop_session_get_for_user(user=request.user, pk=session_id)
    board = selectors.board(session=session, include_hidden=role_allows(role, Action.MANAGE))
    contributions = []
    for part in board.sections:
        for canvas in part.groups:
            for cell in canvas.cells:
                for contribution in cell.items:
                    contributions.append(contribution)
                    contributions.extend(getattr(contribution, "merged_list", []))
    contributions.sort(key=lambda c: (c.created_at, c.pk))
    show_links = role_allows(role, Action.CONTRIBUTE)
    result = SessionOut.from_orm(session).dict()
    result["canvas"] = session.schema
    result["groups"] = [
        {
            "id": group.pk,
            "name": group.name,
            "position": group.position,
            "join_path": group.get_join_url() if show_links else None,
        }
        for group in board.groups
    ]
    result["themes"] = list(board.themes.values())
    result["contributions"] = contributions
    return result


@router.patch("/workshop-contributions/{contribution_id}", response=ContributionOut)
def contribution_moderate(request, contribution_id: Id, payload: ModerationIn):
    """Hide a contribution from the canvas, or restore it (which also undoes a merge)."""
    contribution = contribution_get_for_user(
        user=request.user, pk=contribution_id, action=Action.MANAGE
    ).obj
    return services.contribution_set_hidden(
        contribution=contribution, by=request.user, hidden=payload.hidden
    )
