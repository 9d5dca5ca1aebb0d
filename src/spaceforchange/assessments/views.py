"""Campaign pages for members: the list, a new campaign, and one campaign with its links.

The tenancy middleware has already turned non-members away; these views check the person's
right for the page (403 when it is missing) and look campaigns up inside the request's
organisation, so another organisation's id is a 404. Link tokens are shown once, on the page
after the one that made them, and never stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spaceforchange.assessments import selectors, services
from spaceforchange.assessments.forms import TARGET_INITIATIVE, CampaignFilterForm, CampaignForm, InviteForm
from spaceforchange.assessments.models import Campaign, CampaignInvitation, Response, ResponseStatus
from spaceforchange.core.models import Organization, User
from spaceforchange.core.selectors import organization_zone
from spaceforchange.core.views import add_service_errors, paginate, permitted_organization
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.selectors import effective_packs, parsed_pack

CAMPAIGNS_PER_PAGE = 25
INVITATIONS_PER_PAGE = 25
NEW_LINKS_SESSION_KEY = "sfc_campaign_links"
# The flagship instrument, as the form names instruments ("pack_key:instrument_key").
SPACE_FOR_CHANGE_SCAN = "space_for_change:space_for_change_scan"


def respondent_link(request: HttpRequest, token: str) -> str:
    """The absolute address a respondent answers at; raises ``NoReverseMatch`` without the answering pages."""
    return request.build_absolute_uri(reverse("respond:start", kwargs={"token": token}))


# --- Reads shaped for these pages (small, so kept beside the views) ---------------------------


def instrument_choices(organization: Organization, language: str) -> list[tuple[str, str]]:
    """("pack_key:instrument_key", "Framework — Instrument") for every instrument of the effective packs."""
    version_ids = [row.current_version_id for row in effective_packs(organization).values() if row.current_version_id]
    choices = []
    for version in PackVersion.objects.filter(pk__in=version_ids).select_related("pack"):
        pack = parsed_pack(version)
        framework = pack.framework.name.get(language)
        choices += [
            (f"{version.pack.key}:{instrument.key}", f"{framework} — {instrument.name.get(language)}")
            for instrument in pack.instruments
        ]
    return sorted(choices, key=lambda choice: choice[1].casefold())


def _instrument_labels(campaigns: Iterable[Campaign], language: str) -> dict[tuple[int, str], str]:
    """(pack version id, instrument key) → "Framework — Instrument", loading each version once."""
    version_ids = {campaign.pack_version_id for campaign in campaigns}
    labels = {}
    for version in PackVersion.objects.filter(pk__in=version_ids):
        pack = parsed_pack(version)
        for instrument in pack.instruments:
            labels[(version.pk, instrument.key)] = (
                f"{pack.framework.name.get(language)} — {instrument.name.get(language)}"
            )
    return labels


def _campaign_list(organization: Organization, *, search: str, status: str) -> QuerySet[Campaign]:
    campaigns = selectors.campaigns_for(organization, status=status or None)
    if search:
        campaigns = campaigns.filter(title__icontains=search)
    return campaigns.annotate(submitted_count=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED)))


def _response_counts(campaign: Campaign) -> dict[str, int]:
    counts = Response.objects.filter(organization_id=campaign.organization_id, campaign=campaign).aggregate(
        drafts=Count("pk", filter=Q(status=ResponseStatus.DRAFT)),
        submitted=Count("pk", filter=Q(status=ResponseStatus.SUBMITTED)),
    )
    return {**counts, "invited": selectors.invitations_of(campaign).count()}


def _invitations(campaign: Campaign) -> QuerySet[CampaignInvitation]:
    invitations = selectors.invitations_of(campaign).order_by("email", "pk")
    # An anonymous campaign's responses are not linked to invitations; nothing to fetch.
    return invitations if campaign.anonymous else invitations.select_related("response")


def _campaign_or_404(organization: Organization, campaign_id: int) -> Campaign:
    try:
        campaign = selectors.campaign(organization, campaign_id)
    except Campaign.DoesNotExist:
        raise Http404("No such campaign.") from None
    campaign.organization = organization  # spares the permission checks a query
    return campaign


def _changeable(request: HttpRequest, organization: Organization, campaign_id: int) -> Campaign:
    campaign = _campaign_or_404(organization, campaign_id)
    if not request.user.has_perm("assessments.change_campaign", campaign):
        raise PermissionDenied
    return campaign


def _language_names(codes: Iterable[str]) -> list[str]:
    names = dict(settings.LANGUAGES)
    return [str(names.get(code, code)) for code in codes]


# --- List and creation ------------------------------------------------------------------------


@require_GET
def campaign_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, "assessments.view_campaigns")
    form = CampaignFilterForm(request.GET)
    form.is_valid()
    filters = form.filters()
    page, page_range = paginate(request, _campaign_list(organization, **filters), CAMPAIGNS_PER_PAGE)
    labels = _instrument_labels(page.object_list, get_language())
    rows = [(campaign, labels.get((campaign.pack_version_id, campaign.instrument_key), "")) for campaign in page]
    context = {
        "organization": organization,
        "form": form,
        "filtered": any(filters.values()),
        "page": page,
        "page_range": page_range,
        "rows": rows,
        "can_add": request.user.has_perm("assessments.add_campaign", organization),
    }
    return render(request, "assessments/campaign_list.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, "assessments.add_campaign")
    form = CampaignForm(
        request.POST if request.method == "POST" else None,
        organization=organization,
        instruments=instrument_choices(organization, get_language()),
        zone=organization_zone(organization),
        initial=_initial_target(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(
                organization=organization, created_by=_person(request), **form.campaign_arguments()
            )
        except ValidationError as error:
            _add_campaign_errors(form, error)
        else:
            messages.success(request, _("Campaign %(title)s created as a draft.") % {"title": campaign.title})
            return redirect("assessments:campaign", org_slug=organization.slug, campaign_id=campaign.pk)
    context = {"organization": organization, "form": form}
    return render(request, "assessments/campaign_form.html", context, status=400 if form.errors else 200)


def _initial_target(request: HttpRequest) -> dict[str, Any]:
    """``?initiative=ID`` (the initiative page's "Start a scan") preselects a space-for-change scan of it.

    The form offers only this organisation's initiatives, so a foreign or unknown id selects nothing.
    """
    initiative_id = request.GET.get("initiative", "")
    if request.method != "GET" or not initiative_id.isdigit() or len(initiative_id) > 18:
        return {}
    return {"target_kind": TARGET_INITIATIVE, "initiative": int(initiative_id), "instrument": SPACE_FOR_CHANGE_SCAN}


def _add_campaign_errors(form: CampaignForm, error: ValidationError) -> None:
    # The service names the pack and the instrument separately; the form offers them as one choice.
    if hasattr(error, "error_dict"):
        for service_field in ("pack_key", "instrument_key"):
            if service_field in error.error_dict:
                form.add_error("instrument", error.error_dict.pop(service_field))
        if not error.error_dict:
            return
    add_service_errors(form, error)


def _person(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the tenancy middleware let only members in
    return user


# --- One campaign ---------------------------------------------------------------------------


def _detail_context(request: HttpRequest, organization: Organization, campaign: Campaign) -> dict[str, Any]:
    language = get_language()
    pack = parsed_pack(campaign.pack_version)
    instrument = selectors.instrument_of(campaign)
    page, page_range = paginate(request, _invitations(campaign), INVITATIONS_PER_PAGE)
    return {
        "organization": organization,
        "campaign": campaign,
        "framework_name": pack.framework.name.get(language),
        "instrument_name": instrument.name.get(language),
        "availability": campaign.availability(),
        "counts": _response_counts(campaign),
        "languages": _language_names(campaign.languages),
        "page": page,
        "page_range": page_range,
        "can_change": request.user.has_perm("assessments.change_campaign", campaign),
        "can_view_results": request.user.has_perm("assessments.view_results", campaign),
    }


@require_GET
def campaign_detail(request: HttpRequest, org_slug: str, campaign_id: int) -> HttpResponse:
    organization = permitted_organization(request, "assessments.view_campaigns")
    campaign = _campaign_or_404(organization, campaign_id)
    context = _detail_context(request, organization, campaign)
    context["invite_form"] = InviteForm() if context["can_change"] else None
    # Shown once: the tokens are not stored, so a reload cannot show the links again.
    new_links = request.session.pop(NEW_LINKS_SESSION_KEY, None)
    if new_links and new_links.get("campaign") == campaign.pk:
        context["new_links"] = new_links
    return render(request, "assessments/campaign_detail.html", context)


def _done(campaign: Campaign) -> HttpResponse:
    return redirect("assessments:campaign", org_slug=campaign.organization.slug, campaign_id=campaign.pk)


@require_POST
def campaign_open(request: HttpRequest, org_slug: str, campaign_id: int) -> HttpResponse:
    campaign = _changeable(request, permitted_organization(request, "assessments.view_campaigns"), campaign_id)
    try:
        services.open_campaign(campaign=campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The campaign is open: respondents can answer from its opening time."))
    return _done(campaign)


@require_POST
def campaign_close(request: HttpRequest, org_slug: str, campaign_id: int) -> HttpResponse:
    campaign = _changeable(request, permitted_organization(request, "assessments.view_campaigns"), campaign_id)
    services.close_campaign(campaign=campaign)
    messages.success(request, _("The campaign is closed: no answers are taken or changed any more."))
    return _done(campaign)


@require_POST
def campaign_shared_link(request: HttpRequest, org_slug: str, campaign_id: int) -> HttpResponse:
    campaign = _changeable(request, permitted_organization(request, "assessments.view_campaigns"), campaign_id)
    try:
        token = services.create_shared_link(campaign=campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _done(campaign)
    request.session[NEW_LINKS_SESSION_KEY] = {"campaign": campaign.pk, "shared": respondent_link(request, token)}
    messages.success(request, _("A new shared link was created; the previous one no longer works."))
    return _done(campaign)


@require_POST
def campaign_invite(request: HttpRequest, org_slug: str, campaign_id: int) -> HttpResponse:
    organization = permitted_organization(request, "assessments.view_campaigns")
    campaign = _changeable(request, organization, campaign_id)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            created = services.invite_respondents(campaign=campaign, emails=form.cleaned_data["emails"])
            sent = services.send_invitation_emails(
                campaign=campaign,
                invitations_with_tokens=created,
                link_for=lambda token: respondent_link(request, token),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            personal = [(invitation.email, respondent_link(request, token)) for invitation, token in created]
            request.session[NEW_LINKS_SESSION_KEY] = {"campaign": campaign.pk, "personal": personal}
            message = ngettext(
                "%(created)d new invitation, %(sent)d sent by email.",
                "%(created)d new invitations, %(sent)d sent by email.",
                len(created),
            ) % {"created": len(created), "sent": sent}
            if len({email.lower() for email in form.cleaned_data["emails"]}) > len(created):
                message += " " + _("Addresses already invited were skipped.")
            messages.success(request, message)
            return _done(campaign)
    context = _detail_context(request, organization, campaign)
    context["invite_form"] = form
    return render(request, "assessments/campaign_detail.html", context, status=400)
