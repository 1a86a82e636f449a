"""The permission gates for corpora and everything in them: one `*_get_for_user` per object
type, each through the corpus's gate, which is the only way pages and the API reach them.

A corpus is reached through its initiative: members see its index, dashboard and
methodology; facilitators (the analysts and annotation leads) import, sample, assign,
adjudicate, train and score. Annotators are members who code only the items assigned to them:
they reach an item through their assignment, never by browsing the corpus. A corpus made from
the command line without an initiative is visible to administrators only. Outsiders get 404
(for unknown ids too); members without the needed role get 403.
"""

from django.db.models import QuerySet
from django.http import Http404

from meshutaf.core.access import Action, Granted, active_user
from meshutaf.initiatives.permissions import child_get_for_user, initiatives_visible_to

from .models import Assignment, Community, Corpus, Dimension, Item, ModelVersion, Sample


def corpus_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Corpus]:
    # A corpus without an initiative has no members: the gate lets only superusers in.
    return child_get_for_user(Corpus, user=user, pk=pk, action=action)


def corpora_visible_to(*, user) -> QuerySet[Corpus]:
    if not active_user(user):
        return Corpus.objects.none()
    if user.is_superuser:
        return Corpus.objects.all()
    return Corpus.objects.filter(initiative__in=initiatives_visible_to(user=user).values("pk"))


def _in_corpus(model, *, user, pk: int, action: Action, related: tuple[str, ...] = ()):
    """An object that belongs to one corpus, through the corpus's initiative."""
    return child_get_for_user(
        model,
        user=user,
        pk=pk,
        action=action,
        initiative_path="corpus__initiative",
        related=related,
    )


def item_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Granted[Item]:
    return _in_corpus(Item, user=user, pk=pk, action=action, related=("community",))


def dimension_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Granted[Dimension]:
    return _in_corpus(Dimension, user=user, pk=pk, action=action)


def sample_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Granted[Sample]:
    return _in_corpus(Sample, user=user, pk=pk, action=action)


def model_version_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW
) -> Granted[ModelVersion]:
    return _in_corpus(ModelVersion, user=user, pk=pk, action=action)


def community_get_for_user(
    *, user, corpus_pk: int, pk: int, action: Action = Action.MANAGE
) -> Granted[Community]:
    """A community of the corpus `corpus_pk` (its pages name both)."""
    corpus, role = corpus_get_for_user(user=user, pk=corpus_pk, action=action)
    community = Community.objects.filter(pk=pk, corpus=corpus).first()
    if community is None:
        raise Http404
    community.corpus = corpus
    return Granted(community, role)


def assignment_get_for_user(*, user, corpus_pk: int, item_pk: int) -> Granted[Assignment]:
    """An annotator's way to an item: their own assignment, in a corpus they still see."""
    corpus, role = corpus_get_for_user(user=user, pk=corpus_pk, action=Action.VIEW)
    assignment = (
        Assignment.objects.select_related("item__community")
        .filter(item_id=item_pk, item__corpus=corpus, annotator=user)
        .first()
    )
    if assignment is None:
        raise Http404
    assignment.item.corpus = corpus
    return Granted(assignment, role)
