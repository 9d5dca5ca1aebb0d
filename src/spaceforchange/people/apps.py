from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "spaceforchange.people"
    label = "people"
    verbose_name = _("People and teams")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from spaceforchange.people import models, respondent_hooks

        for model in (models.Team, models.TeamMember, models.ExplorationShare, models.LeaderRole):
            auditlog.register(model)
        respondent_hooks.register()
