from django.urls import path

from . import views

app_name = "discourse"
urlpatterns = [
    path("initiatives/<id:pk>/discourse/", views.corpus_list, name="list"),
]
