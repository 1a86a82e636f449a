from django.contrib import admin
from django.urls import include, path, register_converter

from meshutaf.api.api import api
from meshutaf.core.converters import IdConverter
from meshutaf.home import views as home_views

register_converter(IdConverter, "id")

urlpatterns = [
    path("", home_views.dashboard, name="dashboard"),
    path("initiatives/", include("meshutaf.initiatives.urls")),
    path("initiatives/", include("meshutaf.stakeholder_map.urls")),
    path("directory/", include("meshutaf.directory.urls")),
    path("", include("meshutaf.meetings.urls")),
    path("", include("meshutaf.knowledge.urls")),
    path("", include("meshutaf.search.urls")),
    path("", include("meshutaf.reports.urls")),
    path("", include("meshutaf.workshops.urls")),
    path("", include("meshutaf.deliberation.urls")),
    path("", include("meshutaf.discourse.urls")),
    path("", include("meshutaf.measurement.urls")),
    path("", include("meshutaf.programs.urls")),
    path("accounts/", include("meshutaf.accounts.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
