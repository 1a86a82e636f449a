from django.urls import path

from . import views

app_name = "initiatives"
urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("new/", views.initiative_create, name="create"),
    path("<int:pk>/", views.initiative_detail, name="detail"),
    path("<int:pk>/edit/", views.initiative_edit, name="edit"),
    path("<int:pk>/phases/new/", views.phase_create, name="phase_create"),
    path("<int:pk>/groups/new/", views.group_create, name="group_create"),
    path("<int:pk>/members/", views.members, name="members"),
    path("<int:pk>/members.csv", views.members_csv, name="members_csv"),
    path("<int:pk>/history/", views.history, name="history"),
    path("phases/<int:pk>/edit/", views.phase_edit, name="phase_edit"),
    path("phases/<int:pk>/delete/", views.phase_delete, name="phase_delete"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("groups/<int:pk>/members/", views.group_member_add, name="group_member_add"),
    path("group-members/<int:pk>/role/", views.group_member_role, name="group_member_role"),
    path("group-members/<int:pk>/remove/", views.group_member_remove, name="group_member_remove"),
    path("memberships/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("join/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
