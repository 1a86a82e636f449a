"""The API of one's own notifications: the list (`?unread=true`) and marking one read.
Only the caller's own are reachable; anyone else's answers 404 as a missing one does."""

import datetime

from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import paginate

from meshutaf.core.schemas import Id

from . import messages, selectors, services

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    initiative_id: int | None
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None

    @staticmethod
    def resolve_text(obj) -> str:
        return messages.render(obj.kind, obj.params)


@router.get("/notifications", response=list[NotificationOut])
@paginate
def notification_list(request, unread: bool = False):
    """The caller's notifications, newest first; `unread=true` keeps the unread ones. `text`
    is in the caller's language."""
    return selectors.notifications_for(user=request.user, unread_only=unread)


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def notification_read(request, notification_id: Id):
    notification = selectors.notification_for_reader(user=request.user, pk=notification_id)
    if notification is None:
        raise Http404
    return services.notification_mark_read(notification=notification)
