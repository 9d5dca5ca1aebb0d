"""The people downloads behind the pages: the archetype mix, the teams overview and the culture trend.

The same permission as the pages (``people.view_people``, every member) and the same aggregates:
hidden groups are marked and carry no counts, and no file holds one person's archetype.
``?format=csv`` (the default) or ``xlsx``; any other format is a 400 that says which are offered.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from spaceforchange.core.selectors import unit_of
from spaceforchange.core.views import permitted_organization
from spaceforchange.people import export, selectors

VIEW = "people.view_people"


def _format_or_problem(request: HttpRequest) -> tuple[str, HttpResponse | None]:
    chosen = request.GET.get("format", "csv")
    problem = export.format_error(chosen)
    if problem is None:
        return chosen, None
    return chosen, HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")


@require_GET
def export_archetypes(request: HttpRequest, org_slug: str) -> HttpResponse:
    """``?campaign=<id>`` (default: the newest closed self-assessment): the mix per unit and per team."""
    organization = permitted_organization(request, VIEW)
    chosen, problem = _format_or_problem(request)
    if problem is not None:
        return problem
    campaigns = selectors.archetype_campaigns(organization)
    wanted = request.GET.get("campaign", "")
    campaign = next((item for item in campaigns if str(item.pk) == wanted), None) if wanted else None
    if wanted and campaign is None:
        raise Http404(_("No such archetype self-assessment."))
    campaign = campaign or selectors.default_archetype_campaign(campaigns)
    if campaign is None:
        raise Http404(_("No archetype self-assessment has opened yet."))
    return export.archetype_download(organization, campaign, chosen)


@require_GET
def export_teams(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, VIEW)
    chosen, problem = _format_or_problem(request)
    if problem is not None:
        return problem
    include_archived = request.GET.get("archived") in ("1", "true", "yes")
    return export.teams_download(organization, chosen, include_archived=include_archived)


@require_GET
def export_culture(request: HttpRequest, org_slug: str) -> HttpResponse:
    """``?unit=<id>`` for one unit; another organisation's unit is a 404."""
    organization = permitted_organization(request, VIEW)
    chosen, problem = _format_or_problem(request)
    if problem is not None:
        return problem
    wanted = request.GET.get("unit", "")
    unit = None
    if wanted:
        unit = unit_of(organization, wanted) if wanted.isdigit() else None
        if unit is None:
            raise Http404(_("No such unit."))
    return export.culture_download(organization, unit, chosen)
