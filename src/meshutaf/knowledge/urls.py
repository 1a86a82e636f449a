from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("initiatives/<id:pk>/documents/", views.documents, name="documents"),
    path("initiatives/<id:pk>/documents/new/", views.document_upload, name="document_upload"),
    path("initiatives/<id:pk>/insights/", views.insights, name="insights"),
    path("documents/<id:pk>/", views.document_detail, name="document"),
    path("documents/<id:pk>/file/", views.document_download, name="document_download"),
    path("documents/<id:pk>/delete/", views.document_delete, name="document_delete"),
    path("insights/<id:pk>/", views.insight_edit, name="insight_edit"),
]
