"""The change-programme vocabulary: Fernandez and Rainey's eight factors, read from the packs.

The factor keys are fixed (the ``change_readiness`` gate condition and the warning rules name
them), but their names, descriptions and evidence checklists are content of the organisation's
``change_management`` pack (ARCHITECTURE.md rule 5: content is data), read here in one language.
A pack the organisation lacks leaves the keys as names and offers no checklist.
"""

from __future__ import annotations

from dataclasses import dataclass

from spaceforchange.analytics.change.readiness import FACTORS, factor_number
from spaceforchange.core.models import Organization
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.schema import Pack
from spaceforchange.frameworks.selectors import effective_pack, parsed_pack

READINESS_PACK = "change_management"
READINESS_INSTRUMENT = "change_readiness"
# FACTORS: factor 1..8 in the order of Fernandez & Rainey (2006), FRAMEWORKS.md §6; defined with
# the pure readiness analytics, which the portfolio gate reads too.
SCORE_MIN, SCORE_MAX = 1, 5
__all__ = [
    "FACTORS",
    "READINESS_INSTRUMENT",
    "READINESS_PACK",
    "SCORE_MAX",
    "SCORE_MIN",
    "ChangeTerms",
    "EvidenceItem",
    "Factor",
    "change_terms",
    "factor_number",
    "readiness_pack",
]


@dataclass(frozen=True)
class EvidenceItem:
    """One item of a factor's evidence checklist."""

    key: str
    factor: str
    text: str


@dataclass(frozen=True)
class Factor:
    """One of the eight factors in one language."""

    key: str
    number: int
    name: str
    description: str
    evidence: tuple[EvidenceItem, ...] = ()


@dataclass(frozen=True)
class ChangeTerms:
    """The eight factors of one organisation in one language, in the source's order."""

    factors: tuple[Factor, ...]

    @property
    def names(self) -> dict[str, str]:
        return {factor.key: factor.name for factor in self.factors}

    @property
    def evidence(self) -> dict[str, EvidenceItem]:
        """Evidence item key → item, over every factor."""
        return {item.key: item for factor in self.factors for item in factor.evidence}

    def factor(self, key: str) -> Factor | None:
        return next((factor for factor in self.factors if factor.key == key), None)

    def factor_choices(self) -> list[tuple[str, str]]:
        return [(factor.key, f"{factor.number}. {factor.name}") for factor in self.factors]

    def label(self, key: str) -> str:
        """ "4. Ensure top-management support and commitment" for a factor key."""
        factor = self.factor(key)
        return f"{factor.number}. {factor.name}" if factor is not None else key


def readiness_pack(organization: Organization) -> Pack | None:
    """The organisation's effective ``change_management`` pack, parsed, or None."""
    try:
        return parsed_pack(effective_pack(organization, READINESS_PACK))
    except PackVersion.DoesNotExist:
        return None


def change_terms(organization: Organization, language: str) -> ChangeTerms:
    """The eight factors with their names and evidence checklists in ``language``."""
    pack = readiness_pack(organization)
    items = {item.key: item for item in pack.items_of("factor")} if pack is not None else {}
    factors: list[Factor] = []
    for number, key in enumerate(FACTORS, start=1):
        item = items.get(key)
        if item is None:
            factors.append(Factor(key, number, key, ""))
            continue
        evidence = tuple(EvidenceItem(entry.key, key, entry.text.get(language)) for entry in item.checklist)
        factors.append(
            Factor(
                key,
                number,
                item.name.get(language),
                item.description.get(language) if item.description is not None else "",
                evidence,
            )
        )
    return ChangeTerms(tuple(factors))
