"""Every write to initiatives."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.portfolio.models import Initiative, Stage


def _check_belongs(*, organization: Organization, unit: Unit | None, owner: User | None) -> None:
    if unit is not None and unit.organization_id != organization.pk:
        raise ValidationError({"unit": _("The unit belongs to another organisation.")})
    if owner is not None and not owner.memberships.filter(organization=organization, is_active=True).exists():
        raise ValidationError({"owner": _("The owner must be a member of the organisation.")})


@transaction.atomic
def create_initiative(
    *,
    organization: Organization,
    title: str,
    summary: str = "",
    unit: Unit | None = None,
    owner: User | None = None,
    stage: str = Stage.IDEA,
) -> Initiative:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the initiative a title.")})
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    _check_belongs(organization=organization, unit=unit, owner=owner)
    if Initiative.objects.filter(organization=organization, title__iexact=title).exists():
        raise ValidationError({"title": _("An initiative with this title already exists.")})
    return Initiative.objects.create(
        organization=organization, title=title, summary=summary.strip(), unit=unit, owner=owner, stage=stage
    )
