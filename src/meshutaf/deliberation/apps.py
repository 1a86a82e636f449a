from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "meshutaf.deliberation"
    label = "deliberation"
    verbose_name = _("Deliberation")

    def ready(self) -> None:
        from meshutaf.initiatives import sections

        sections.section_register(
            sections.Section("deliberation:list", _("Deliberations"), order=40)
        )
