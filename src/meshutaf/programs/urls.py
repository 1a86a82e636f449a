"""The programs app's pages, by area: programmes and cohorts here; nominations and
applications, reviews and selection, sessions and attendance, projects and alumni in their
own modules."""

from django.urls import include, path

from . import picker_views, views

app_name = "programs"

urlpatterns = [
    path(
        "initiatives/<int:initiative_id>/programmes/",
        views.programme_list,
        name="programme_list",
    ),
    path(
        "initiatives/<int:initiative_id>/programmes/new/",
        views.programme_create,
        name="programme_create",
    ),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:pk>/phase/", views.cohort_phase, name="cohort_phase"),
    path("cohorts/<int:pk>/quotas/", views.quota_list, name="quotas"),
    path(
        "cohorts/<int:pk>/quotas/public-bodies/",
        picker_views.pick_public_bodies,
        name="pick_public_bodies",
    ),
    path("quotas/<int:pk>/delete/", views.quota_delete, name="quota_delete"),
    path("rubrics/<int:pk>/", views.rubric_version_detail, name="rubric_version"),
    path("rubrics/<int:pk>/copy/", views.rubric_version_copy, name="rubric_version_copy"),
    path("rubrics/<int:pk>/use/", views.rubric_version_use, name="rubric_version_use"),
    path("rubrics/<int:pk>/criteria/add/", views.criterion_add, name="criterion_add"),
    path("criteria/<int:pk>/remove/", views.criterion_remove, name="criterion_remove"),
    path("", include("meshutaf.programs.nomination_urls")),
    path("", include("meshutaf.programs.review_urls")),
    path("", include("meshutaf.programs.selection_urls")),
    path("", include("meshutaf.programs.session_urls")),
    path("", include("meshutaf.programs.alumni_urls")),
]
