"""Answer import pages: upload a file, match its columns, follow the import, read its problems.

Every page needs the right to change the campaign (403 without it) and looks the campaign and
the import up inside the request's organisation, so another organisation's ids are a 404. A
running import's page refreshes itself (``<meta http-equiv="refresh">``), so it works without
JavaScript.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spaceforchange.assessments import import_selectors, import_services, selectors
from spaceforchange.assessments.import_forms import ColumnMappingForm, ImportUploadForm
from spaceforchange.assessments.models import Campaign, CampaignStatus, ColumnMapping, SurveyImport
from spaceforchange.core.models import Organization, User
from spaceforchange.core.views import add_service_errors, paginate, permitted_organization

PROBLEMS_PER_PAGE = 50
IMPORTS_PER_PAGE = 25
REFRESH_SECONDS = 3


def _person(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the tenancy middleware let only members in
    return user


def _campaign(request: HttpRequest, campaign_id: int) -> tuple[Organization, Campaign]:
    organization = permitted_organization(request, "assessments.view_campaigns")
    try:
        campaign = selectors.campaign(organization, campaign_id)
    except Campaign.DoesNotExist:
        raise Http404("No such campaign.") from None
    campaign.organization = organization
    if not request.user.has_perm("assessments.change_campaign", campaign):
        raise PermissionDenied
    return organization, campaign


def _import(campaign: Campaign, import_id: int, *, with_file: bool = False) -> SurveyImport:
    try:
        if with_file:
            return import_selectors.survey_import_with_file(campaign, import_id)
        return import_selectors.survey_import(campaign, import_id)
    except SurveyImport.DoesNotExist:
        raise Http404("No such import.") from None


def _to_detail(organization: Organization, campaign: Campaign, survey_import: SurveyImport) -> HttpResponse:
    return redirect(
        "assessments:import_detail", org_slug=organization.slug, campaign_id=campaign.pk, import_id=survey_import.pk
    )


@require_GET
def import_list(request: HttpRequest, org_slug: str, campaign_id: int) -> HttpResponse:
    organization, campaign = _campaign(request, campaign_id)
    page, page_range = paginate(request, import_selectors.imports_of(campaign), IMPORTS_PER_PAGE)
    context = {"organization": organization, "campaign": campaign, "page": page, "page_range": page_range}
    return render(request, "assessments/import_list.html", context)


@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest, org_slug: str, campaign_id: int) -> HttpResponse:
    organization, campaign = _campaign(request, campaign_id)
    choices = import_selectors.mapping_choices(campaign, get_language())
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST if posted else None, request.FILES if posted else None, choices=choices)
    closed = campaign.status == CampaignStatus.CLOSED
    if posted and not closed and form.is_valid():
        started = _start(request, campaign, form)
        if started is not None:
            if import_services.awaits_mapping(started):
                return redirect(
                    "assessments:import_map", org_slug=organization.slug, campaign_id=campaign.pk, import_id=started.pk
                )
            return _to_detail(organization, campaign, started)
    context = {
        "organization": organization,
        "campaign": campaign,
        "form": form,
        "closed": closed,
        "max_mb": round(import_selectors.max_import_bytes() / 1024 / 1024),
    }
    failed = posted and (closed or bool(form.errors))
    return render(request, "assessments/import_new.html", context, status=400 if failed else 200)


def _start(request: HttpRequest, campaign: Campaign, form: ImportUploadForm) -> SurveyImport | None:
    uploaded, mapping_name = form.cleaned_data["file"], form.cleaned_data.get("mapping") or ""
    try:
        if mapping_name:
            return import_services.start_survey_import(
                campaign=campaign,
                uploaded_name=uploaded.name or "",
                data=form.file_content(),
                mapping_name=mapping_name,
                created_by=_person(request),
            )
        return import_services.upload_survey_file(
            campaign=campaign, uploaded_name=uploaded.name or "", data=form.file_content(), created_by=_person(request)
        )
    except ValidationError as error:
        _add_errors(form, error)
        return None


def _add_errors(form: Any, error: ValidationError) -> None:
    # The services name the file and the mapping; the forms may call them differently.
    if hasattr(error, "error_dict") and "mapping" in error.error_dict and "mapping" not in form.fields:
        form.add_error(None, error.error_dict.pop("mapping"))
        if not error.error_dict:
            return
    add_service_errors(form, error)


@require_http_methods(["GET", "POST"])
def import_map(request: HttpRequest, org_slug: str, campaign_id: int, import_id: int) -> HttpResponse:
    organization, campaign = _campaign(request, campaign_id)
    survey_import = _import(campaign, import_id, with_file=True)
    if not import_services.awaits_mapping(survey_import):
        return _to_detail(organization, campaign, survey_import)
    instrument = selectors.instrument_of(campaign)
    header = import_selectors.header_of(survey_import)
    form = ColumnMappingForm(
        request.POST if request.method == "POST" else None,
        instrument=instrument,
        header=header,
        language=get_language(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            import_services.map_survey_import(
                survey_import=survey_import,
                mapping=form.columns(),
                save_as=form.cleaned_data.get("save_as") or "",
                created_by=_person(request),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The file is being checked and imported."))
            return _to_detail(organization, campaign, survey_import)
    context = {
        "organization": organization,
        "campaign": campaign,
        "survey_import": survey_import,
        "form": form,
        "header": header,
    }
    return render(request, "assessments/import_map.html", context, status=400 if form.errors else 200)


@require_GET
def import_detail(request: HttpRequest, org_slug: str, campaign_id: int, import_id: int) -> HttpResponse:
    organization, campaign = _campaign(request, campaign_id)
    survey_import = _import(campaign, import_id)
    page, page_range = paginate(request, import_selectors.problems_of(survey_import), PROBLEMS_PER_PAGE)
    running = import_selectors.is_running(survey_import)
    context = {
        "organization": organization,
        "campaign": campaign,
        "survey_import": survey_import,
        "awaits_mapping": import_services.awaits_mapping(survey_import),
        "running": running,
        "refresh_seconds": REFRESH_SECONDS if running else None,
        "page": page,
        "page_range": page_range,
    }
    return render(request, "assessments/import_detail.html", context)


@require_GET
def import_problems_csv(request: HttpRequest, org_slug: str, campaign_id: int, import_id: int) -> HttpResponse:
    _organization, campaign = _campaign(request, campaign_id)
    survey_import = _import(campaign, import_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{survey_import.pk}-problems.csv"'
    writer = csv.writer(response)
    writer.writerow([_("line"), _("column"), _("reason")])
    rows = import_selectors.problems_of(survey_import).values_list("line", "column", "reason")
    writer.writerows(
        (line, _spreadsheet_safe(column), _spreadsheet_safe(reason)) for line, column, reason in rows.iterator()
    )
    return response


def _spreadsheet_safe(text: str) -> str:
    """Column names come from the uploaded file: keep a spreadsheet from reading one as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_POST
def import_cancel(request: HttpRequest, org_slug: str, campaign_id: int, import_id: int) -> HttpResponse:
    organization, campaign = _campaign(request, campaign_id)
    survey_import = _import(campaign, import_id)
    try:
        import_services.cancel_survey_import(survey_import=survey_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_detail(organization, campaign, survey_import)
    messages.success(request, _("The upload was cancelled and its file removed."))
    return redirect("assessments:imports", org_slug=organization.slug, campaign_id=campaign.pk)


# --- Saved mappings -------------------------------------------------------------------------------


@require_GET
def mapping_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, "assessments.change_campaign")
    page, page_range = paginate(request, import_selectors.mappings_for(organization), IMPORTS_PER_PAGE)
    context = {"organization": organization, "page": page, "page_range": page_range}
    return render(request, "assessments/mapping_list.html", context)


@require_POST
def mapping_delete(request: HttpRequest, org_slug: str, mapping_id: int) -> HttpResponse:
    organization = permitted_organization(request, "assessments.change_campaign")
    try:
        mapping = import_selectors.column_mapping(organization, mapping_id)
    except ColumnMapping.DoesNotExist:
        raise Http404("No such mapping.") from None
    import_services.delete_column_mapping(mapping=mapping)
    messages.success(request, _("The mapping %(name)s was deleted.") % {"name": mapping.name})
    return redirect("assessments:mappings", org_slug=organization.slug)
