"""The demo workspace as a Django app: no models, templates or URLs, so it stays out of
INSTALLED_APPS (`meshutaf demo` imports it; it reads its data files by path)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "meshutaf.demo"
    label = "demo"
    verbose_name = _("Demo workspace")
