from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "spaceforchange.core"
    label = "core"
    verbose_name = _("Organisations and people")

    def ready(self) -> None:
        from spaceforchange.core import audit

        audit.register_models()
