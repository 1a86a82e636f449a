from django.urls import path

from .views import coding, corpora, imports, index, samples, training

app_name = "discourse"
urlpatterns = [
    path("initiatives/<id:pk>/discourse/", corpora.corpus_list, name="list"),
    path("initiatives/<id:pk>/discourse/new/", corpora.corpus_create, name="create"),
    path("discourse/<id:pk>/", corpora.corpus_detail, name="detail"),
    path("discourse/<id:pk>/edit/", corpora.corpus_edit, name="edit"),
    path("discourse/<id:pk>/delete/", corpora.corpus_delete, name="delete"),
    path("discourse/<id:pk>/communities/", corpora.community_add, name="community_add"),
    path(
        "discourse/<id:pk>/communities/<id:community_pk>/",
        corpora.community_rename,
        name="community_rename",
    ),
    path("discourse/<id:pk>/import/", imports.import_upload, name="import"),
    path("discourse/<id:pk>/import/preview/", imports.import_preview, name="import_preview"),
    path("discourse/<id:pk>/codebook/", coding.codebook_page, name="codebook"),
    path("discourse/dimensions/<id:pk>/edit/", coding.dimension_edit, name="dimension_edit"),
    path("discourse/<id:pk>/samples/new/", samples.sample_create, name="sample_create"),
    path("discourse/<id:pk>/samples/suggest/", training.suggest, name="suggest"),
    path("discourse/samples/<id:pk>/", samples.sample_detail, name="sample_detail"),
    path("discourse/samples/<id:pk>/delete/", samples.sample_delete, name="sample_delete"),
    path("discourse/<id:pk>/annotate/", coding.annotate, name="annotate"),
    path("discourse/<id:pk>/annotate/<id:item_pk>/", coding.annotate_item, name="annotate_item"),
    path("discourse/<id:pk>/agreement/", coding.agreement, name="agreement"),
    path("discourse/items/<id:pk>/adjudicate/", coding.adjudicate, name="adjudicate"),
    path("discourse/<id:pk>/models/", training.models_page, name="models"),
    path("discourse/<id:pk>/models/train/", training.model_train, name="model_train"),
    path("discourse/models/<id:pk>/", training.model_detail, name="model_detail"),
    path("discourse/models/<id:pk>/score/", training.model_score, name="model_score"),
    path("discourse/<id:pk>/scoring/", training.scoring_status, name="scoring_status"),
    path("discourse/<id:pk>/index/", index.dashboard, name="dashboard"),
    path("discourse/<id:pk>/index.csv", index.index_csv, name="index_csv"),
    path("discourse/<id:pk>/methodology/", index.methodology, name="methodology"),
    path("discourse/<id:pk>/items/", corpora.items, name="items"),
    path("discourse/items/<id:pk>/language/", corpora.item_language, name="item_language"),
]
