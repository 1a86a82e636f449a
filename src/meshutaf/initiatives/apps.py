from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "meshutaf.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self) -> None:
        from meshutaf.core.access import Action
        from meshutaf.directory import extensions

        from . import sections, selectors

        # The initiative's own pages in its navigation bar; the feature apps add theirs.
        for section in (
            sections.Section(
                "initiatives:detail", _("Overview"), order=0, subpages=("phase", "group")
            ),
            sections.Section(
                "initiatives:members",
                _("Members"),
                order=100,
                subpages=("membership", "invitation"),
            ),
            sections.Section(
                "initiatives:readiness",
                _("Readiness checklist"),
                order=110,
                subpages=("readiness",),
                action=Action.MANAGE,
            ),
            sections.Section("initiatives:edit", _("Settings"), order=130, action=Action.MANAGE),
        ):
            sections.section_register(section)
        extensions.provider_register(
            extensions.ORGANISATION_INITIATIVES, selectors.organisation_initiatives
        )
        extensions.provider_register(
            extensions.PERSON_GROUP_MEMBERSHIPS, selectors.group_memberships_for_person
        )
