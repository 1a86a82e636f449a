"""The permission gates for corpora and everything in them: one `*_get_for_user` per object
type, each through the corpus's gate, which is the only way pages and the API reach them.

A corpus is reached through its initiative: members see its index, dashboard and
methodology; facilitators (the analysts and annotation leads) import, sample, assign,
adjudicate, train and score. Annotators are members who code only the items assigned to them:
they reach an item through their assignment, never by browsing the corpus. A corpus made from
the command line without an initiative is visible to administrators only. Outsiders get 404
(for unknown ids too); members without the needed role get 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from meshutaf.core.access import Role
from meshutaf.initiatives.permissions import (
    Action,
    initiative_role,
    initiatives_visible_to,
    role_allows,
)

from .models import Assignment, Community, Corpus, Dimension, Item, ModelVersion, Sample


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


def _in_corpus(model, *, user, pk: int, action: Action, related: tuple[str, ...] = ()):
    """An object that belongs to one corpus, after the corpus's gate."""
    corpus_id = model.objects.filter(pk=pk).values_list("corpus_id", flat=True).first()
    if corpus_id is None:
        raise Http404
    corpus = corpus_get_for_user(user=user, pk=corpus_id, action=action)
    obj = model.objects.select_related(*related).get(pk=pk)
    obj.corpus = corpus
    return obj


def item_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Item:
    return _in_corpus(Item, user=user, pk=pk, action=action, related=("community",))


def dimension_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Dimension:
    return _in_corpus(Dimension, user=user, pk=pk, action=action)


def sample_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Sample:
    return _in_corpus(Sample, user=user, pk=pk, action=action)


def model_version_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> ModelVersion:
    return _in_corpus(ModelVersion, user=user, pk=pk, action=action)


def community_get_for_user(
    *, user, corpus_pk: int, pk: int, action: Action = Action.MANAGE
) -> Community:
    """A community of the corpus `corpus_pk` (its pages name both)."""
    corpus = corpus_get_for_user(user=user, pk=corpus_pk, action=action)
    community = Community.objects.filter(pk=pk, corpus=corpus).first()
    if community is None:
        raise Http404
    community.corpus = corpus
    return community


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
