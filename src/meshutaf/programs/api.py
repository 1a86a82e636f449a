"""API endpoints for programmes and cohorts, and the router every programs area adds its own
to (`api_nominations`, `api_reviews`, `api_selection`, `api_sessions`, `api_alumni`), all
through the same gates as the pages."""

import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from meshutaf.core.schemas import Id
from meshutaf.initiatives.permissions import initiative_get_for_user

from .api_alumni import router as alumni_router
from .api_nominations import router as nominations_router
from .api_reviews import router as reviews_router
from .api_selection import router as selection_router
from .api_sessions import router as sessions_router
from .permissions import cohort_get_for_user, programme_get_for_user
from .selectors import programmes as selectors

router = Router(tags=["programs"])
router.add_router("", nominations_router)
router.add_router("", reviews_router)
router.add_router("", selection_router)
router.add_router("", sessions_router)
router.add_router("", alumni_router)


class ProgrammeOut(Schema):
    id: int
    initiative_id: int
    name: str
    description: str
    goals: str


class CohortOut(Schema):
    id: int
    programme_id: int
    name: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    nominations_close: datetime.date | None
    capacity: int
    phase: str


@router.get("/initiatives/{initiative_id}/programmes", response=list[ProgrammeOut])
@paginate
def programme_list(request, initiative_id: Id):
    initiative = initiative_get_for_user(user=request.user, pk=initiative_id).obj
    return selectors.programmes_of(initiative)


@router.get("/programs/programmes/{programme_id}", response=ProgrammeOut)
def programme_get(request, programme_id: Id):
    return programme_get_for_user(user=request.user, pk=programme_id).obj


@router.get("/programs/programmes/{programme_id}/cohorts", response=list[CohortOut])
@paginate
def cohort_list(request, programme_id: Id):
    programme = programme_get_for_user(user=request.user, pk=programme_id).obj
    return selectors.cohorts_of(programme)


@router.get("/programs/cohorts/{cohort_id}", response=CohortOut)
def cohort_get(request, cohort_id: Id):
    return cohort_get_for_user(user=request.user, pk=cohort_id).obj
