from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "meshutaf.workshops"
    label = "workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from meshutaf.initiatives import sections

        sections.section_register(sections.Section("workshops:list", _("Workshops"), order=30))
