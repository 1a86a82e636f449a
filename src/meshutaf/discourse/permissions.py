"""The permission gates for corpora and their items.

A corpus is reached through its initiative: members see its index, dashboard and
methodology; facilitators (the analysts and annotation leads) import, sample, assign,
adjudicate, train and score. Annotators are members who code only the items assigned to them:
they reach an item through their assignment, never by browsing the corpus. A corpus made from
the command line without an initiative is visible to administrators only. Outsiders get 404.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from meshutaf.initiatives.models import Role
from meshutaf.initiatives.permissions import (
    Action,
    initiative_role,
    initiatives_visible_to,
    role_allows,
)

from .models import Assignment, Corpus, Item


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _role(*, user, corpus: Corpus) -> str | None:
    if user.is_superuser:
        return Role.FACILITATOR
    if corpus.initiative_id is None:
        return None
    return initiative_role(user=user, initiative_id=corpus.initiative_id)


def corpus_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Corpus:
    if not _active(user):
        raise Http404
    corpus = Corpus.objects.select_related("initiative").filter(pk=pk).first()
    if corpus is None:
        raise Http404
    role = _role(user=user, corpus=corpus)
    if role is None:
        raise Http404
    if not role_allows(role, action):
        raise PermissionDenied
    corpus.viewer_role = role
    return corpus


def corpora_visible_to(*, user) -> QuerySet[Corpus]:
    if not _active(user):
        return Corpus.objects.none()
    if user.is_superuser:
        return Corpus.objects.all()
    return Corpus.objects.filter(initiative__in=initiatives_visible_to(user=user).values("pk"))


def item_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Item:
    item = Item.objects.filter(pk=pk).only("id", "corpus_id").first()
    if item is None:
        raise Http404
    corpus = corpus_get_for_user(user=user, pk=item.corpus_id, action=action)
    item = Item.objects.select_related("community").get(pk=pk)
    item.corpus = corpus
    return item


def assignment_get_for_user(*, user, corpus_pk: int, item_pk: int) -> Assignment:
    """An annotator's way to an item: their own assignment, in a corpus they still see."""
    corpus = corpus_get_for_user(user=user, pk=corpus_pk, action=Action.VIEW)
    assignment = (
        Assignment.objects.select_related("item__community")
        .filter(item_id=item_pk, item__corpus=corpus, annotator=user)
        .first()
    )
    if assignment is None:
        raise Http404
    assignment.item.corpus = corpus
    return assignment
