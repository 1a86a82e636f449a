from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "meshutaf.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Initiatives sit below this app: they announce a membership through their slot.
        from meshutaf.initiatives import extensions

        from . import services

        extensions.membership_added_register(services.membership_added)
