"""The subject kinds the alerts app knows itself, and how every subject is named for people.

Initiatives exist since the foundation, so their titles, owners and pages are registered here;
an app that adds a kind of subject (ideas, policies, teams …) registers it from its own
``alerts.py`` with ``alerts.registry.register_subject``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spaceforchange.alerts.domain import IDEA, INITIATIVE, PORTFOLIO
from spaceforchange.alerts.registry import register_subject

# What a subject of each kind is called when no label was recorded for it.
KIND_NAMES: dict[str, Promise] = {
    PORTFOLIO: _("The portfolio"),
    INITIATIVE: _("Initiative"),
    IDEA: _("Idea"),
    "organisation": _("The organisation"),
    "unit": _("Unit"),
    "team": _("Team"),
    "policy": _("Policy"),
    "programme": _("Change programme"),
    "judgment": _("Legitimacy judgment"),
    "gray_zone_entry": _("Gray-zone entry"),
    "strategy": _("Strategy"),
    "ai_portfolio": _("AI portfolio"),
}


def subject_name(kind: str, subject_id: int | None, label: str) -> str:
    """The subject as a person reads it: its recorded label, else its kind (and id)."""
    if label:
        return label
    name = str(KIND_NAMES.get(kind, kind.replace("_", " ").capitalize()))
    return name if subject_id is None else f"{name} #{subject_id}"


def _initiative_titles(organization: Any, ids: Collection[int]) -> Mapping[int, str]:
    from spaceforchange.portfolio.models import Initiative

    return dict(Initiative.objects.filter(organization=organization, pk__in=ids).values_list("pk", "title"))


def _initiative_owners(organization: Any, ids: Collection[int]) -> Mapping[int, Collection[int]]:
    from spaceforchange.portfolio.models import Initiative

    rows = Initiative.objects.filter(organization=organization, pk__in=ids, owner__isnull=False)
    return {pk: {owner_id} for pk, owner_id in rows.values_list("pk", "owner_id")}


def _initiative_url(organization_slug: str, initiative_id: int) -> str:
    return reverse("portfolio:initiative", kwargs={"org_slug": organization_slug, "initiative_id": initiative_id})


def register_builtin_subjects() -> None:
    register_subject(INITIATIVE, labels=_initiative_titles, responsible=_initiative_owners, url=_initiative_url)
