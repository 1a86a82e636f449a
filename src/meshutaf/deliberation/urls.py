from django.urls import path

from . import views

app_name = "deliberation"
urlpatterns = [
    path("initiatives/<id:pk>/deliberations/", views.initiative_list, name="list"),
    path("initiatives/<id:pk>/deliberations/new/", views.conversation_create, name="create"),
    path("initiatives/<id:pk>/deliberations/import/", views.polis_import, name="import"),
    path("deliberations/<id:pk>/", views.conversation_detail, name="detail"),
    path("deliberations/<id:pk>/edit/", views.conversation_edit, name="edit"),
    path("deliberations/<id:pk>/status/", views.conversation_status, name="status"),
    path("deliberations/<id:pk>/reset-link/", views.conversation_reset_link, name="reset_link"),
    path("deliberations/<id:pk>/delete/", views.conversation_delete, name="delete"),
    path(
        "deliberations/<id:pk>/participants/exclude/",
        views.participants_exclude,
        name="participants_exclude",
    ),
    path("deliberations/<id:pk>/statements/", views.statement_add, name="statement_add"),
    path(
        "deliberations/<id:pk>/statements/import/",
        views.statements_import,
        name="statements_import",
    ),
    path("deliberations/<id:pk>/map/", views.conversation_results, name="results"),
    path("deliberations/<id:pk>/recompute/", views.conversation_analyse, name="analyse"),
    path("deliberations/<id:pk>/export.zip", views.conversation_export, name="export"),
    path("statements/<id:pk>/moderate/", views.statement_moderate, name="moderate"),
    path("d/<str:token>/", views.participate, name="participate"),
    path("d/<str:token>/vote/", views.vote, name="vote"),
    path("d/<str:token>/statement/", views.participant_statement, name="participant_statement"),
    path("d/<str:token>/mine/", views.my_votes, name="mine"),
    path("d/<str:token>/map/", views.public_results, name="public_results"),
    path("d/<str:token>/continue/", views.resume, name="resume"),
]
