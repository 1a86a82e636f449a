from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholderMapConfig(AppConfig):
    name = "meshutaf.stakeholder_map"
    label = "stakeholder_map"
    verbose_name = _("Stakeholder map")

    def ready(self) -> None:
        from meshutaf.initiatives import sections

        sections.section_register(sections.Section("map:register", _("Stakeholder map"), order=90))
