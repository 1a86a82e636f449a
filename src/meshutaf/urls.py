from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

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
    path("", include("meshutaf.notifications.urls")),
    path("", include("meshutaf.reports.urls")),
    path("", include("meshutaf.workshops.urls")),
    path("", include("meshutaf.deliberation.urls")),
    path("", include("meshutaf.discourse.urls")),
    path("", include("meshutaf.measurement.urls")),
    path("", include("meshutaf.programs.urls")),
    path("accounts/", include("meshutaf.accounts.urls")),
    path("health/", include("meshutaf.core.health")),
    path("api/", api.urls),
    # The admin signs in through the site's own sign-in, with its second step and throttle.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin_login",
    ),
    path("admin/", admin.site.urls),
]
