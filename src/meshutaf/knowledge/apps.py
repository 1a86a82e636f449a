from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "meshutaf.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge")

    def ready(self) -> None:
        from meshutaf.initiatives import sections

        sections.section_register(
            sections.Section(
                "knowledge:documents", _("Documents"), order=60, subpages=("document",)
            )
        )
        sections.section_register(
            sections.Section("knowledge:insights", _("Insights"), order=70, subpages=("insight",))
        )

        from meshutaf.meetings import extensions

        from . import indexing, selectors

        indexing.register()
        extensions.meeting_documents_register(selectors.documents_for_meeting)
        from . import tasks  # noqa: F401  (connects the failed-job receiver)
