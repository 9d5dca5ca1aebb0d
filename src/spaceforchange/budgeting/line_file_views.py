"""A cycle's lines as files: import (CSV or XLSX, every bad row listed, nothing written on error)
and export (CSV or XLSX in the import's columns, formulas neutralised)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from spaceforchange.budgeting import import_lines, selectors
from spaceforchange.budgeting.budget_forms import ImportForm
from spaceforchange.budgeting.budget_views import MANAGE_BUDGETS, cycle_for, with_nav
from spaceforchange.core.views import add_service_errors
from spaceforchange.portfolio.views import person

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_http_methods(["GET", "POST"])
def line_import(request: HttpRequest, org_slug: str, cycle_id: int) -> HttpResponse:
    organization, cycle = cycle_for(request, cycle_id, MANAGE_BUDGETS)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    problems: list[import_lines.Problem] = []
    if request.method == "POST" and form.is_valid():
        try:
            summary = import_lines.import_budget_lines(
                cycle=cycle, file=form.cleaned_data["file"], format=form.file_format(), actor=person(request)
            )
        except import_lines.ImportProblems as refused:
            problems = refused.problems
            form.add_error("file", _("The file was not imported: fix the rows listed below and upload it again."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Imported: %(created)d lines added, %(updated)d lines updated.")
                % {"created": summary.created, "updated": summary.updated},
            )
            return redirect("budgeting:cycle", org_slug=organization.slug, cycle_id=cycle.pk)
    context = {"organization": organization, "cycle": cycle, "form": form, "problems": problems}
    return render(request, "budgeting/line_import.html", with_nav(request, context))


@require_GET
def line_export(request: HttpRequest, org_slug: str, cycle_id: int, format: str) -> HttpResponse:
    _organization, cycle = cycle_for(request, cycle_id)
    if format not in CONTENT_TYPES:
        raise Http404("No such format.")
    response = HttpResponse(selectors.export_lines(cycle, format), content_type=CONTENT_TYPES[format])
    name = slugify(cycle.name) or "budget"
    response["Content-Disposition"] = f'attachment; filename="{name}-lines.{format}"'
    return response
