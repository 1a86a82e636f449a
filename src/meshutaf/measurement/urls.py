"""Shared measurement's pages: the frameworks and the forms that define them (`views`), the
scorecard, indicators and dashboard (`scorecard_urls`), and the reporting workflow: rounds, the
partner's inbox, the backbone's review queue (`reporting_urls`)."""

from django.urls import include, path

from . import export_urls, reporting_urls, scorecard_urls, views

app_name = "measurement"

urlpatterns = [
    path("initiatives/<id:initiative_id>/measurement/", views.framework_list, name="frameworks"),
    path(
        "initiatives/<id:initiative_id>/measurement/new/",
        views.framework_create,
        name="framework_create",
    ),
    path("measurement/frameworks/<id:pk>/", views.framework_detail, name="framework"),
    path("measurement/frameworks/<id:pk>/edit/", views.framework_edit, name="framework_edit"),
    path(
        "measurement/frameworks/<id:pk>/new-version/",
        views.framework_new_version,
        name="framework_new_version",
    ),
    path("measurement/frameworks/<id:pk>/results/new/", views.result_create, name="result_create"),
    path("measurement/results/<id:pk>/edit/", views.result_edit, name="result_edit"),
    path(
        "measurement/frameworks/<id:pk>/strategies/new/",
        views.strategy_create,
        name="strategy_create",
    ),
    path(
        "measurement/frameworks/<id:pk>/indicators/new/",
        views.indicator_create,
        name="indicator_create",
    ),
    path("measurement/indicators/<id:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path(
        "measurement/indicators/<id:pk>/definition/",
        views.definition_version_add,
        name="definition_version_add",
    ),
    path("measurement/indicators/<id:pk>/baselines/new/", views.baseline_add, name="baseline_add"),
    path("measurement/indicators/<id:pk>/targets/new/", views.target_add, name="target_add"),
    path("measurement/indicators/<id:pk>/judgement/new/", views.forecast_add, name="forecast_add"),
    path("measurement/frameworks/<id:pk>/claims/new/", views.claim_create, name="claim_create"),
    path("measurement/claims/<id:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("measurement/frameworks/<id:pk>/rules/new/", views.rule_create, name="rule_create"),
    path("measurement/frameworks/<id:pk>/agreements/", views.agreement_set, name="agreement_set"),
    path(
        "measurement/frameworks/<id:pk>/neighbourhoods/new/",
        views.neighbourhood_add,
        name="neighbourhood_add",
    ),
    path(
        "measurement/frameworks/<id:pk>/curve-sessions/new/",
        views.curve_session_create,
        name="curve_session_create",
    ),
    path("measurement/frameworks/<id:pk>/rows/<slug:prefix>/", views.form_row, name="form_row"),
    path("measurement/geography/options/", views.geography_options, name="geography_options"),
    path("", include(reporting_urls)),
    path("", include(scorecard_urls)),
    path("", include(export_urls)),
]
