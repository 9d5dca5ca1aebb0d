import logging

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class FrameworksConfig(AppConfig):
    name = "spaceforchange.frameworks"
    label = "frameworks"
    verbose_name = _("Framework library")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from spaceforchange.frameworks import models

        auditlog.register(models.FrameworkPack)
        # The document is large and its checksum identifies it; the log keeps the checksum.
        auditlog.register(models.PackVersion, exclude_fields=["document", "digest"])
        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="frameworks_sync_shipped_packs")


def sync_after_migrate(using: str = "default", **kwargs: object) -> None:
    """Load new or changed shipped packs after every ``migrate``.

    An invalid shipped pack must not make ``migrate`` fail (the operator could not start the
    application to fix anything), so problems are logged and nothing is imported.
    """
    from django.db import DatabaseError, connections

    from spaceforchange.frameworks.models import PackVersion
    from spaceforchange.frameworks.services import PackImportError, sync_shipped_packs

    if using != "default" or PackVersion._meta.db_table not in connections[using].introspection.table_names():
        return  # the app's tables are not there (yet, or any more)
    try:
        outcomes = sync_shipped_packs()
    except PackImportError as error:
        logger.error("Shipped framework packs were not loaded:\n%s", error)
        return
    except DatabaseError:
        logger.exception("Shipped framework packs were not loaded")
        return
    created = [outcome for outcome in outcomes if outcome.created]
    if created and kwargs.get("verbosity", 1):
        logger.info("Loaded %d new shipped framework pack version(s).", len(created))
