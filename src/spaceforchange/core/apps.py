from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "spaceforchange.core"
    label = "core"
    verbose_name = _("Organisations and people")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from spaceforchange.core import audit

        audit.register_models()
        # Each app declares its rules in permissions.py; load them all once the registry is ready.
        autodiscover_modules("permissions")
