from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meshutaf.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from meshutaf.initiatives import sections

        sections.section_register(
            sections.Section("meetings:list", _("Meetings"), order=10, primary=True)
        )
        sections.section_register(
            sections.Section(
                "meetings:initiative_actions", _("Action items"), order=20, subpages=("action",)
            )
        )

        from . import indexing

        indexing.register()
