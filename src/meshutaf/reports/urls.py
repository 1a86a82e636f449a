from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("initiatives/<id:pk>/report/", views.summary, name="summary"),
    path("initiatives/<id:pk>/report.<str:file_format>", views.download, name="download"),
]
