"""The permission gate for documents and insights (through their initiative)."""

from meshutaf.initiatives.permissions import Action, child_get_for_user

from .models import Document, Insight


def document_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Document:
    return child_get_for_user(Document, user=user, pk=pk, action=action, related=("meeting",))


def insight_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Insight:
    return child_get_for_user(Insight, user=user, pk=pk, action=action)
