"""Reads shaped for the people API and its downloads, on top of ``selectors``.

Every mix goes out as an aggregate: a group below the campaign's anonymity threshold (or hidden
so that a small group cannot be worked out from the others) carries no respondents, counts or
shares, only why it is hidden. Nothing here reads or returns one person's archetype.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from spaceforchange.alerts.selectors import rule_catalogue, rule_info
from spaceforchange.analytics.people.archetypes import BELOW_THRESHOLD, COMPLEMENTARY, GroupMix
from spaceforchange.analytics.people.rules import Firing
from spaceforchange.assessments.models import Campaign
from spaceforchange.core.models import Organization
from spaceforchange.people import selectors
from spaceforchange.people.models import LeaderRoleKey
from spaceforchange.people.selectors import CompositionReport, MixReport, TeamDetail, TeamRow, TrendReport


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def hidden_note(mix: GroupMix | None, threshold: int | None) -> str:
    """Why a group shows no figures, in the words of the pages; empty for a visible group."""
    if mix is None or not mix.suppressed:
        return ""
    if mix.reason == BELOW_THRESHOLD:
        return _("Fewer than %(threshold)d answers") % {"threshold": threshold or 0}
    if mix.reason == COMPLEMENTARY:
        return _("Hidden so that a smaller group cannot be worked out from the others")
    return _("No answers")


def mix_as_dict(mix: GroupMix | None, threshold: int | None) -> dict[str, Any]:
    """A group's mix (``ArchetypeMixOut``): counts and shares only when it may be shown."""
    if mix is None or mix.suppressed:
        return {
            "suppressed": True,
            "reason": (mix.reason if mix is not None else None) or "no_answers",
            "note": hidden_note(mix, threshold) or _("No answers"),
            "respondents": None,
            "counts": None,
            "shares": None,
        }
    return {
        "suppressed": False,
        "reason": None,
        "note": "",
        "respondents": mix.respondents,
        "counts": dict(mix.counts or {}),
        "shares": {key: round(value, 6) for key, value in (mix.shares or {}).items()},
    }


def _terms(terms: Iterable[Any]) -> list[dict[str, str]]:
    return [{"key": term.key, "name": term.name} for term in terms]


def campaign_as_dict(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "status": campaign.status,
        "opens_at": campaign.opens_at,
        "closes_at": campaign.closes_at,
        "anonymity_threshold": campaign.anonymity_threshold,
    }


def mix_report_as_dict(report: MixReport | None) -> dict[str, Any]:
    """The archetype mix of the organisation and its groups (``ArchetypeMixReportOut``)."""
    if report is None:
        return {"campaign": None, "by": None, "threshold": None, "archetypes": [], "total": None, "groups": []}
    threshold = report.threshold
    return {
        "campaign": campaign_as_dict(report.campaign),
        "by": report.by,
        "threshold": threshold,
        "archetypes": _terms(report.archetypes),
        "total": mix_as_dict(report.total, threshold),
        "groups": [
            {
                "key": group.key,
                "label": group.label,
                "mix": mix_as_dict(group.mix, threshold),
                "difference": {key: round(value, 4) for key, value in group.difference.items()},
            }
            for group in report.groups
        ],
    }


def archetype_campaign_of(organization: Organization, campaign_id: int | None) -> Campaign | None:
    """The organisation's archetype self-assessment by id (404 for another organisation's or a draft,
    422 for another instrument), or the default one without an id (None when there is none)."""
    campaigns = selectors.archetype_campaigns(organization)
    if campaign_id is None:
        return selectors.default_archetype_campaign(campaigns)
    found = next((campaign for campaign in campaigns if campaign.pk == campaign_id), None)
    if found is not None:
        return found
    if Campaign.objects.filter(organization=organization, pk=campaign_id).exists():
        raise ValidationError({"campaign_id": [_("The campaign is not an archetype self-assessment that has opened.")]})
    raise HttpError(404, _("No campaign of this organisation has the id %(id)d.") % {"id": campaign_id})


def warnings_as_dicts(organization: Organization, firings: Sequence[Firing]) -> list[dict[str, Any]]:
    """The team's warnings (``TeamWarningOut``), named as the organisation's warnings pack names them."""
    if not firings:
        return []
    catalogue = rule_catalogue(organization, language=_language())
    return [
        {"rule_key": firing.rule_key, "name": rule_info(catalogue, firing.rule_key).name, "facts": dict(firing.facts)}
        for firing in firings
    ]


def _share(value: Any) -> float | None:
    return None if value is None else float(value)


def team_row_as_dict(row: TeamRow, catalogue: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One team with its figures (``TeamOut``)."""
    team = row.team
    return {
        "id": team.pk,
        "name": team.name,
        "unit_id": team.unit_id,
        "unit_name": row.unit.name if row.unit is not None else None,
        "description": team.description,
        "autonomy_level": row.autonomy_level,
        "transition_status": row.transition_status,
        "transition_started_on": team.transition_started_on,
        "self_managed": row.self_managed,
        "last_alignment_on": row.last_alignment_on,
        "exploration_share": _share(row.exploration_share),
        "exploration_period": row.exploration_period or None,
        "member_count": row.members,
        "roles_covered": row.roles_covered,
        "roles_total": row.roles_total,
        "warnings": [
            {
                "rule_key": firing.rule_key,
                "name": rule_info(dict(catalogue or {}), firing.rule_key).name,
                "facts": dict(firing.facts),
            }
            for firing in row.warnings
        ],
        "archived": team.archived,
        "created_at": team.created_at,
        "updated_at": team.updated_at,
    }


def team_rows(organization: Organization, rows: Sequence[TeamRow]) -> list[dict[str, Any]]:
    catalogue = rule_catalogue(organization, language=_language()) if any(row.warnings for row in rows) else {}
    return [team_row_as_dict(row, catalogue) for row in rows]


def team_detail_as_dict(detail: TeamDetail) -> dict[str, Any]:
    """The team with its members, leader roles and exploration history (``TeamDetailOut``)."""
    organization = detail.team.organization
    names = dict(LeaderRoleKey.choices)
    return team_rows(organization, [detail.row])[0] | {
        "members": [
            {"user_id": member.user_id, "name": str(member.user), "added_at": member.added_at}
            for member in detail.members
        ],
        "leader_roles": [
            {
                "role_key": role.key,
                "name": str(names.get(role.key, role.name)),
                "covered": role.covered,
                "holder_id": role.role.holder_id if role.role is not None else None,
                "holder_name": role.role.holder_name if role.role is not None else "",
                "held_by": role.holder_label,
            }
            for role in detail.roles
        ],
        "exploration_shares": [exploration_as_dict(entry) for entry in detail.exploration],
    }


def exploration_as_dict(entry: Any) -> dict[str, Any]:
    return {
        "period": entry.period,
        "share": float(entry.share),
        "note": entry.note,
        "recorded_at": entry.recorded_at,
    }


def composition_as_dict(report: CompositionReport) -> dict[str, Any]:
    """The team's mix against the organisation's (``TeamCompositionOut``): aggregates only."""
    threshold = report.threshold
    organization = report.team.organization
    return {
        "team_id": report.team.pk,
        "campaign": campaign_as_dict(report.campaign) if report.campaign is not None else None,
        "threshold": threshold,
        "archetypes": _terms(report.archetypes),
        "team": mix_as_dict(report.team_mix, threshold) if report.campaign is not None else None,
        "organization": mix_as_dict(report.organization_mix, threshold) if report.campaign is not None else None,
        "gaps": {key: round(value, 4) for key, value in report.gaps.items()},
        "warnings": warnings_as_dicts(organization, report.warnings),
    }


def _change(found: Any) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "previous": found.previous,
        "current": found.current,
        "change": found.change,
        "beyond_interval": found.beyond_interval,
    }


def trend_as_dict(report: TrendReport) -> dict[str, Any]:
    """The culture pulse per campaign (``CultureTrendOut``); a hidden campaign shows no means."""
    keys = [term.key for term in report.dimensions]
    return {
        "unit_id": report.unit.pk if report.unit is not None else None,
        "dimensions": _terms(report.dimensions),
        "points": [
            {
                "campaign_id": row.campaign.pk,
                "campaign_title": row.campaign.title,
                "closed_on": row.point.closed_on,
                "threshold": row.threshold,
                "suppressed": row.point.suppressed,
                "note": _("Fewer than %(threshold)d answers") % {"threshold": row.threshold}
                if row.point.suppressed
                else "",
                "respondents": None if row.point.suppressed else row.point.respondents,
                "means": {key: None if row.point.suppressed else row.point.means.get(key) for key in keys},
                "changes": {key: None if row.point.suppressed else _change(row.point.changes.get(key)) for key in keys},
            }
            for row in report.rows
        ],
    }


def enablement_as_dict(report: selectors.EnablementReport) -> dict[str, Any]:
    campaign, team = report.campaign, report.team_point
    suppressed = team is not None and team.suppressed
    return {
        "campaign_id": campaign.pk if campaign is not None else None,
        "campaign_title": campaign.title if campaign is not None else "",
        "threshold": report.threshold,
        "dimensions": _terms(report.dimensions),
        "team_suppressed": suppressed,
        "team_respondents": None if suppressed or team is None else team.respondents,
        "team_means": {term.key: team_mean for term, team_mean, _everyone in report.rows()},
        "organization_means": {term.key: everyone for term, _team_mean, everyone in report.rows()},
    }
