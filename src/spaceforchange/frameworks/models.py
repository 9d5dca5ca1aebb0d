"""Framework packs and their immutable versions.

A pack is identified by its key within its owner: the global library (``organization`` NULL,
the packs shipped with the product) or one organisation. An organisation's pack with the key
of a shipped pack is its *override* (``based_on`` points at the shipped pack) and is what that
organisation sees; other organisations keep seeing the shipped pack.

Versions are never changed once written. Anything scored later keeps a foreign key to the
:class:`PackVersion` it used, so old results stay explainable after a pack is edited.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spaceforchange.core.models import Organization

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from spaceforchange.frameworks.schema import Pack


class PackSource(models.TextChoices):
    SHIPPED = "shipped", _("Shipped with the product")
    IMPORT = "import", _("Imported")
    EDIT = "edit", _("Edited")


class FrameworkPack(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="framework_packs",
        verbose_name=_("organisation"),
        help_text=_("Empty for the packs shipped with the product."),
    )
    key = models.CharField(_("key"), max_length=63)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overrides",
        verbose_name=_("overrides"),
    )
    # The newest version, kept here so lists need one query and no aggregate.
    current_version = models.ForeignKey(
        "PackVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["key"]
        verbose_name = _("framework pack")
        verbose_name_plural = _("framework packs")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(organization__isnull=True), name="unique_global_pack_key"
            ),
            models.UniqueConstraint(
                fields=["organization", "key"],
                condition=Q(organization__isnull=False),
                name="unique_organization_pack_key",
            ),
        ]

    def __str__(self) -> str:
        return self.key if self.organization_id is None else f"{self.key} ({self.organization})"

    @property
    def is_shipped(self) -> bool:
        return self.organization_id is None

    @property
    def is_override(self) -> bool:
        return self.based_on_id is not None


class PackVersion(models.Model):
    """One immutable, validated state of a pack."""

    # Denormalised from the pack so tenancy filters need no join; NULL for the global library.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    pack = models.ForeignKey(FrameworkPack, on_delete=models.CASCADE, related_name="versions", verbose_name=_("pack"))
    number = models.PositiveIntegerField(_("number"))
    version = models.CharField(_("declared version"), max_length=20)
    document = models.JSONField(_("document"))
    digest = models.JSONField(_("digest"), default=dict)
    checksum = models.CharField(_("checksum (sha256)"), max_length=64)
    source = models.CharField(_("source"), max_length=10, choices=PackSource.choices)
    # For an organisation's version: the shipped version it was derived from, if any.
    derived_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("derived from")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["pack", "number"]
        verbose_name = _("pack version")
        verbose_name_plural = _("pack versions")
        constraints = [models.UniqueConstraint(fields=["pack", "number"], name="unique_pack_version_number")]

    def __str__(self) -> str:
        return f"{self.pack.key} #{self.number} ({self.version})"

    @cached_property
    def content(self) -> Pack:
        """The validated pack of this version (parsed once per process per checksum)."""
        from spaceforchange.frameworks.selectors import parsed_pack

        return parsed_pack(self)

    def name(self, language: str) -> str:
        text = self.digest.get("name", {})
        return str(text.get(language) or text.get("en") or "")


# --- Display names of the pack vocabulary (the schema's enums), translatable ---------------

KIND_LABELS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "dimension": (_("Dimension"), _("Dimensions")),
    "type": (_("Type"), _("Types")),
    "state": (_("State"), _("States")),
    "strategy": (_("Strategy"), _("Strategies")),
    "tactic": (_("Tactic"), _("Tactics")),
    "factor": (_("Factor"), _("Factors")),
    "archetype": (_("Archetype"), _("Archetypes")),
    "axis": (_("Axis"), _("Axes")),
    "practice": (_("Practice"), _("Practices")),
    "warning_rule": (_("Warning rule"), _("Warning rules")),
    "family": (_("Family"), _("Families")),
    "object": (_("Object"), _("Objects")),
    "effect": (_("Effect"), _("Effects")),
    "status": (_("Status"), _("Statuses")),
    "stage": (_("Stage"), _("Stages")),
    "phase": (_("Phase"), _("Phases")),
    "level": (_("Level"), _("Levels")),
    "trigger": (_("Trigger"), _("Triggers")),
    "initiator": (_("Initiator"), _("Initiators")),
    "commitment": (_("Commitment"), _("Commitments")),
    "goal": (_("Goal"), _("Goals")),
    "mode": (_("Mode"), _("Modes")),
    "form": (_("Form"), _("Forms")),
    "purpose": (_("Purpose"), _("Purposes")),
    "signal": (_("Signal"), _("Signals")),
    "role": (_("Role"), _("Roles")),
    "element": (_("Element"), _("Elements")),
    "rule": (_("Rule"), _("Rules")),
    "principle": (_("Principle"), _("Principles")),
}

PROVENANCE_LABELS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "source-text": (_("Source text"), _("Stated in the source articles.")),
    "source-summary": (
        _("Source summary"),
        _("Named in an article's summary only; the wording may differ in the full text."),
    ),
    "literature": (_("Literature"), _("From the academic work the source cites.")),
    "working-model": (
        _("Working model"),
        _("Our own reconstruction where the source text was not available; an organisation may edit or replace it."),
    ),
}

SEVERITY_LABELS: dict[str, StrOrPromise] = {
    "info": _("Information"),
    "warning": _("Warning"),
    "critical": _("Critical"),
}

CHANGE_LABELS: dict[str, StrOrPromise] = {"added": _("Added"), "removed": _("Removed"), "changed": _("Changed")}
