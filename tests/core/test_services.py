"""The shared write helpers: only changed columns are written, deletions record who."""

import pytest
from django.core.exceptions import ValidationError

from meshutaf.core.services import model_delete, model_update
from meshutaf.directory.models import Organisation


@pytest.mark.django_db
def test_two_people_editing_different_fields_keep_both_changes(owner):
    organisation = Organisation.objects.create(name_he="ארגון", sector="civil_society")
    first = Organisation.objects.get(pk=organisation.pk)
    second = Organisation.objects.get(pk=organisation.pk)
    model_update(instance=first, fields=["name_he"], data={"name_he": "שם חדש"}, by=owner)
    model_update(
        instance=second, fields=["website"], data={"website": "https://example.org"}, by=owner
    )
    organisation.refresh_from_db()
    assert organisation.name_he == "שם חדש"
    assert organisation.website == "https://example.org"


@pytest.mark.django_db
def test_an_update_moves_the_timestamp_and_an_unchanged_one_saves_nothing(owner):
    organisation = Organisation.objects.create(name_he="ארגון", sector="civil_society")
    before = organisation.updated_at
    _, changed = model_update(
        instance=organisation, fields=["name_he"], data={"name_he": "ארגון"}, by=owner
    )
    assert not changed
    _, changed = model_update(
        instance=organisation, fields=["name_he"], data={"name_he": "אחר"}, by=owner
    )
    organisation.refresh_from_db()
    assert changed
    assert organisation.updated_at > before


@pytest.mark.django_db
def test_a_null_for_a_required_field_is_refused_and_nothing_changes(owner):
    organisation = Organisation.objects.create(name_he="ארגון", sector="civil_society")
    with pytest.raises(ValidationError):
        model_update(instance=organisation, fields=["sector"], data={"sector": None}, by=owner)
    organisation.refresh_from_db()
    assert organisation.sector == "civil_society"


@pytest.mark.django_db
def test_a_deletion_records_who_deleted(owner):
    organisation = Organisation.objects.create(name_he="ארגון", sector="civil_society")
    pk = organisation.pk
    model_delete(organisation, by=owner)
    assert not Organisation.objects.filter(pk=pk).exists()
    assert Organisation.history.filter(id=pk, history_type="-").get().history_user == owner


@pytest.mark.django_db
def test_the_history_of_a_concurrent_edit_shows_what_is_stored(owner):
    organisation = Organisation.objects.create(name_he="ארגון", sector="civil_society")
    first = Organisation.objects.get(pk=organisation.pk)
    second = Organisation.objects.get(pk=organisation.pk)
    model_update(instance=first, fields=["name_he"], data={"name_he": "שם חדש"}, by=owner)
    model_update(
        instance=second, fields=["website"], data={"website": "https://example.org"}, by=owner
    )
    latest = organisation.history.order_by("-history_date", "-history_id").first()
    assert latest.name_he == "שם חדש"
    assert latest.website == "https://example.org"
    assert second.name_he == "שם חדש"
