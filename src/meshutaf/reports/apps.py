from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "meshutaf.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from meshutaf.initiatives import sections

        sections.section_register(
            sections.Section("reports:summary", _("Summary report"), order=80)
        )
