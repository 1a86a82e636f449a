"""Shared measurement's pages: the framework and its scorecard, indicators (`views`), and the
reporting workflow: rounds, the partner's inbox, the backbone's review queue
(`reporting_views`)."""

from django.urls import include, path

from . import reporting_urls, scorecard_urls, views

app_name = "measurement"

urlpatterns = [
    path("initiatives/<id:initiative_id>/measurement/", views.framework_list, name="frameworks"),
    path("measurement/frameworks/<id:pk>/", views.framework_detail, name="framework"),
    path("", include(reporting_urls)),
    path("", include(scorecard_urls)),
]
