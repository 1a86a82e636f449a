from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "meshutaf.programs"
    label = "programs"
    verbose_name = _("Programmes and cohorts")

    def ready(self) -> None:
        from meshutaf.initiatives import sections

        sections.section_register(
            sections.Section("programs:programme_list", _("Programmes and cohorts"), order=50)
        )

        from . import indexing

        indexing.register()
