from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscourseConfig(AppConfig):
    name = "meshutaf.discourse"
    label = "discourse"
    verbose_name = _("Discourse Index")

    def ready(self) -> None:
        from meshutaf.initiatives import sections

        sections.section_register(
            sections.Section("discourse:list", _("Discourse Index"), order=50)
        )

        from . import tasks  # noqa: F401  (connects the failed-job receiver)
