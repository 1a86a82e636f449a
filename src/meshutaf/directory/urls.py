from django.urls import path

from . import picker_views, views

app_name = "directory"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<id:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<id:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("people/", views.person_list, name="person_list"),
    path("pick/people/", picker_views.pick_people, name="pick_people"),
    path("pick/organisations/", picker_views.pick_organisations, name="pick_organisations"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<id:pk>/", views.person_detail, name="person_detail"),
    path("people/<id:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<id:pk>/affiliations/", views.affiliation_add, name="affiliation_add"),
    path(
        "people/<id:pk>/affiliations/<id:affiliation_pk>/remove/",
        views.affiliation_remove,
        name="affiliation_remove",
    ),
]
