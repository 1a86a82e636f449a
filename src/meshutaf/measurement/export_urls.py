"""Downloads of values (included by `urls`, in its namespace)."""

from django.urls import path

from . import export_views

urlpatterns = [
    path(
        "measurement/frameworks/<id:framework_id>/export/observations.<str:file_format>",
        export_views.framework_observations,
        name="framework_observations_export",
    ),
    path(
        "measurement/frameworks/<id:framework_id>/export/open-sdg.zip",
        export_views.framework_open_sdg,
        name="framework_open_sdg",
    ),
    path(
        "measurement/indicators/<id:indicator_id>/export/observations.<str:file_format>",
        export_views.indicator_observations,
        name="indicator_observations_export",
    ),
    path(
        "measurement/indicators/<id:indicator_id>/export/open-sdg.csv",
        export_views.indicator_open_sdg,
        name="indicator_open_sdg",
    ),
]
