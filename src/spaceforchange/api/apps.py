from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "spaceforchange.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from spaceforchange.api.models import ApiToken

        # Creating and revoking a token is a security event; the hash and the use stamp are not.
        auditlog.register(ApiToken, exclude_fields=["token_hash", "last_used_at"])
