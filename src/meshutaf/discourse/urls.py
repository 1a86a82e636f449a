from django.urls import path

from . import views

app_name = "discourse"
urlpatterns = [
    path("initiatives/<id:pk>/discourse/", views.corpus_list, name="list"),
    path("initiatives/<id:pk>/discourse/new/", views.corpus_create, name="create"),
    path("discourse/<id:pk>/", views.corpus_detail, name="detail"),
    path("discourse/<id:pk>/edit/", views.corpus_edit, name="edit"),
    path("discourse/<id:pk>/delete/", views.corpus_delete, name="delete"),
    path("discourse/<id:pk>/communities/", views.community_add, name="community_add"),
    path(
        "discourse/<id:pk>/communities/<id:community_pk>/",
        views.community_rename,
        name="community_rename",
    ),
    path("discourse/<id:pk>/import/", views.import_upload, name="import"),
    path("discourse/<id:pk>/import/preview/", views.import_preview, name="import_preview"),
    path("discourse/<id:pk>/codebook/", views.codebook_page, name="codebook"),
    path("discourse/dimensions/<id:pk>/edit/", views.dimension_edit, name="dimension_edit"),
    path("discourse/<id:pk>/samples/new/", views.sample_create, name="sample_create"),
    path("discourse/<id:pk>/samples/suggest/", views.suggest, name="suggest"),
    path("discourse/samples/<id:pk>/", views.sample_detail, name="sample_detail"),
    path("discourse/samples/<id:pk>/delete/", views.sample_delete, name="sample_delete"),
    path("discourse/<id:pk>/annotate/", views.annotate, name="annotate"),
    path("discourse/<id:pk>/annotate/<id:item_pk>/", views.annotate_item, name="annotate_item"),
    path("discourse/<id:pk>/agreement/", views.agreement, name="agreement"),
    path("discourse/items/<id:pk>/adjudicate/", views.adjudicate, name="adjudicate"),
    path("discourse/<id:pk>/models/", views.models_page, name="models"),
    path("discourse/<id:pk>/models/train/", views.model_train, name="model_train"),
    path("discourse/models/<id:pk>/", views.model_detail, name="model_detail"),
    path("discourse/models/<id:pk>/score/", views.model_score, name="model_score"),
    path("discourse/<id:pk>/scoring/", views.scoring_status, name="scoring_status"),
    path("discourse/<id:pk>/index/", views.dashboard, name="dashboard"),
    path("discourse/<id:pk>/index.csv", views.index_csv, name="index_csv"),
    path("discourse/<id:pk>/methodology/", views.methodology, name="methodology"),
    path("discourse/<id:pk>/items/", views.items, name="items"),
    path("discourse/items/<id:pk>/language/", views.item_language, name="item_language"),
]
