"""The portfolio page: figures over the filtered initiatives, their table, downloads and the target mix.

One address serves the page (GET), its downloads (GET with ``download=``) and the target-mix
setting (POST), so every link keeps the filters. Unit and goal ids that are not the
organisation's are dropped with a message and never reach a query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spaceforchange.analytics import portfolio as rules
from spaceforchange.core.models import Organization
from spaceforchange.core.tenancy import organization_of
from spaceforchange.core.views import add_service_errors
from spaceforchange.portfolio import export, overview_selectors, selectors, target_services
from spaceforchange.portfolio.models import Stage
from spaceforchange.portfolio.overview_selectors import Filters
from spaceforchange.portfolio.terms import Terms
from spaceforchange.portfolio.views import person, terms_for

PAGE_SIZE = 25
HUNDRED = Decimal(100)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# ``download=`` value → file name and content type
DOWNLOADS = {
    "csv": ("portfolio-initiatives.csv", "text/csv; charset=utf-8"),
    "figures.csv": ("portfolio-figures.csv", "text/csv; charset=utf-8"),
    "xlsx": ("portfolio.xlsx", XLSX),
}
IGNORED_MESSAGES = {
    "unit": gettext_lazy("The unit filter was ignored: there is no such unit in this organisation."),
    "goal": gettext_lazy("The goal filter was ignored: there is no such goal in this organisation."),
    "sort": gettext_lazy("The table cannot be sorted that way; it is sorted by title."),
}

SORT_LABELS = {
    "title": gettext_lazy("Title"),
    "stage": gettext_lazy("Stage"),
    "change_form": gettext_lazy("Change form"),
    "unit": gettext_lazy("Unit"),
    "updated": gettext_lazy("Updated"),
}


class TargetForm(forms.Form):
    """One percentage per change form of the organisation's packs; together they make 100."""

    def __init__(self, *args: Any, terms: Terms, target: dict[str, float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for term in terms.forms:
            self.fields[term.key] = forms.DecimalField(
                label=term.name,
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=1,
                initial=round(Decimal(target.get(term.key, 0.0)) * HUNDRED, 1),
                help_text=_("Per cent of the active initiatives with a recorded change form."),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and sum(cleaned.values(), Decimal(0)) != HUNDRED:
            raise ValidationError(_("The shares must add up to 100 per cent."))
        return cleaned

    def shares(self) -> dict[str, float]:
        return {key: float(value / HUNDRED) for key, value in self.cleaned_data.items()}


def portfolio_overview(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    if not request.user.has_perm("portfolio.view_initiatives", organization):
        raise PermissionDenied
    terms = terms_for(organization)
    forms_keys = [term.key for term in terms.forms]
    target = overview_selectors.target_mix(organization, forms_keys)
    can_set_target = request.user.has_perm("portfolio.set_portfolio_target", organization)
    target_form = (
        TargetForm(request.POST if request.method == "POST" else None, terms=terms, target=target)
        if terms.forms
        else None
    )
    if request.method == "POST":
        if not can_set_target:
            raise PermissionDenied
        saved = _save_target(request, organization, target_form, forms_keys)
        if saved:
            return redirect(reverse("portfolio:portfolio", kwargs={"org_slug": organization.slug}))
    filters = overview_selectors.parse_filters(organization, request.GET)
    initiatives = overview_selectors.filtered_initiatives(organization, filters)
    download = request.GET.get("download", "")
    if download in DOWNLOADS:
        return _download(
            download, initiatives, terms, target, lambda: overview_selectors.page_profiles(organization, filters)
        )
    for ignored in filters.ignored:
        messages.warning(request, IGNORED_MESSAGES[ignored])
    figures = overview_selectors.figures(overview_selectors.page_profiles(organization, filters), terms, target)
    page = Paginator(initiatives, PAGE_SIZE).get_page(request.GET.get("page"))
    names = terms.names
    rows = [
        {"initiative": initiative, "change_form": names.get(initiative.change_form, initiative.change_form)}
        for initiative in page.object_list
    ]
    status = 400 if request.method == "POST" else 200
    context: dict[str, Any] = {
        "organization": organization,
        "page": page,
        "rows": rows,
        "filters": filters,
        "units": organization.units.order_by("name"),
        "goals": selectors.goals_for(organization),
        "target_form": target_form if can_set_target else None,
    }
    context.update(_figure_context(figures, terms, filters))
    return render(request, "portfolio/overview.html", context, status=status)


def _save_target(
    request: HttpRequest, organization: Organization, form: TargetForm | None, forms_keys: list[str]
) -> bool:
    if form is None or not form.is_valid():
        return False
    try:
        target_services.set_portfolio_target(
            organization=organization, shares=form.shares(), forms=forms_keys, actor=person(request)
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, _("The target mix was saved."))
    return True


def _download(
    kind: str,
    initiatives: Any,
    terms: Terms,
    target: dict[str, float],
    profiles: Callable[[], Counter[rules.Profile]],
) -> HttpResponse:
    name, content_type = DOWNLOADS[kind]
    if kind == "csv":
        body = export.initiatives_csv(initiatives)
    else:
        figures = overview_selectors.figures(profiles(), terms, target)
        body = export.figures_csv(figures) if kind == "figures.csv" else export.portfolio_xlsx(initiatives, figures)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _figure_context(figures: rules.PortfolioFigures, terms: Terms, filters: Filters) -> dict[str, Any]:
    """The figures shaped for the template: names instead of keys, percentages, bar widths."""
    names = terms.names
    unrecorded = _("Not recorded")
    stage_names = dict(Stage.choices)
    columns = list(next(iter(figures.stage_form_counts.values())).keys())
    stage_rows: list[dict[str, Any]] = [
        {
            "name": stage_names[str(stage)],
            "counts": [counts[form] for form in columns],
            "total": sum(counts.values()),
            "value": sum(counts.values()),
        }
        for stage, counts in figures.stage_form_counts.items()
    ]
    largest = max([row["total"] for row in stage_rows] + [1])
    for row in stage_rows:
        row["width"] = round(100 * row["total"] / largest)
    triggers: list[dict[str, Any]] = [
        {"name": names.get(key, key) if key else unrecorded, "count": count, "value": count}
        for key, count in figures.triggers.items()
    ]
    most = max([row["count"] for row in triggers] + [1])
    for row in triggers:
        row["width"] = round(100 * row["count"] / most)
    return {
        "form_columns": [names.get(form, form) if form else unrecorded for form in columns],
        "stage_rows": stage_rows,
        "mix": [
            {
                "name": names.get(share.form, share.form),
                "count": share.count,
                "share": _percent(share.share),
                "target": _percent(share.target),
                "deviation": _percent(share.deviation),
            }
            for share in figures.mix.forms
        ],
        "mix_unrecorded": figures.mix.unrecorded,
        "funnel": [
            {
                "from": stage_names[str(step.from_stage)],
                "to": stage_names[str(step.to_stage)],
                "reached_from": step.reached_from,
                "reached_to": step.reached_to,
                "conversion": _percent(step.conversion),
            }
            for step in figures.funnel
        ],
        "pilot": figures.pilot_to_scale,
        "pilot_ratio": _percent(figures.pilot_to_scale.ratio),
        "bottom_up": figures.bottom_up,
        "bottom_up_share": _percent(figures.bottom_up.share),
        "triggers": triggers,
        "query": _query(filters),
        "sort_columns": _sort_columns(filters),
    }


def _query(filters: Filters, **changes: str) -> str:
    params = QueryDict(mutable=True)
    params.update({**filters.query, **changes})
    return params.urlencode()


def _sort_columns(filters: Filters) -> list[dict[str, str]]:
    """Per sortable column: its heading, the query sorting by it (reversed when already so) and its state."""
    columns = []
    for key, label in SORT_LABELS.items():
        ascending = filters.sort == key
        descending = filters.sort == f"-{key}"
        state = "ascending" if ascending else "descending" if descending else "none"
        columns.append(
            {"label": str(label), "query": _query(filters, sort=f"-{key}" if ascending else key), "state": state}
        )
    return columns
