from django.urls import path

from . import picker_views, views

app_name = "initiatives"
urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("new/", views.initiative_create, name="create"),
    path("<id:pk>/", views.initiative_detail, name="detail"),
    path("<id:pk>/edit/", views.initiative_edit, name="edit"),
    path("<id:pk>/phases/new/", views.phase_create, name="phase_create"),
    path("<id:pk>/groups/new/", views.group_create, name="group_create"),
    path("<id:pk>/members/", views.members, name="members"),
    path("<id:pk>/members.csv", views.members_csv, name="members_csv"),
    path("<id:pk>/pick/people/", picker_views.pick_people, name="pick_people"),
    path("<id:pk>/pick/members/", picker_views.pick_members, name="pick_members"),
    path("<id:pk>/pick/groups/", picker_views.pick_groups, name="pick_groups"),
    path("<id:pk>/history/", views.history, name="history"),
    path("<id:pk>/readiness/", views.readiness, name="readiness"),
    path("readiness/<id:pk>/status/", views.readiness_status, name="readiness_status"),
    path("readiness/<id:pk>/delete/", views.readiness_delete, name="readiness_delete"),
    path("phases/<id:pk>/edit/", views.phase_edit, name="phase_edit"),
    path("phases/<id:pk>/delete/", views.phase_delete, name="phase_delete"),
    path("groups/<id:pk>/", views.group_detail, name="group_detail"),
    path("groups/<id:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<id:pk>/delete/", views.group_delete, name="group_delete"),
    path("groups/<id:pk>/members/", views.group_member_add, name="group_member_add"),
    path("group-members/<id:pk>/role/", views.group_member_role, name="group_member_role"),
    path("group-members/<id:pk>/remove/", views.group_member_remove, name="group_member_remove"),
    path("memberships/<id:pk>/role/", views.membership_role, name="membership_role"),
    path("memberships/<id:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("invitations/<id:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("join/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
