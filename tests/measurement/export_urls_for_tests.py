"""The project's addresses plus the measurement downloads, until measurement/urls.py includes
`export_urls` itself (then the first match is the same view)."""

from django.urls import include, path

from meshutaf.urls import urlpatterns as project  # first: it registers the "id" converter

from meshutaf.measurement import export_urls  # isort: skip

urlpatterns = [path("", include((export_urls.urlpatterns, "measurement_exports"))), *project]
