"""The reporting workflow's pages (included by `urls`, in its namespace)."""

from django.urls import path

from . import reporting_views as views

urlpatterns = [
    path("measurement/frameworks/<id:framework_id>/reporting/", views.inbox, name="inbox"),
    path("measurement/frameworks/<id:framework_id>/review/", views.review, name="review"),
    path(
        "measurement/frameworks/<id:framework_id>/rounds/new/",
        views.round_create,
        name="round_create",
    ),
    path("measurement/rounds/<id:round_id>/", views.round_detail, name="round"),
    path("measurement/rounds/<id:round_id>/close/", views.round_close, name="round_close"),
    path(
        "measurement/rounds/<id:round_id>/partners/<id:partner_id>/",
        views.entry,
        name="entry",
    ),
    path(
        "measurement/rounds/<id:round_id>/partners/<id:partner_id>/upload/",
        views.upload,
        name="upload",
    ),
    path(
        "measurement/rounds/<id:round_id>/partners/<id:partner_id>/upload/preview/",
        views.upload_preview,
        name="upload_preview",
    ),
    path("measurement/values/<id:observation_id>/", views.observation_detail, name="observation"),
    path(
        "measurement/values/<id:observation_id>/review/",
        views.observation_action,
        name="observation_action",
    ),
]
