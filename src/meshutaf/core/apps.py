from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "meshutaf.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The system checks, and the hook that makes the database cache's table after migrate.
        from . import caches, checks  # noqa: F401
