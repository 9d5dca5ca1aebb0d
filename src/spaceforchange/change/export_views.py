"""The change-programme downloads behind the pages: the programmes with their readiness per factor,
and one programme's readiness history and evidence checklist.

The same permission as the pages (``change.view_programmes``, every member). ``?format=csv`` (the
default) or ``xlsx``; any other format is a 400 that says which are offered. The programme list
takes the list page's filters (``q``, ``status``, ``archived``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_GET

from spaceforchange.change import export, selectors
from spaceforchange.core.views import permitted_organization

VIEW = "change.view_programmes"


def _format_or_problem(request: HttpRequest) -> tuple[str, HttpResponse | None]:
    chosen = request.GET.get("format", "csv")
    problem = export.format_error(chosen)
    if problem is None:
        return chosen, None
    return chosen, HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")


@require_GET
def export_programmes(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, VIEW)
    chosen, problem = _format_or_problem(request)
    if problem is not None:
        return problem
    return export.programmes_download(
        organization,
        chosen,
        search=request.GET.get("q", "")[: selectors.SEARCH_MAX],
        status=request.GET.get("status", ""),
        archived=request.GET.get("archived") in ("1", "true", "yes"),
    )


@require_GET
def export_readiness(request: HttpRequest, org_slug: str, programme_id: int) -> HttpResponse:
    organization = permitted_organization(request, VIEW)
    programme = selectors.programme_of(organization, programme_id)
    if not request.user.has_perm(VIEW, programme):
        raise PermissionDenied
    chosen, problem = _format_or_problem(request)
    if problem is not None:
        return problem
    return export.readiness_download(programme, chosen)
