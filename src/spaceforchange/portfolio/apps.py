from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "spaceforchange.portfolio"
    label = "portfolio"
    verbose_name = _("Portfolio")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from spaceforchange.portfolio.models import Initiative

        auditlog.register(Initiative)
