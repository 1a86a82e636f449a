"""The scorecard, indicator pages and the dashboard (included by `urls`, in its namespace)."""

from django.urls import path

from . import scorecard_views

urlpatterns: list = [
    path(
        "measurement/frameworks/<id:framework_id>/scorecard/",
        scorecard_views.scorecard,
        name="scorecard",
    ),
    path(
        "measurement/frameworks/<id:framework_id>/dashboard/",
        scorecard_views.dashboard,
        name="dashboard",
    ),
    path(
        "measurement/indicators/<id:indicator_id>/",
        scorecard_views.indicator_detail,
        name="indicator",
    ),
]
