"""The policy vocabulary read from the organisation's packs, and the reasons of the index in words.

Legitimacy types and states come from the ``legitimacy`` pack, ladder levels and signals from
``policy_management`` (ARCHITECTURE.md rule 5: content is data). The tension index in
``domain`` returns reasons as a code and parameters; this module phrases them with gettext
in the reader's language, naming types, states, signals and stakeholders as the packs and the
register name them (docs/reference/tension-index.md, "Reading the index back in the product").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from spaceforchange.core.models import Organization
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.schema import Pack
from spaceforchange.frameworks.selectors import effective_pack, parsed_pack
from spaceforchange.policies import domain
from spaceforchange.portfolio.terms import Term

LEGITIMACY_PACK, POLICY_PACK = "legitimacy", "policy_management"
# Signals counted by hand per month; scrutiny reports are counted from the reports themselves.
RECORDABLE_SIGNALS = (domain.COMPLAINTS, domain.MEDIA_ATTENTION, domain.LITIGATION, domain.NON_COMPLIANCE)


@dataclass(frozen=True)
class PolicyTerms:
    """Legitimacy types and states, ladder levels and signals of one organisation, in one language."""

    types: tuple[Term, ...] = ()
    states: tuple[Term, ...] = ()
    levels: tuple[Term, ...] = ()
    signals: tuple[Term, ...] = ()

    @property
    def names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for terms in (self.types, self.states, self.levels, self.signals):
            names.update((term.key, term.name) for term in terms)
        return names

    @property
    def recordable(self) -> tuple[Term, ...]:
        return tuple(term for term in self.signals if term.key in RECORDABLE_SIGNALS)

    def type_choices(self) -> list[tuple[str, str]]:
        return [(term.key, term.name) for term in self.types]

    def signal_choices(self) -> list[tuple[str, str]]:
        return [(term.key, term.name) for term in self.recordable]

    def level_name(self, level: int) -> str:
        key = domain.LEVELS[level]
        return self.names.get(key, key)

    @property
    def parameters(self) -> domain.TensionParameters:
        """The index's parameters with the organisation's state order (the shipped one if it fits none)."""
        states = tuple(term.key for term in sorted(self.states, key=lambda term: term.order))
        if not states or states == domain.STATES:
            return domain.DEFAULT_PARAMETERS
        try:
            return domain.TensionParameters(states=states, state_strain=domain.linear_strain(states))
        except ValueError:
            return domain.DEFAULT_PARAMETERS


def _load(organization: Organization, key: str) -> Pack | None:
    try:
        return parsed_pack(effective_pack(organization, key))
    except PackVersion.DoesNotExist:
        return None


def _terms(pack: Pack | None, kind: str, language: str) -> tuple[Term, ...]:
    if pack is None:
        return ()
    items = pack.items_of(kind)
    return tuple(
        Term(item.key, item.name.get(language) or item.key, item.order or 0, dict(item.attributes)) for item in items
    )


def policy_terms(organization: Organization, language: str) -> PolicyTerms:
    """The organisation's policy vocabulary in ``language`` (one query per pack; parsing is cached)."""
    legitimacy, policy = _load(organization, LEGITIMACY_PACK), _load(organization, POLICY_PACK)
    return PolicyTerms(
        types=_terms(legitimacy, "type", language),
        states=_terms(legitimacy, "state", language),
        levels=tuple(sorted(_terms(policy, "level", language), key=lambda term: term.order)),
        signals=_terms(policy, "signal", language),
    )


# --- Reasons in words ----------------------------------------------------------------------------

Params = Mapping[str, object]


def _name(names: Mapping[str, str], key: object) -> str:
    return names.get(str(key), str(key)) if key is not None else _("not judged")


def _people(ids: object, stakeholders: Mapping[int, str]) -> str:
    values = ids if isinstance(ids, list) else []
    return ", ".join(stakeholders.get(int(pk), _("stakeholder %(id)s") % {"id": pk}) for pk in values)


def _judged(params: Params, names: Mapping[str, str], stakeholders: Mapping[int, str]) -> str:
    count, low = int(str(params.get("stakeholders", 0))), int(str(params.get("low_stakeholders", 0)))
    top = params.get("strongest_stakeholder_id")
    who = stakeholders.get(int(str(top)), _("stakeholder %(id)s") % {"id": top}) if top is not None else "—"
    text = ngettext(
        "%(count)d stakeholder judges the policy; %(low)d at %(state)s or worse.",
        "%(count)d stakeholders judge the policy; %(low)d at %(state)s or worse.",
        count,
    ) % {"count": count, "low": low, "state": _name(names, domain.DEFAULT_PARAMETERS.low_state)}
    strongest = _("The strongest objection: %(who)s, %(type)s, %(state)s.") % {
        "who": who,
        "type": _name(names, params.get("strongest_type")),
        "state": _name(names, params.get("strongest_state")),
    }
    regulatory = _("Regulatory: %(state)s.") % {"state": _name(names, params.get("regulatory_state"))}
    return f"{text} {strongest} {regulatory}"


def _rate(params: Params) -> str:
    values = {
        "recent": params.get("recent_count"),
        "earlier": params.get("earlier_count"),
        "rate": params.get("recent_rate"),
        "months": domain.DEFAULT_PARAMETERS.recent_months,
    }
    trend = params.get("trend")
    if trend == "rising":
        return _("%(recent)s in the last %(months)s months (%(rate)s a month), up from %(earlier)s before.") % values
    if trend == "falling":
        return _("%(recent)s in the last %(months)s months (%(rate)s a month), down from %(earlier)s before.") % values
    return _("%(recent)s in the last %(months)s months (%(rate)s a month), as many as before.") % values


def describe_component(code: str, params: Params, names: Mapping[str, str], stakeholders: Mapping[int, str]) -> str:
    """The sentence of a component's reason (``Reason.code`` and ``params``)."""
    if code == "no_judgments":
        return _("No normative, cognitive or pragmatic judgment is recorded. Regulatory: %(state)s.") % {
            "state": _name(names, params.get("regulatory_state"))
        }
    if code == "judged":
        return _judged(params, names, stakeholders)
    if code == "none_recorded":
        return _("None recorded in the last %(months)s months.") % {"months": params.get("months")}
    if code == "rate":
        return _rate(params)
    if code == "no_consultation":
        return _("No consultation is linked.")
    if code == "measured":
        return _("The linked consultation is divided at %(division)s.") % {"division": params.get("division")}
    return code


def describe_placement(code: str, params: Params, names: Mapping[str, str], stakeholders: Mapping[int, str]) -> str:
    """The sentence of one piece of ladder evidence (or ``aligned``)."""
    values = {
        "count": params.get("count"),
        "months": params.get("months"),
        "threshold": params.get("threshold"),
        "signal": _name(names, code),
        "level": _name(names, domain.LEVELS[int(str(params.get("level", 0)))]),
    }
    if code == "aligned":
        return _("No sign of tension.")
    if code == "crisis":
        return _("%(level)s: escalating evidence, and the index %(index)s is at or above %(threshold)s.") % {
            **values,
            "index": params.get("index"),
        }
    if code == domain.JUDGMENT_GAP:
        return _("%(level)s: %(who)s judge the policy at %(state)s or worse (%(threshold)s make a tension latent).") % {
            **values,
            "who": _people(params.get("stakeholder_ids"), stakeholders),
            "state": _name(names, params.get("state")),
        }
    if code == domain.DIVIDED_CONSULTATION:
        return _("%(level)s: the linked consultation is divided at %(division)s (from %(threshold)s).") % {
            **values,
            "division": params.get("division"),
        }
    text = _("%(level)s: %(signal)s counted %(count)s times in the last %(months)s months (%(threshold)s are enough).")
    return text % values
