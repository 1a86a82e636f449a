"""API endpoints for nominations, for programme staff only (the nominator's details are in
every answer, so no other role reaches them): a cohort's nominations, paginated, and one
nomination with its application. Scores are the reviews' business, never here."""

import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from meshutaf.core.access import Action
from meshutaf.core.schemas import ErrorOut, Id

from .models import Application, Referee
from .permissions import cohort_get_for_user, nomination_get_for_user
from .selectors import nominations as selectors

router = Router(tags=["programs"])


class NominationOut(Schema):
    id: int
    cohort_id: int
    organisation_id: int
    organisation_name: str
    nominator_name: str
    nominator_email: str
    nominator_person_id: int | None
    invitation_id: int | None
    candidate_name: str
    candidate_email: str
    candidate_phone: str
    candidate_person_id: int | None
    rank: str
    role_title: str
    gender: str
    status: str
    decision: str
    calibration_anchor: bool
    consent_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_organisation_name(obj) -> str:
        return obj.organisation.name


class RefereeOut(Schema):
    name: str
    role_title: str
    email: str
    phone: str
    relation: str


class ApplicationOut(Schema):
    statement: str
    leadership_example: str
    has_cv: bool
    cv_name: str
    cv_size: int
    submitted_at: datetime.datetime | None
    referees: list[RefereeOut]


class NominationDetailOut(NominationOut):
    nominator_statement: str
    application: ApplicationOut | None

    @staticmethod
    def resolve_application(obj) -> ApplicationOut | None:
        dossier = selectors.nomination_dossier(nomination=obj)
        return _application_out(dossier.application, dossier.referees)


def _application_out(
    application: Application | None, referees: list[Referee]
) -> ApplicationOut | None:
    if application is None:
        return None
    return ApplicationOut(
        statement=application.statement,
        leadership_example=application.leadership_example,
        has_cv=bool(application.cv),
        cv_name=application.cv_name,
        cv_size=application.cv_size,
        submitted_at=application.submitted_at,
        referees=[RefereeOut.from_orm(referee) for referee in referees],
    )


@router.get(
    "/programs/cohorts/{cohort_id}/nominations",
    response={200: list[NominationOut], 403: ErrorOut},
    summary="A cohort's nominations (programme staff)",
)
@paginate
def nomination_list(request, cohort_id: Id):
    cohort = cohort_get_for_user(user=request.user, pk=cohort_id, action=Action.MANAGE).obj
    return selectors.nomination_list(cohort=cohort)


@router.get(
    "/programs/nominations/{nomination_id}",
    response={200: NominationDetailOut, 403: ErrorOut},
    summary="One nomination with its application (programme staff)",
)
def nomination_detail(request, nomination_id: Id):
    return nomination_get_for_user(user=request.user, pk=nomination_id, action=Action.MANAGE).obj
