from django.urls import path

from . import views

app_name = "workshops"
urlpatterns = [
    path("initiatives/<id:pk>/workshops/", views.initiative_list, name="list"),
    path("initiatives/<id:pk>/workshops/new/", views.session_create, name="create"),
    path("initiatives/<id:pk>/canvas-templates/", views.template_list, name="templates"),
    path(
        "initiatives/<id:pk>/canvas-templates/new/", views.template_create, name="template_create"
    ),
    path("canvas-templates/<id:pk>/", views.template_edit, name="template_edit"),
    path("canvas-templates/<id:pk>/delete/", views.template_delete, name="template_delete"),
    path("workshops/<id:pk>/", views.board, name="board"),
    path("workshops/<id:pk>/live/", views.board_fragment, name="board_fragment"),
    path("workshops/<id:pk>/edit/", views.session_edit, name="edit"),
    path("workshops/<id:pk>/status/", views.session_status, name="status"),
    path("workshops/<id:pk>/delete/", views.session_delete, name="delete"),
    path("workshops/<id:pk>/join-sheet/", views.join_sheet, name="join_sheet"),
    path("workshops/<id:pk>/groups/", views.group_add, name="group_add"),
    path("workshops/<id:pk>/themes/", views.themes, name="themes"),
    path("workshops/<id:pk>/themes/suggest/", views.themes_suggest, name="themes_suggest"),
    path("workshops/<id:pk>/themes/new/", views.theme_create, name="theme_create"),
    path("workshops/<id:pk>/export.csv", views.export_csv, name="export_csv"),
    path("workshops/<id:pk>/export.docx", views.export_docx, name="export_docx"),
    path("workshops/<id:pk>/to-knowledge/", views.to_knowledge, name="to_knowledge"),
    path("workshop-groups/<id:pk>/rename/", views.group_rename, name="group_rename"),
    path("workshop-groups/<id:pk>/new-link/", views.group_reset_link, name="group_reset_link"),
    path("workshop-groups/<id:pk>/delete/", views.group_delete, name="group_delete"),
    path("contributions/<id:pk>/moderate/", views.contribution_moderate, name="moderate"),
    path("contributions/<id:pk>/merge/", views.contribution_merge, name="merge"),
    path("contributions/<id:pk>/theme/", views.contribution_move, name="move"),
    path("workshop-themes/<id:pk>/rename/", views.theme_rename, name="theme_rename"),
    path("workshop-themes/<id:pk>/merge/", views.theme_merge, name="theme_merge"),
    path("workshop-themes/<id:pk>/split/", views.theme_split, name="theme_split"),
    path("workshop-themes/<id:pk>/delete/", views.theme_delete, name="theme_delete"),
    # Participants, without an account: the token is the group's join secret.
    path("w/<str:token>/", views.participate, name="participate"),
    path("w/<str:token>/live/", views.participate_live, name="participate_live"),
    path("w/<str:token>/add/", views.participate_add, name="participate_add"),
    path("w/<str:token>/notes/<id:pk>/", views.participate_edit, name="participate_edit"),
    path(
        "w/<str:token>/notes/<id:pk>/withdraw/",
        views.participate_withdraw,
        name="participate_withdraw",
    ),
]
