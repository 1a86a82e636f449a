from django.urls import path

from .views import canvas_templates, participate, projector, sessions, themes

app_name = "workshops"
urlpatterns = [
    path("initiatives/<id:pk>/workshops/", sessions.initiative_list, name="list"),
    path("initiatives/<id:pk>/workshops/new/", sessions.session_create, name="create"),
    path("initiatives/<id:pk>/canvas-templates/", canvas_templates.template_list, name="templates"),
    path(
        "initiatives/<id:pk>/canvas-templates/new/",
        canvas_templates.template_create,
        name="template_create",
    ),
    path("canvas-templates/<id:pk>/", canvas_templates.template_edit, name="template_edit"),
    path(
        "canvas-templates/<id:pk>/delete/", canvas_templates.template_delete, name="template_delete"
    ),
    path("workshops/<id:pk>/", sessions.board, name="board"),
    path("workshops/<id:pk>/live/", sessions.board_fragment, name="board_fragment"),
    path("workshops/<id:pk>/projector/", projector.projector_start, name="projector_start"),
    path("workshops/<id:pk>/projector/<str:key>/", projector.projector, name="projector"),
    path(
        "workshops/<id:pk>/projector/<str:key>/live/",
        projector.projector_stage,
        name="projector_stage",
    ),
    path("workshops/<id:pk>/edit/", sessions.session_edit, name="edit"),
    path("workshops/<id:pk>/status/", sessions.session_status, name="status"),
    path("workshops/<id:pk>/delete/", sessions.session_delete, name="delete"),
    path("workshops/<id:pk>/join-sheet/", sessions.join_sheet, name="join_sheet"),
    path("workshops/<id:pk>/groups/", sessions.group_add, name="group_add"),
    path("workshops/<id:pk>/themes/", themes.themes, name="themes"),
    path("workshops/<id:pk>/themes/suggest/", themes.themes_suggest, name="themes_suggest"),
    path("workshops/<id:pk>/themes/new/", themes.theme_create, name="theme_create"),
    path("workshops/<id:pk>/export.csv", sessions.export_csv, name="export_csv"),
    path("workshops/<id:pk>/export.docx", sessions.export_docx, name="export_docx"),
    path("workshops/<id:pk>/to-knowledge/", sessions.to_knowledge, name="to_knowledge"),
    path("workshop-groups/<id:pk>/rename/", sessions.group_rename, name="group_rename"),
    path("workshop-groups/<id:pk>/new-link/", sessions.group_reset_link, name="group_reset_link"),
    path("workshop-groups/<id:pk>/delete/", sessions.group_delete, name="group_delete"),
    path("contributions/<id:pk>/moderate/", sessions.contribution_moderate, name="moderate"),
    path("contributions/<id:pk>/merge/", sessions.contribution_merge, name="merge"),
    path("contributions/<id:pk>/theme/", themes.contribution_move, name="move"),
    path("workshop-themes/<id:pk>/rename/", themes.theme_rename, name="theme_rename"),
    path("workshop-themes/<id:pk>/merge/", themes.theme_merge, name="theme_merge"),
    path("workshop-themes/<id:pk>/split/", themes.theme_split, name="theme_split"),
    path("workshop-themes/<id:pk>/delete/", themes.theme_delete, name="theme_delete"),
    # Participants, without an account: the token is the group's join secret.
    path("w/<str:token>/", participate.participate, name="participate"),
    path("w/<str:token>/live/", participate.participate_live, name="participate_live"),
    path("w/<str:token>/add/", participate.participate_add, name="participate_add"),
    path("w/<str:token>/notes/<id:pk>/", participate.participate_edit, name="participate_edit"),
    path(
        "w/<str:token>/notes/<id:pk>/withdraw/",
        participate.participate_withdraw,
        name="participate_withdraw",
    ),
]
