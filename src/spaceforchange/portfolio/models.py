"""Initiatives: the innovations whose environment the product makes visible.

The portfolio capability (stages, intake, constraints, backing) grows from this table; the
foundation keeps only what every other app needs to point at.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spaceforchange.core.models import Organization, Unit


class Stage(models.TextChoices):
    """The trajectory of the first-step framework (pack ``first_step``, kind ``stage``)."""

    IDEA = "idea", _("Idea")
    EXPERIMENT = "experiment", _("Experiment")
    SCALING = "scaling", _("Scaling")
    INTEGRATED = "integrated", _("Integrated")
    STOPPED = "stopped", _("Stopped")


class Initiative(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="initiatives", verbose_name=_("unit")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_initiatives",
        verbose_name=_("owner"),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [models.UniqueConstraint(fields=["organization", "title"], name="unique_initiative_title")]

    def __str__(self) -> str:
        return self.title
