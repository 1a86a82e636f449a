from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasurementConfig(AppConfig):
    name = "meshutaf.measurement"
    label = "measurement"
    verbose_name = _("Shared measurement")

    def ready(self) -> None:
        from meshutaf.initiatives import sections

        sections.section_register(
            sections.Section("measurement:frameworks", _("Shared measurement"), order=45)
        )

        from meshutaf.meetings import extensions

        from . import indexing, tasks

        indexing.register()
        # Open reporting tasks join the meetings' weekly digest.
        extensions.digest_register(tasks.digest_entries)
