"""Notifications are made by other apps' writes: their fixtures are borrowed here."""

import pytest

from meshutaf.notifications.models import Notification
from tests.measurement.conftest import count_indicator, framework, partner_org, town
from tests.meetings.conftest import meeting, member_person, owner_person

__all__ = [
    "count_indicator",
    "framework",
    "meeting",
    "member_person",
    "owner_person",
    "partner_org",
    "town",
]


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what a write queues after its commit (the test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))
