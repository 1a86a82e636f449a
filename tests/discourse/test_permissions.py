"""The gates: every corpus, and everything in one, reached only through `permissions.py`:
members see, facilitators manage, annotators reach only their own items, outsiders get 404."""

from functools import partial

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from meshutaf.core.access import Action, Role
from meshutaf.discourse import services
from meshutaf.discourse.models import Assignment, ModelVersion, Sample, SampleKind
from meshutaf.discourse.permissions import (
    assignment_get_for_user,
    community_get_for_user,
    corpora_visible_to,
    corpus_get_for_user,
    dimension_get_for_user,
    item_get_for_user,
    model_version_get_for_user,
    sample_get_for_user,
)
from tests.factories import UserFactory

from ..conftest import client_for
from .conftest import assign, url

pytestmark = pytest.mark.django_db

VIEW_PAGES = ["detail", "codebook", "dashboard", "methodology", "models", "annotate"]
MANAGE_PAGES = ["edit", "delete", "import", "sample_create", "items", "agreement"]


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


class TestPermissions:
    def test_roles(self, corpus, owner, member, participant, outsider):
        assert corpus_get_for_user(user=owner, pk=corpus.pk, action=Action.MANAGE)
        assert corpus_get_for_user(user=member, pk=corpus.pk)
        with pytest.raises(PermissionDenied):
            corpus_get_for_user(user=member, pk=corpus.pk, action=Action.MANAGE)
        assert corpus_get_for_user(user=participant, pk=corpus.pk)
        with pytest.raises(Http404):
            corpus_get_for_user(user=outsider, pk=corpus.pk)
        assert list(corpora_visible_to(user=outsider)) == []
        assert list(corpora_visible_to(user=member)) == [corpus]

    def test_a_corpus_without_an_initiative_is_for_administrators(self, owner):
        corpus = services.corpus_create(name="Loose")
        with pytest.raises(Http404):
            corpus_get_for_user(user=owner, pk=corpus.pk)
        admin = UserFactory(username="admin", is_superuser=True)
        assert corpus_get_for_user(user=admin, pk=corpus.pk, action=Action.MANAGE)

    def test_annotators_reach_only_their_own_items(self, corpus, owner, member):
        sample = services.sample_create(corpus=corpus, name="s", kind=SampleKind.RANDOM, size=4)
        services.assignments_create(sample=sample, annotators=[owner])
        item_id = Assignment.objects.first().item_id
        assert assignment_get_for_user(user=owner, corpus_pk=corpus.pk, item_pk=item_id)
        with pytest.raises(Http404):
            assignment_get_for_user(user=member, corpus_pk=corpus.pk, item_pk=item_id)

    def test_everything_in_a_corpus_goes_through_its_gate(self, corpus, owner, member, outsider):
        sample = services.sample_create(corpus=corpus, name="s", kind=SampleKind.RANDOM, size=4)
        model = ModelVersion.objects.create(corpus=corpus, version=1)
        managed = {
            dimension_get_for_user: corpus.dimensions.first(),
            sample_get_for_user: sample,
            item_get_for_user: corpus.items.first(),
            partial(model_version_get_for_user, action=Action.MANAGE): model,
        }
        for gate, obj in managed.items():
            found, role = gate(user=owner, pk=obj.pk)
            assert (found.pk, found.corpus, role) == (obj.pk, corpus, Role.FACILITATOR)
            with pytest.raises(PermissionDenied):
                gate(user=member, pk=obj.pk)
            with pytest.raises(Http404):
                gate(user=outsider, pk=obj.pk)
            with pytest.raises(Http404):
                gate(user=owner, pk=999_999)
        assert model_version_get_for_user(user=member, pk=model.pk).obj.corpus == corpus
        community = corpus.communities.first()
        assert community_get_for_user(user=owner, corpus_pk=corpus.pk, pk=community.pk)
        with pytest.raises(PermissionDenied):
            community_get_for_user(user=member, corpus_pk=corpus.pk, pk=community.pk)
        with pytest.raises(Http404):
            community_get_for_user(user=outsider, corpus_pk=corpus.pk, pk=community.pk)
        other = services.corpus_create(name="Other", initiative=corpus.initiative)
        with pytest.raises(Http404):
            community_get_for_user(user=owner, corpus_pk=other.pk, pk=community.pk)


@pytest.mark.parametrize("name", VIEW_PAGES)
def test_members_see_the_corpus_outsiders_do_not(
    corpus, owner, member, participant, outsider, name
):
    for user, status in ((owner, 200), (member, 200), (participant, 200), (outsider, 404)):
        assert client_for(user).get(url(name, corpus.pk)).status_code == status, user


@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_only_facilitators_manage(corpus, owner, member, participant, outsider, name):
    for user, status in ((owner, 200), (member, 403), (participant, 403), (outsider, 404)):
        assert client_for(user).get(url(name, corpus.pk)).status_code == status, user


def test_children_go_through_their_corpus_gate(corpus, owner, member, outsider):
    sample = assign(corpus, [owner])
    dimension = corpus.dimensions.first()
    item = corpus.items.first()
    for page, pk in (
        ("sample_detail", sample.pk),
        ("dimension_edit", dimension.pk),
        ("adjudicate", item.pk),
    ):
        assert client_for(owner).get(url(page, pk)).status_code == 200, page
        assert client_for(member).get(url(page, pk)).status_code == 403, page
        assert client_for(outsider).get(url(page, pk)).status_code == 404, page
    assert client_for(owner).get(url("sample_detail", 99999)).status_code == 404
    for page in ("sample_delete", "item_language"):
        pk = sample.pk if page == "sample_delete" else item.pk
        assert client_for(member).post(url(page, pk)).status_code == 403
        assert client_for(outsider).post(url(page, pk)).status_code == 404
    assert Sample.objects.filter(pk=sample.pk).exists()
    assert client_for(None).get(url("detail", corpus.pk)).status_code == 302  # log in first


def test_a_corpus_without_initiative_is_for_administrators(owner, outsider):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    lonely = services.corpus_create(name="Command line", by=admin)
    assert client_for(admin).get(url("detail", lonely.pk)).status_code == 200
    assert client_for(admin).get(url("edit", lonely.pk)).status_code == 200
    assert client_for(owner).get(url("detail", lonely.pk)).status_code == 404
    response = client_for(admin).post(url("delete", lonely.pk))
    assert response["Location"] == reverse("dashboard")


def test_model_pages_and_communities_go_through_the_corpus_gate(corpus, owner, member, outsider):
    model = ModelVersion.objects.create(corpus=corpus, version=1)
    assert client_for(owner).get(url("model_detail", model.pk)).status_code == 200
    assert client_for(member).get(url("model_detail", model.pk)).status_code == 200
    assert client_for(outsider).get(url("model_detail", model.pk)).status_code == 404
    assert client_for(owner).get(url("model_detail", 99999)).status_code == 404
    assert client_for(member).post(url("model_score", model.pk)).status_code == 403
    assert client_for(outsider).post(url("model_score", model.pk)).status_code == 404
    community = corpus.communities.first()
    rename = url("community_rename", corpus.pk, community.pk)
    assert client_for(member).post(rename, {"name": "Renamed"}).status_code == 403
    assert client_for(outsider).post(rename, {"name": "Renamed"}).status_code == 404
    assert client_for(owner).post(url("community_rename", corpus.pk, 99999)).status_code == 404
    community.refresh_from_db()
    assert community.name != "Renamed"
