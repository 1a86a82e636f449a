"""What the programs app puts into the search index: programmes, cohorts' projects and the
alumni network's opted-in profiles.

A search entry is one text for every member of the initiative, so an alumni profile's entry
holds the name and only the fields `visible_fields` shows to every member
(`EVERY_MEMBER`): a field kept for alumni or staff is never indexed, and cannot be found by
searching for it. A profile that has not opted in has no entry.

Registered with the search app in `apps.py` (`indexing.register()`). The services call
`index_programme`, `index_project` and `index_profile` when they write these.
"""

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meshutaf.search import indexing, registry
from meshutaf.search.models import SearchEntry

from .models import AlumniProfile, Programme, Project
from .selectors.alumni import EVERY_MEMBER, visible_fields

PROGRAMME, PROJECT, ALUMNUS = "programme", "cohort_project", "alumnus"


def register() -> None:
    registry.kind_register(PROGRAMME, _("Programme"))
    registry.kind_register(PROJECT, pgettext_lazy("cohort project", "Project"))
    registry.kind_register(ALUMNUS, _("Alumni network"))
    registry.builder_register("programs.Programme", programme_entries)
    registry.builder_register("programs.Project", project_entries)
    registry.builder_register("programs.AlumniProfile", profile_entries)
    registry.rebuilder_register(all_entries)


def _programme_entry(programme: Programme) -> SearchEntry:
    return indexing.entry(
        initiative_id=programme.initiative_id,
        kind=PROGRAMME,
        object_id=programme.pk,
        title=programme.name,
        body="\n\n".join(part for part in (programme.description, programme.goals) if part),
        url=reverse("programs:programme", kwargs={"pk": programme.pk}),
        date=programme.updated_at,
    )


def _project_entry(project: Project) -> SearchEntry:
    cohort = project.cohort
    return indexing.entry(
        initiative_id=cohort.programme.initiative_id,
        kind=PROJECT,
        object_id=project.pk,
        title=project.title,
        body="\n\n".join(
            part
            for part in (
                project.challenge,
                project.description,
                cohort.name,
                cohort.programme.name,
            )
            if part
        ),
        url=reverse("programs:project", kwargs={"pk": project.pk}),
        date=project.updated_at,
    )


def _profile_entry(profile: AlumniProfile) -> SearchEntry:
    shown = visible_fields(profile, EVERY_MEMBER)
    return indexing.entry(
        initiative_id=profile.programme.initiative_id,
        kind=ALUMNUS,
        object_id=profile.pk,
        title=profile.person.full_name,
        body="\n\n".join(
            [str(value) for value in shown.values() if value] + [profile.programme.name]
        ),
        url=reverse("programs:alumni_profile", kwargs={"pk": profile.pk}),
        date=profile.updated_at,
    )


def programme_entries(programme: Programme) -> tuple[registry.Covered, list[SearchEntry]]:
    return {PROGRAMME: [programme.pk]}, [_programme_entry(programme)]


def project_entries(project: Project) -> tuple[registry.Covered, list[SearchEntry]]:
    return {PROJECT: [project.pk]}, [_project_entry(project)]


def profile_entries(profile: AlumniProfile) -> tuple[registry.Covered, list[SearchEntry]]:
    if profile.opted_in_at is None:
        return {ALUMNUS: [profile.pk]}, []
    return {ALUMNUS: [profile.pk]}, [_profile_entry(profile)]


def index_programme(programme: Programme) -> None:
    indexing.index_object(programme)


def index_project(project: Project) -> None:
    indexing.index_object(project)


def index_profile(profile: AlumniProfile) -> None:
    indexing.index_object(profile)


def unindex_project(project: Project) -> None:
    indexing.unindex(PROJECT, [project.pk])


def all_entries() -> Iterator[SearchEntry]:
    for programme in Programme.objects.iterator(chunk_size=200):
        yield _programme_entry(programme)
    for project in Project.objects.select_related("cohort__programme").iterator(chunk_size=200):
        yield _project_entry(project)
    for profile in (
        AlumniProfile.objects.filter(opted_in_at__isnull=False)
        .select_related("programme", "person", "organisation")
        .iterator(chunk_size=200)
    ):
        yield _profile_entry(profile)
