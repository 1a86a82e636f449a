from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "meshutaf.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from meshutaf.initiatives import sections

        sections.section_register(
            sections.Section("search:search", _("Search"), order=140, by_query=True)
        )
