"""People pages of the organisation: the overview, the archetype mix per unit or team, the culture
pulse over time, and a team's composition against the organisation's mix.

Every figure is an aggregate: the archetype mix of a group of at least the campaign's anonymity
threshold, never one person's archetype (that is shown only to the person, on their own survey's
thank-you page). A hidden group says "Fewer than N answers" and shows no counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from spaceforchange.alerts.selectors import Practice, rule_catalogue, rule_info
from spaceforchange.analytics.people.archetypes import GroupMix
from spaceforchange.analytics.people.rules import (
    BOHEMIANS_WITHOUT_STRATEGY,
    FEW_INNOVATORS,
    ROUTINE_LOCK_IN,
    STRATEGIC_DRIFT,
    UNSUPPORTED_TRANSITION,
    Firing,
)
from spaceforchange.assessments.models import Campaign
from spaceforchange.assessments.selectors import instrument_of
from spaceforchange.core.models import Organization
from spaceforchange.core.permissions import remember_roles
from spaceforchange.core.selectors import unit_choices, unit_of
from spaceforchange.core.tenancy import organization_of
from spaceforchange.core.views import permitted_organization
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.schema import ItemKind
from spaceforchange.frameworks.selectors import effective_pack, parsed_pack
from spaceforchange.people import charts, selectors
from spaceforchange.people.forms import GROUPINGS
from spaceforchange.people.models import Team
from spaceforchange.people.selectors import BY_TEAM, BY_UNIT, Term
from spaceforchange.people.terms import ARCHETYPE_PACK

VIEW, MANAGE, RECORD = "people.view_people", "people.manage_teams", "people.record_team"


# --- Shared by the people and team pages -------------------------------------------------------


def team_for(request: HttpRequest, team_id: int, permission: str = VIEW) -> tuple[Organization, Team]:
    """The organisation's team (404 for any other id), once the person may ``permission`` on it (403)."""
    organization = organization_of(request)
    remember_roles(request.user, getattr(request, "membership", None))
    try:
        team = selectors.team(organization, team_id)
    except Team.DoesNotExist as error:
        raise Http404("No such team.") from error
    target: Any = team if permission == RECORD else organization
    if not request.user.has_perm(permission, target):
        raise PermissionDenied
    return organization, team


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


def _day(value: Any) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


@dataclass(frozen=True)
class WarningItem:
    """A warning as the pages show it: the rule, what triggered it, and the practices that answer it."""

    key: str
    name: str
    facts: str
    answered_by: tuple[Practice, ...]


def _facts_text(firing: Firing) -> str:
    """The data that triggered ``firing``, in a sentence."""
    facts: Mapping[str, Any] = firing.facts
    rule = firing.rule_key
    if rule == ROUTINE_LOCK_IN:
        return _(
            "Autonomy level %(level)s and %(share)s of working time on exploration in %(period)s; "
            "the warning fires at %(ceiling)s or less."
        ) % {
            "level": facts.get("autonomy_level"),
            "share": _percent(facts.get("exploration_share")),
            "period": facts.get("period") or "—",
            "ceiling": _percent(facts.get("max_exploration_share")),
        }
    if rule == STRATEGIC_DRIFT:
        if not facts.get("last_alignment_on"):
            return _("The self-managed team has no alignment session recorded.")
        return _("The last alignment session was on %(date)s, more than %(months)s months ago.") % {
            "date": _day(facts["last_alignment_on"]),
            "months": facts.get("months"),
        }
    if rule == UNSUPPORTED_TRANSITION:
        text = _(
            "In transition for %(days)s days with %(covered)s of 4 leader roles covered (at least %(needed)s needed)."
        ) % {
            "days": facts.get("days_in_transition"),
            "covered": facts.get("roles_covered"),
            "needed": facts.get("min_roles_covered"),
        }
        if not facts.get("paradoxical_leadership_covered"):
            text += " " + _("Nobody covers paradoxical leadership.")
        return text
    if rule == FEW_INNOVATORS:
        return _(
            "Crusaders and Revolutionists are %(share)s of %(respondents)s respondents; "
            "the warning fires below %(floor)s."
        ) % {
            "share": _percent(facts.get("innovator_share")),
            "respondents": facts.get("respondents"),
            "floor": _percent(facts.get("min_innovator_share")),
        }
    if rule == BOHEMIANS_WITHOUT_STRATEGY:
        text = _("Bohemians are %(share)s of %(respondents)s respondents; the warning fires from %(floor)s.") % {
            "share": _percent(facts.get("bohemian_share")),
            "respondents": facts.get("respondents"),
            "floor": _percent(facts.get("min_bohemian_share")),
        }
        revised = facts.get("strategy_last_revised_on")
        if revised:
            return text + " " + _("The strategy was last revised on %(date)s.") % {"date": _day(revised)}
        return text + " " + _("The organisation has no strategy.")
    return ""


def warning_lists(organization: Organization, firing_lists: Iterable[Iterable[Firing]]) -> list[list[WarningItem]]:
    """Each list of firings with their rules' names and practices from the organisation's warnings
    pack, read once for all of them."""
    lists = [list(firings) for firings in firing_lists]
    if not any(lists):
        return [[] for _firings in lists]
    catalogue = rule_catalogue(organization, language=(get_language() or "en").split("-")[0])
    return [_items(catalogue, firings) for firings in lists]


def warning_items(organization: Organization, firings: Iterable[Firing]) -> list[WarningItem]:
    return warning_lists(organization, [firings])[0]


def _items(catalogue: Mapping[str, Any], firings: Iterable[Firing]) -> list[WarningItem]:
    items = []
    for firing in firings:
        info = rule_info(dict(catalogue), firing.rule_key)
        items.append(WarningItem(firing.rule_key, info.name, _facts_text(firing), info.answered_by))
    return items


# --- Archetype mixes ------------------------------------------------------------------------------


def _archetype_terms(organization: Organization) -> list[Term]:
    """The archetypes of the organisation's archetype pack, for the explanation without a campaign."""
    try:
        pack = parsed_pack(effective_pack(organization, ARCHETYPE_PACK))
    except PackVersion.DoesNotExist:
        return []
    language = (get_language() or "en").split("-")[0]
    items = sorted(pack.items_of(ItemKind.ARCHETYPE), key=lambda item: (item.order or 0, item.key))
    return [
        Term(item.key, item.name.get(language), item.description.get(language) if item.description else "")
        for item in items
    ]


@dataclass(frozen=True)
class MixCell:
    count: int
    share: float


@dataclass(frozen=True)
class MixRow:
    """A table row of an archetype mix: the group's respondents and a cell per archetype, or hidden."""

    label: str
    respondents: int | None
    cells: tuple[MixCell, ...]
    suppressed: bool
    no_answers: bool = False
    gaps: tuple[float | None, ...] = ()


def mix_row(label: str, mix: GroupMix, archetypes: Sequence[Term], gaps: Mapping[str, float] | None = None) -> MixRow:
    if mix.suppressed or mix.counts is None or mix.shares is None:
        return MixRow(label, None, (), suppressed=True, no_answers=mix.reason == "no_answers")
    cells = tuple(MixCell(mix.counts.get(term.key, 0), mix.shares.get(term.key, 0.0)) for term in archetypes)
    gap_values = tuple((gaps or {}).get(term.key) for term in archetypes) if gaps is not None else ()
    return MixRow(label, mix.respondents, cells, suppressed=False, gaps=gap_values)


def _shares(row: MixRow, count: int) -> list[float | None]:
    return [cell.share for cell in row.cells] if not row.suppressed else [None] * count


def _legend(archetypes: Sequence[Term]) -> list[tuple[str, str]]:
    return [(charts.COLOURS[index % len(charts.COLOURS)], term.name) for index, term in enumerate(archetypes)]


def _campaign_choice(request: HttpRequest, campaigns: Sequence[Campaign]) -> Campaign | None:
    """The campaign named by ``?campaign=`` among ``campaigns`` (the organisation's), else the default."""
    wanted = request.GET.get("campaign", "")
    chosen = next((campaign for campaign in campaigns if str(campaign.pk) == wanted), None)
    return chosen or selectors.default_archetype_campaign(campaigns)


@require_GET
def overview(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's archetype mix in its latest self-assessment, and what the archetypes mean."""
    organization = permitted_organization(request, VIEW)
    campaigns = selectors.archetype_campaigns(organization)
    campaign = selectors.default_archetype_campaign(campaigns)
    report = selectors.archetype_mix(campaign) if campaign is not None else None
    archetypes = list(report.archetypes) if report else _archetype_terms(organization)
    context: dict[str, Any] = {"organization": organization, "report": report, "archetypes": archetypes}
    if report is not None:
        row = mix_row(_("Organisation"), report.total, archetypes)
        context["total"] = row
        context["rows"] = list(zip(archetypes, row.cells, strict=False)) if not row.suppressed else []
        if not row.suppressed:
            context["chart"] = charts.share_bars([(term.name, [cell.share]) for term, cell in context["rows"]])
    return render(request, "people/overview.html", context)


@require_GET
def archetypes(request: HttpRequest, org_slug: str) -> HttpResponse:
    """A campaign's archetype mix per unit or per team, each group against the organisation's."""
    organization = permitted_organization(request, VIEW)
    campaigns = selectors.archetype_campaigns(organization)
    campaign = _campaign_choice(request, campaigns)
    by = request.GET.get("by") if request.GET.get("by") in (BY_UNIT, BY_TEAM) else BY_UNIT
    context: dict[str, Any] = {
        "organization": organization,
        "campaigns": campaigns,
        "campaign": campaign,
        "by": by,
        "groupings": GROUPINGS,
    }
    if campaign is not None:
        report = selectors.archetype_mix(campaign, by=by)
        names = list(report.archetypes)
        rows = [mix_row(group.label, group.mix, names, group.difference) for group in report.groups]
        total = mix_row(_("Organisation"), report.total, names)
        context |= {
            "report": report,
            "archetypes": names,
            "rows": rows,
            "total": total,
            "download_query": urlencode({"campaign": campaign.pk}) + "&",
        }
        if not total.suppressed and rows:
            shown = [row for row in [total, *rows] if not row.suppressed]
            context["chart"] = charts.share_bars([(row.label, _shares(row, len(names))) for row in shown])
            context["legend"] = _legend(names)
    return render(request, "people/archetypes.html", context)


@require_GET
def culture(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The culture pulse's dimensions over the campaigns, for the organisation or one unit."""
    organization = permitted_organization(request, VIEW)
    unit = unit_of(organization, request.GET["unit"]) if request.GET.get("unit", "").isdigit() else None
    report = selectors.culture_trend(organization, unit)
    context: dict[str, Any] = {
        "organization": organization,
        "report": report,
        "unit": unit,
        "units": unit_choices(organization),
        "download_query": urlencode({"unit": unit.pk}) + "&" if unit is not None else "",
    }
    if report.rows:
        scale = instrument_of(report.rows[-1].campaign).scale
        labels = [_day(row.point.closed_on) for row in report.rows]
        series = [(term.name, [row.point.means.get(term.key) for row in report.rows]) for term in report.dimensions]
        context["chart"] = charts.trend_lines(labels, series, low=scale.min, high=scale.max)
        context["table"] = [
            {
                "row": row,
                "cells": [
                    (row.point.means.get(term.key), row.point.changes.get(term.key)) for term in report.dimensions
                ],
            }
            for row in report.rows
        ]
    return render(request, "people/culture.html", context)


@require_GET
def team_composition(request: HttpRequest, org_slug: str, team_id: int) -> HttpResponse:
    """The team's archetype mix against the organisation's, with the §9 warnings for the team's mix."""
    organization, team = team_for(request, team_id)
    campaigns = selectors.archetype_campaigns(organization)
    campaign = _campaign_choice(request, campaigns)
    report = selectors.team_composition(team, campaign)
    names = list(report.archetypes)
    context: dict[str, Any] = {
        "organization": organization,
        "team": team,
        "report": report,
        "campaigns": campaigns,
        "campaign": campaign,
        "archetypes": names,
        "warnings": warning_items(organization, report.warnings),
    }
    if report.campaign is not None and report.team_mix is not None and report.organization_mix is not None:
        team_row = mix_row(team.name, report.team_mix, names)
        organization_row = mix_row(_("Organisation"), report.organization_mix, names)
        context |= {"team_row": team_row, "organization_row": organization_row}
        if not team_row.suppressed and not organization_row.suppressed:
            context["comparison"] = [
                (term, team_cell, organization_cell, report.gaps.get(term.key))
                for term, team_cell, organization_cell in zip(
                    names, team_row.cells, organization_row.cells, strict=True
                )
            ]
            context["chart"] = charts.share_bars(
                [
                    (term.name, [team_cell.share, org_cell.share])
                    for term, team_cell, org_cell, _gap in context["comparison"]
                ]
            )
            context["legend"] = [(charts.COLOURS[0], team.name), (charts.COLOURS[1], _("Organisation"))]
    return render(request, "people/team_composition.html", context)
