"""The selection's pages: the board, the consensus queue, recommendations, the decision and
its log, with their downloads."""

from django.urls import path

from . import selection_views as views

urlpatterns = [
    path("cohorts/<int:pk>/board/", views.board, name="board"),
    path("cohorts/<int:pk>/board.<str:file_format>", views.board_export, name="board_export"),
    path("cohorts/<int:pk>/consensus/", views.consensus, name="consensus"),
    path("nominations/<int:pk>/recommendation/", views.recommendation, name="recommendation"),
    path("cohorts/<int:pk>/decision/", views.decision, name="decision"),
    path("cohorts/<int:pk>/decision-log/", views.decision_log, name="decision_log"),
    path(
        "cohorts/<int:pk>/decision-log.csv",
        views.decision_log_export,
        name="decision_log_export",
    ),
]
