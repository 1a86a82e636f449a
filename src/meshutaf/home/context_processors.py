"""Template context for facilitators: whether background jobs are running."""

from django.core.cache import cache

from meshutaf.core.access import Role
from meshutaf.core.worker import BEAT_SECONDS, workers_silent


def _silent() -> bool:
    # Checked at most once per heartbeat per process, not on every page.
    return bool(cache.get_or_set("meshutaf:workers-silent", workers_silent, BEAT_SECONDS))


def background_jobs(request):
    """`BACKGROUND_JOBS_STOPPED`, evaluated only where a page asks: true for a facilitator (or
    backbone staff) when jobs wait for a worker and none has been heard from for a while."""

    def stopped() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not _silent():
            return False
        return (
            user.is_staff
            or user.can_create_initiatives
            or user.memberships.filter(role=Role.FACILITATOR).exists()
        )

    return {"BACKGROUND_JOBS_STOPPED": stopped}
