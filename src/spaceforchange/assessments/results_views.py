"""A campaign's results page and its CSV and XLSX downloads.

Figures come from ``snapshots.current_results``: stored results, recomputed in the background when
answers arrive, so the page says when they were computed. Reading needs
``assessments.view_results`` on the campaign (403 without it); campaigns are looked up inside the
request's organisation, so another organisation's id is a 404, also as ``compare``.

Comments follow a stricter rule than figures, because a comment is one person's own words: nothing
about them (not even how many there are) is shown while the campaign has fewer respondents than its
anonymity threshold, and they are never broken down by unit or attribute.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from spaceforchange.analytics.survey import Figures, compare
from spaceforchange.analytics.text import find_themes
from spaceforchange.assessments import radar, result_selectors, results_export, selectors, snapshots
from spaceforchange.assessments.models import Campaign, ResultSnapshot
from spaceforchange.assessments.results import ATTRIBUTE_PREFIX, WHOLE_CAMPAIGN
from spaceforchange.core.models import Organization
from spaceforchange.core.views import permitted_organization
from spaceforchange.frameworks.schema import Instrument, ItemKind, Pack
from spaceforchange.frameworks.selectors import parsed_pack

WEAKEST_SHOWN = 2
# A grouping is stored under its text; a longer one could not be.
MAX_GROUP_BY = ResultSnapshot._meta.get_field("group_by").max_length or 0
MAX_CAMPAIGN_ID = 2**63 - 1
TEMPLATE = "assessments/campaign_results.html"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BadChoice(ValueError):
    """A query parameter the page cannot use; its message is shown to the reader."""


# --- Looking things up ----------------------------------------------------------------------


def _readable(request: HttpRequest, campaign_id: int) -> tuple[Organization, Campaign]:
    organization = permitted_organization(request, "assessments.view_campaigns")
    try:
        campaign = selectors.campaign(organization, campaign_id)
    except Campaign.DoesNotExist:
        raise Http404("No such campaign.") from None
    campaign.organization = organization  # spares the permission check a query
    if not request.user.has_perm("assessments.view_results", campaign):
        raise PermissionDenied
    return organization, campaign


def _group_by(request: HttpRequest, attribute_names: list[str]) -> str:
    """The requested grouping; an attribute must be one the respondents have, so no stored result is
    made for a made-up name (``results.parse_group_by`` checks the form)."""
    group_by = request.GET.get("group_by", "").strip()
    attribute = group_by[len(ATTRIBUTE_PREFIX) :].strip() if group_by.startswith(ATTRIBUTE_PREFIX) else ""
    if len(group_by) > MAX_GROUP_BY or (attribute and attribute not in attribute_names):
        raise BadChoice(_("The respondents have no attribute “%(value)s”.") % {"value": group_by[:100]})
    return group_by


def _compared(request: HttpRequest, organization: Organization, campaign: Campaign) -> Campaign | None:
    """The campaign named by ``compare``; BadChoice when it cannot be compared, 404 when not found."""
    raw = request.GET.get("compare", "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_CAMPAIGN_ID:
        raise BadChoice(_("Choose the campaign to compare with from the list."))
    try:
        other = selectors.campaign(organization, int(raw))
    except Campaign.DoesNotExist:
        raise Http404("No such campaign.") from None
    other.organization = organization
    if other.pk == campaign.pk:
        raise BadChoice(_("Choose another campaign: a campaign compared with itself shows no change."))
    if other.pack_version.pack_id != campaign.pack_version.pack_id or other.instrument_key != campaign.instrument_key:
        raise BadChoice(_("Only campaigns of the same instrument can be compared; choose one from the list."))
    if not request.user.has_perm("assessments.view_results", other):
        raise PermissionDenied
    return other


def _compare_choices(request: HttpRequest, campaign: Campaign) -> list[Campaign]:
    choices = list(result_selectors.comparable_campaigns(campaign))
    for choice in choices:
        choice.organization = campaign.organization
    return [choice for choice in choices if request.user.has_perm("assessments.view_results", choice)]


# --- Shaping the results for the page -------------------------------------------------------


def _dimension_order(pack: Pack) -> dict[str, int]:
    return {item.key: index for index, item in enumerate(pack.items_of(ItemKind.DIMENSION))}


def _ordered(keys: list[str], pack: Pack) -> list[str]:
    order = _dimension_order(pack)
    return sorted(keys, key=lambda key: (order.get(key, len(order)), key))


def _dimension_name(pack: Pack, key: str, language: str) -> str:
    item = pack.item(key)
    return item.name.get(language) if item else key


def _practices_by_dimension(pack: Pack, language: str) -> dict[str, list[dict[str, str]]]:
    """The practices that widen each dimension (a practice's parent is the dimension it widens)."""
    practices: dict[str, list[dict[str, str]]] = {}
    for item in pack.items_of(ItemKind.PRACTICE):
        if item.parent:
            description = item.description.get(language) if item.description else ""
            practices.setdefault(item.parent, []).append({"name": item.name.get(language), "description": description})
    return practices


def _result_group(
    group: dict[str, Any], pack: Pack, language: str, scale: tuple[int, int], previous: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    if group["suppressed"]:
        return {"label": group["group"], "suppressed": True}
    rows = []
    for key in _ordered(list(group["dimensions"]), pack):
        item = pack.item(key)
        rows.append(
            {
                "key": key,
                "name": _dimension_name(pack, key, language),
                "description": item.description.get(language) if item and item.description else "",
                "figures": group["dimensions"][key],
            }
        )
    with_figures = sorted(
        (row for row in rows if row["figures"]["mean"] is not None), key=lambda row: row["figures"]["mean"]
    )
    weakest = with_figures[:WEAKEST_SHOWN]
    practices = _practices_by_dimension(pack, language)
    for row in weakest:
        row["weakest"] = True
        row["practices"] = practices.get(row["key"], [])
    previous_means = None if previous is None else [previous.get(row["key"]) for row in rows]
    return {
        "label": group["group"],
        "suppressed": False,
        "n": group["n"],
        "rows": rows,
        "weakest": weakest,
        "radar": radar.chart([(row["name"], row["figures"]["mean"]) for row in rows], scale, previous_means),
    }


def _side_by_side(groups: list[dict[str, Any]], pack: Pack, instrument: Instrument, language: str) -> dict[str, Any]:
    """Dimensions × groups: each visible group's means, and a hidden group's column marked as such."""
    keys = _ordered(list(dict.fromkeys(statement.dimension for statement in instrument.statements)), pack)
    columns = [{"label": group["group"], "suppressed": group["suppressed"], "n": group.get("n")} for group in groups]
    rows = [
        {
            "key": key,
            "name": _dimension_name(pack, key, language),
            "cells": [
                {"suppressed": True}
                if group["suppressed"]
                else {"suppressed": False, "mean": group["dimensions"].get(key, {}).get("mean")}
                for group in groups
            ],
        }
        for key in keys
    ]
    return {"columns": columns, "rows": rows}


def _comments(campaign: Campaign, pack: Pack, instrument: Instrument, language: str) -> dict[str, Any]:
    respondents = result_selectors.respondent_count(campaign)
    if respondents < campaign.anonymity_threshold:
        return {"hidden": respondents > 0}
    texts_by_dimension = result_selectors.submitted_comments(campaign)
    dimensions = []
    for key in _ordered(list(dict.fromkeys(statement.dimension for statement in instrument.statements)), pack):
        texts = texts_by_dimension.get(key, [])
        themes = [
            {"text": theme.text, "comments": theme.comments, "example": texts[theme.examples[0]]}
            for theme in find_themes(texts)
        ]
        dimensions.append({"key": key, "name": _dimension_name(pack, key, language), "texts": texts, "themes": themes})
    return {"hidden": False, "dimensions": dimensions, "total": sum(len(entry["texts"]) for entry in dimensions)}


def _figures(values: Mapping[str, Any]) -> Figures:
    fields: dict[str, Any] = {field.name: values.get(field.name) for field in dataclasses.fields(Figures)}
    return Figures(**fields)


def _change_rows(
    previous: Mapping[str, Any], current: Mapping[str, Any], names: Mapping[str, str]
) -> list[dict[str, Any]]:
    changes = compare(
        {key: _figures(values) for key, values in previous.items()},
        {key: _figures(values) for key, values in current.items()},
    )
    return [{"key": key, "name": names.get(key, key), "change": change} for key, change in changes.items()]


def _comparison(
    other: Campaign, current: Mapping[str, Any], pack: Pack, instrument: Instrument, language: str
) -> dict[str, Any]:
    """The whole of ``other`` against the whole of this campaign, per dimension and statement."""
    stored = snapshots.current_results(other)
    before = stored.data["groups"][0] if stored.data["groups"] else None
    result: dict[str, Any] = {"campaign": other, "computed_at": stored.computed_at, "stale": stored.stale}
    if before is None or before["suppressed"] or current["suppressed"]:
        return {**result, "hidden": True}
    dimension_keys = _ordered(list(dict.fromkeys([*current["dimensions"], *before["dimensions"]])), pack)
    dimension_names = {key: _dimension_name(pack, key, language) for key in dimension_keys}
    dimensions = _change_rows(before["dimensions"], current["dimensions"], dimension_names)
    dimensions.sort(key=lambda row: dimension_keys.index(row["key"]))
    statement_texts = {statement.key: statement.text.get(language) for statement in instrument.statements}
    return {
        **result,
        "hidden": False,
        "respondents": (before["n"], current["n"]),
        "dimensions": dimensions,
        "items": _change_rows(before["items"], current["items"], statement_texts),
        "previous_means": {key: values.get("mean") for key, values in before["dimensions"].items()},
    }


# --- Pages ----------------------------------------------------------------------------------


def _base_context(request: HttpRequest, organization: Organization, campaign: Campaign) -> dict[str, Any]:
    return {
        "organization": organization,
        "campaign": campaign,
        "group_by": request.GET.get("group_by", "").strip(),
        "attribute_names": result_selectors.attribute_names(campaign),
        "compare_choices": _compare_choices(request, campaign),
        "compare_id": request.GET.get("compare", "").strip(),
    }


@require_GET
def campaign_results(request: HttpRequest, org_slug: str, campaign_id: int) -> HttpResponse:
    organization, campaign = _readable(request, campaign_id)
    context = _base_context(request, organization, campaign)
    try:
        group_by = _group_by(request, context["attribute_names"])
        stored = snapshots.current_results(campaign, group_by=group_by or None)
    except ValueError as error:
        context["error"] = str(error)
        return render(request, TEMPLATE, context, status=400)
    status = 200
    try:
        other = _compared(request, organization, campaign)
    except BadChoice as error:
        other, status = None, 400
        context["compare_error"] = str(error)
    context.update(_results_context(campaign, stored, group_by, other))
    return render(request, TEMPLATE, context, status=status)


def _results_context(
    campaign: Campaign, stored: snapshots.StoredResults, group_by: str, other: Campaign | None
) -> dict[str, Any]:
    language = get_language()
    pack = parsed_pack(campaign.pack_version)
    instrument = selectors.instrument_of(campaign)
    scale = (instrument.scale.min, instrument.scale.max)
    groups = stored.data["groups"]
    comparison = None
    if other is not None:
        whole = groups if not group_by else snapshots.current_results(campaign).data["groups"]
        comparison = _comparison(other, whole[0], pack, instrument, language)
    previous = comparison.get("previous_means") if comparison and not group_by else None
    return {
        "computed_at": stored.computed_at,
        "stale": stored.stale,
        "respondents": stored.data["campaign"]["respondents"],
        "groups": [_result_group(group, pack, language, scale, previous) for group in groups],
        "side_by_side": _side_by_side(groups, pack, instrument, language) if group_by and groups else None,
        "show_subunits": bool(campaign.unit_id and campaign.include_subunits and not group_by),
        "comments": _comments(campaign, pack, instrument, language),
        "comparison": comparison,
        "whole_label": WHOLE_CAMPAIGN,
    }


def _export_names(campaign: Campaign, language: str) -> dict[str, dict[str, str]]:
    pack = parsed_pack(campaign.pack_version)
    instrument = selectors.instrument_of(campaign)
    dimensions = {statement.dimension for statement in instrument.statements}
    return {
        results_export.DIMENSION: {key: _dimension_name(pack, key, language) for key in dimensions},
        results_export.ITEM: {statement.key: statement.text.get(language) for statement in instrument.statements},
    }


def _export(request: HttpRequest, campaign_id: int, extension: str) -> HttpResponse:
    _organization, campaign = _readable(request, campaign_id)
    try:
        group_by = _group_by(request, result_selectors.attribute_names(campaign))
        stored = snapshots.current_results(campaign, group_by=group_by or None)
    except ValueError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    names = _export_names(campaign, get_language())
    if extension == "csv":
        response = HttpResponse(results_export.csv_bytes(stored.data, names), content_type=CSV_TYPE)
    else:
        response = HttpResponse(results_export.xlsx_bytes(stored.data, names), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, results_export.filename(campaign.pk, group_by, extension)
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def campaign_results_csv(request: HttpRequest, org_slug: str, campaign_id: int) -> HttpResponse:
    return _export(request, campaign_id, "csv")


@require_GET
def campaign_results_xlsx(request: HttpRequest, org_slug: str, campaign_id: int) -> HttpResponse:
    return _export(request, campaign_id, "xlsx")
