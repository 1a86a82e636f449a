"""The permission gates of programmes: one per object type, each through
`initiatives.permissions.child_get_for_user`, so outsiders get 404 and members without the
role get 403.

Roles, in this module's words:
- **programme staff** are the facilitators of the programme's initiative (MANAGE): they run
  nominations, assign reviewers, decide, mark attendance and see everything but anonymous
  feedback's authors;
- a **reviewer** is a member with a `Reviewer` row in the cohort: they reach their own reviews
  and nothing of a candidate they are recused from (`review_get_for_user`, `reviewer_for`);
- **participants** and **alumni** are members who see the cohort's sessions, projects and the
  alumni directory as its field visibility allows;
- nominators and candidates come by link and hold no account: their tokens are checked by the
  nomination services, not here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from meshutaf.core.access import Action, Granted, Role, active_user, role_allows
from meshutaf.initiatives.permissions import child_get_for_user

from .models import (
    AlumniProfile,
    Cohort,
    Conflict,
    ConsentScope,
    Criterion,
    Nomination,
    NominatorInvitation,
    Participant,
    Programme,
    Project,
    Quota,
    Review,
    Reviewer,
    RubricVersion,
    Session,
    Testimonial,
)
from .selectors.alumni import shown_q

VIA_PROGRAMME = "programme__initiative"
VIA_COHORT = "cohort__programme__initiative"


def programme_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Programme]:
    return child_get_for_user(Programme, user=user, pk=pk, action=action)


def cohort_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Cohort]:
    return child_get_for_user(
        Cohort,
        user=user,
        pk=pk,
        action=action,
        initiative_path=VIA_PROGRAMME,
        related=("programme", "rubric_version"),
    )


def quota_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Granted[Quota]:
    return child_get_for_user(Quota, user=user, pk=pk, action=action, initiative_path=VIA_COHORT)


def rubric_version_get_for_user(
    *, user, pk: int, action: Action = Action.MANAGE
) -> Granted[RubricVersion]:
    return child_get_for_user(
        RubricVersion,
        user=user,
        pk=pk,
        action=action,
        initiative_path="rubric__programme__initiative",
        related=("rubric",),
    )


def criterion_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Granted[Criterion]:
    return child_get_for_user(
        Criterion,
        user=user,
        pk=pk,
        action=action,
        initiative_path="version__rubric__programme__initiative",
    )


def session_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Session]:
    return child_get_for_user(
        Session,
        user=user,
        pk=pk,
        action=action,
        initiative_path=VIA_COHORT,
        related=("cohort__programme", "facilitator"),
    )


def nomination_get_for_user(
    *, user, pk: int, action: Action = Action.MANAGE
) -> Granted[Nomination]:
    """A nomination's whole dossier, nominator included: programme staff only. Reviewers
    reach candidates through their reviews (`review_get_for_user`), which hide what the
    phase hides."""
    return child_get_for_user(
        Nomination,
        user=user,
        pk=pk,
        action=action,
        initiative_path=VIA_COHORT,
        related=("cohort__programme", "organisation"),
    )


def invitation_get_for_user(
    *, user, pk: int, action: Action = Action.MANAGE
) -> Granted[NominatorInvitation]:
    return child_get_for_user(
        NominatorInvitation, user=user, pk=pk, action=action, initiative_path=VIA_COHORT
    )


def reviewer_for(*, user, cohort: Cohort) -> Reviewer | None:
    """The user's reviewer row in the cohort, if they review it."""
    if not active_user(user):
        return None
    return Reviewer.objects.filter(cohort=cohort, user=user).first()


def recused(*, reviewer: Reviewer, nomination_id: int) -> bool:
    return Conflict.objects.filter(
        reviewer=reviewer, nomination_id=nomination_id, waived_at__isnull=True
    ).exists()


def reviewer_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Granted[Reviewer]:
    return child_get_for_user(
        Reviewer, user=user, pk=pk, action=action, initiative_path=VIA_COHORT, related=("user",)
    )


def review_get_for_user(*, user, pk: int, action: Action = Action.CONTRIBUTE) -> Granted[Review]:
    """A review, for the reviewer who writes it (CONTRIBUTE), or for programme staff (VIEW
    or MANAGE: they see submitted reviews on the board). A reviewer recused from the
    candidate, or anyone else, gets 404: the review's existence is not revealed."""
    granted = child_get_for_user(
        Review,
        user=user,
        pk=pk,
        action=Action.VIEW,
        initiative_path="nomination__" + VIA_COHORT,
        related=("reviewer", "nomination__cohort", "rubric_version"),
    )
    review, role = granted
    if role_allows(role, Action.MANAGE) and action != Action.CONTRIBUTE:
        return granted
    if review.reviewer.user_id != user.pk:
        raise Http404
    if recused(reviewer=review.reviewer, nomination_id=review.nomination_id):
        raise Http404
    return Granted(review, role)


def participant_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW
) -> Granted[Participant]:
    """A participant's record: their own (any action they may take as themselves, such as
    their self-assessment), or programme staff's."""
    granted = child_get_for_user(
        Participant,
        user=user,
        pk=pk,
        action=Action.VIEW,
        initiative_path=VIA_COHORT,
        related=("person", "cohort__programme"),
    )
    participant, role = granted
    if role_allows(role, Action.MANAGE) or (
        action == Action.VIEW and participant.user_id == user.pk
    ):
        return granted
    if participant.user_id == user.pk:
        return Granted(participant, role)
    raise PermissionDenied


def participant_for(*, user, cohort: Cohort) -> Participant | None:
    """The user's enrolment in the cohort, if they take part in it."""
    if not active_user(user):
        return None
    return Participant.objects.filter(cohort=cohort, user=user).select_related("person").first()


def project_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Project]:
    """Projects are seen by every member; their team members (CONTRIBUTE) update milestones;
    staff manage them."""
    granted = child_get_for_user(
        Project,
        user=user,
        pk=pk,
        action=Action.VIEW if action == Action.CONTRIBUTE else action,
        initiative_path=VIA_COHORT,
        related=("cohort__programme", "sponsor", "coach"),
    )
    project, role = granted
    if action != Action.CONTRIBUTE or role_allows(role, Action.MANAGE):
        return granted
    if project.members.filter(user=user).exists():
        return granted
    raise PermissionDenied


def alumni_profile_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW
) -> Granted[AlumniProfile]:
    """An alumni profile: every member of the programme's initiative may reach it (what they
    see of it is `alumni_selectors`' business, field by field); its owner and staff edit."""
    granted = child_get_for_user(
        AlumniProfile,
        user=user,
        pk=pk,
        action=Action.VIEW,
        initiative_path="programme__initiative",
        related=("person", "organisation", "programme"),
    )
    profile, role = granted
    if action == Action.VIEW or role_allows(role, Action.MANAGE) or profile.user_id == user.pk:
        return granted
    raise PermissionDenied


def testimonial_get_for_user(
    *,
    user,
    pk: int,
    action: Action = Action.MANAGE,  # noqa: PT028 (ruff takes the gate's name for a test)
) -> Granted[Testimonial]:
    granted = child_get_for_user(
        Testimonial,
        user=user,
        pk=pk,
        action=Action.VIEW,
        initiative_path="profile__programme__initiative",
        related=("profile__person",),
    )
    testimonial, role = granted
    if role_allows(role, Action.MANAGE):
        return granted
    if testimonial.profile.user_id == user.pk and action != Action.MANAGE:
        return granted
    if action == Action.VIEW:
        # Other members see a testimonial only while it may be shown in the programme.
        shown = Testimonial.objects.filter(pk=testimonial.pk).filter(
            shown_q(channel=ConsentScope.PROGRAMME)
        )
        if not shown.exists():
            raise Http404
        return granted
    raise PermissionDenied


def staff(role: Role | None) -> bool:
    return role_allows(role, Action.MANAGE)
