"""A consultation's results: the opinion map and its groups, consensus, group-aware consensus, the most
divisive statements and participation over time, each chart with its table; the CSV and XLSX
downloads; and "recompute now" for those who run the consultation.

The map is read from the latest stored snapshot, never computed while the page waits; until the
first one exists the page says so (and offers to compute it to those who may).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spaceforchange.consultations import charts, export, results_selectors, selectors, services
from spaceforchange.consultations.views import consultation_of
from spaceforchange.core.selectors import organization_zone


@require_GET
def results(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    organization, consultation = consultation_of(request, consultation_id, "consultations.view_consultation")
    snapshot = selectors.latest_snapshot(consultation)
    view = results_selectors.opinion_view(consultation, snapshot) if snapshot is not None else None
    days = selectors.participation_over_time(consultation)
    context = {
        "organization": organization,
        "consultation": consultation,
        "view": view,
        "map": charts.opinion_map(view.points, view.point_groups) if view else None,
        "days": days,
        "participation": charts.participation_chart(days) if days else None,
        "can_recompute": request.user.has_perm("consultations.change_consultation", consultation),
        "zone": organization_zone(organization),
    }
    return render(request, "consultations/results.html", context)


@require_GET
def results_export(request: HttpRequest, org_slug: str, consultation_id: int, file_format: str) -> HttpResponse:
    _organization, consultation = consultation_of(request, consultation_id, "consultations.view_consultation")
    if file_format not in export.FORMATS:
        raise Http404
    content = export.export(consultation, file_format)
    response = HttpResponse(content, content_type=export.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{export.filename(consultation, file_format)}"'
    return response


@require_POST
def recompute(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    organization, consultation = consultation_of(request, consultation_id, "consultations.change_consultation")
    snapshot = services.recompute_opinion(consultation=consultation)
    messages.success(
        request,
        _("The opinion map was computed from %(votes)d votes in %(seconds).1f seconds.")
        % {"votes": snapshot.votes_counted, "seconds": snapshot.seconds},
    )
    return redirect("consultations:results", org_slug=organization.slug, consultation_id=consultation.pk)
