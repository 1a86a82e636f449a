"""Nomination pages: staff's (by cohort, link and nomination) and those reached by link
without an account (`nominate/<token>/`, `apply/<token>/`)."""

from django.urls import path

from . import nomination_views as views

urlpatterns = [
    path("cohorts/<id:pk>/nominations/", views.nominations, name="nominations"),
    path(
        "cohorts/<id:pk>/nominations/links/new/",
        views.invitation_new,
        name="nomination_link_create",
    ),
    path("cohorts/<id:pk>/nominations/new/", views.nomination_new, name="nomination_create"),
    path(
        "nomination-links/<id:pk>/revoke/",
        views.invitation_revoke,
        name="nomination_link_revoke",
    ),
    path(
        "nomination-links/<id:pk>/resend/",
        views.invitation_resend,
        name="nomination_link_resend",
    ),
    path("nominations/<id:pk>/", views.nomination_detail, name="nomination"),
    path("nominations/<id:pk>/cv/", views.nomination_cv, name="nomination_cv"),
    path(
        "nominations/<id:pk>/calibration/",
        views.nomination_calibration,
        name="nomination_calibration",
    ),
    path(
        "nominations/<id:pk>/resend/",
        views.nomination_resend,
        name="nomination_resend",
    ),
    path("nominate/<slug:token>/", views.nominate, name="nominate"),
    path("apply/<slug:token>/", views.apply, name="apply"),
]
