"""Setting the organisation's target mix of change forms (the write behind the portfolio page's settings)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from spaceforchange.analytics.portfolio.balance import TARGET_SUM_TOLERANCE
from spaceforchange.core.models import Organization, User
from spaceforchange.portfolio.models import PortfolioTarget


def _check(shares: Mapping[str, float], forms: Collection[str]) -> None:
    if not forms:
        raise ValidationError(_("The organisation's framework packs define no change forms to aim for."))
    unknown = set(shares) - set(forms)
    if unknown:
        raise ValidationError(_("Unknown change forms: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    if any(not 0 <= value <= 1 for value in shares.values()):
        raise ValidationError(_("Each share must lie between 0 and 100 per cent."))
    if abs(sum(shares.values()) - 1) > TARGET_SUM_TOLERANCE:
        raise ValidationError(_("The shares must add up to 100 per cent."))


@transaction.atomic
def set_portfolio_target(
    *, organization: Organization, shares: Mapping[str, float], forms: Collection[str], actor: User | None = None
) -> PortfolioTarget:
    """Store the target share (0–1) of each change form in ``forms``; refused unless they add up to 1."""
    _check(shares, forms)
    target, _created = PortfolioTarget.objects.update_or_create(
        organization=organization,
        defaults={"shares": {key: float(shares.get(key, 0.0)) for key in forms}, "updated_by": actor},
    )
    return target
