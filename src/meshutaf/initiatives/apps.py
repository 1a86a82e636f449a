from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "meshutaf.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self) -> None:
        from meshutaf.directory import extensions

        from . import selectors

        extensions.provider_register(
            extensions.ORGANISATION_INITIATIVES, selectors.organisation_initiatives
        )
        extensions.provider_register(
            extensions.PERSON_GROUP_MEMBERSHIPS, selectors.group_memberships_for_person
        )
