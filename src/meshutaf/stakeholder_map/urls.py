from django.urls import path

from . import views

app_name = "map"
urlpatterns = [
    path("<id:pk>/stakeholders/", views.register, name="register"),
    path(
        "<id:pk>/stakeholders.<str:file_format>",
        views.register_export,
        name="register_export",
    ),
    path("<id:pk>/stakeholders/new/", views.profile_create, name="profile_create"),
    path("<id:pk>/stakeholders/movement/", views.movement, name="movement"),
    path("<id:pk>/stakeholders/import/", views.import_upload, name="import_upload"),
    path("<id:pk>/stakeholders/import/preview/", views.import_preview, name="import_preview"),
    path("stakeholders/<id:pk>/", views.profile_detail, name="profile_detail"),
    path("stakeholders/<id:pk>/edit/", views.profile_edit, name="profile_edit"),
    path("stakeholders/<id:pk>/delete/", views.profile_delete, name="profile_delete"),
    path("<id:pk>/relationships/new/", views.relationship_create, name="relationship_create"),
    path("relationships/<id:pk>/edit/", views.relationship_edit, name="relationship_edit"),
    path("relationships/<id:pk>/delete/", views.relationship_delete, name="relationship_delete"),
    path("<id:pk>/network/", views.network, name="network"),
    path("<id:pk>/network.json", views.network_graph, name="network_graph"),
    path("<id:pk>/engagements/", views.engagements, name="engagements"),
    path(
        "engagements/<id:pk>/done/",
        views.engagement_follow_up_done,
        name="engagement_follow_up_done",
    ),
]
