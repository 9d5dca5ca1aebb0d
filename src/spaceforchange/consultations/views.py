"""Staff pages of consultations: the list, creating and editing one, and its page with the public
link, invitation links, statements and their moderation. The results are in ``results_views``, the
participants' pages in ``participate_views``.

Pages that act on one consultation look it up in the request's organisation first (404 for any
other id) and check the permission afterwards (403). Every form posts back to a page that works
without JavaScript; a refused form re-renders with its errors and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from spaceforchange.consultations import results_selectors, selectors, services
from spaceforchange.consultations.forms import (
    ConsultationForm,
    InvitationsForm,
    ListFilterForm,
    ModerationForm,
    StatementForm,
)
from spaceforchange.consultations.models import Access, Consultation, Status
from spaceforchange.core.models import Organization
from spaceforchange.core.selectors import organization_zone
from spaceforchange.core.tenancy import organization_of
from spaceforchange.core.views import add_service_errors, paginate
from spaceforchange.portfolio.views import PAGE_SIZE, person

INVITATIONS_SHOWN = 200  # the newest; a page of a thousand links would serve nobody


def allowed(request: HttpRequest, permission: str, obj: Any) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def posted(request: HttpRequest) -> Any:
    """The submitted data of a POST, even an empty one (which ``request.POST or None`` would take for a GET)."""
    return request.POST if request.method == "POST" else None


def consultation_of(request: HttpRequest, consultation_id: int, permission: str) -> tuple[Organization, Consultation]:
    """The organisation's consultation (404 otherwise), once the person may ``permission`` it (403 otherwise)."""
    organization = organization_of(request)
    consultation = selectors.consultation_detail(organization, consultation_id)
    allowed(request, permission, consultation)
    return organization, consultation


def participate_url(request: HttpRequest, consultation: Consultation) -> str:
    return request.build_absolute_uri(
        reverse("consultations_public:participate", kwargs={"token": consultation.public_token})
    )


@require_http_methods(["GET"])
def consultation_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    allowed(request, "consultations.view_consultations", organization)
    search, status, sort = ListFilterForm(request.GET).values()
    found = results_selectors.filtered(
        selectors.consultations_for(organization, person(request)), search=search, status=status, sort=sort
    )
    page, page_range = paginate(request, found, PAGE_SIZE)
    context = {
        "organization": organization,
        "page": page,
        "page_range": page_range,
        "search": search,
        "status": status,
        "statuses": Status.choices,
        "sort": sort,
        "can_add": request.user.has_perm("consultations.add_consultation", organization),
        "zone": organization_zone(organization),
    }
    return render(request, "consultations/consultation_list.html", context)


def _may_link(request: HttpRequest, organization: Organization, form: ConsultationForm) -> bool:
    """An innovation lead links any policy or none; a policy manager only a policy they manage."""
    policy = form.cleaned_data.get("policy")
    if request.user.has_perm("consultations.add_consultation_for", policy or organization):
        return True
    form.add_error("policy", _("Choose a policy you manage: you may run consultations only on those."))
    return False


@require_http_methods(["GET", "POST"])
def consultation_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    allowed(request, "consultations.add_consultation", organization)
    form = ConsultationForm(posted(request), organization=organization, zone=organization_zone(organization))
    if request.method == "POST" and form.is_valid() and _may_link(request, organization, form):
        try:
            consultation = services.create_consultation(
                organization=organization, actor=person(request), **form.arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The consultation was created."))
            return redirect("consultations:consultation", org_slug=organization.slug, consultation_id=consultation.pk)
    return render(request, "consultations/consultation_form.html", {"organization": organization, "form": form})


@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    organization, consultation = consultation_of(request, consultation_id, "consultations.change_consultation")
    form = ConsultationForm(
        posted(request),
        organization=organization,
        zone=organization_zone(organization),
        editing=True,
        initial=ConsultationForm.initial_for(consultation),
    )
    if request.method == "POST" and form.is_valid() and _may_relink(request, consultation, form):
        try:
            services.update_consultation(consultation=consultation, actor=person(request), **form.arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The consultation was saved."))
            return redirect("consultations:consultation", org_slug=organization.slug, consultation_id=consultation.pk)
    context = {"organization": organization, "form": form, "consultation": consultation}
    return render(request, "consultations/consultation_form.html", context)


def _may_relink(request: HttpRequest, consultation: Consultation, form: ConsultationForm) -> bool:
    """Keeping the policy link is always allowed; changing it follows the rule for a new consultation."""
    policy = form.cleaned_data.get("policy")
    if (policy.pk if policy else None) == consultation.policy_id:
        return True
    return _may_link(request, consultation.organization, form)


def _detail_context(request: HttpRequest, organization: Organization, consultation: Consultation) -> dict[str, Any]:
    can_change = request.user.has_perm("consultations.change_consultation", consultation)
    can_moderate = request.user.has_perm("consultations.moderate_consultation", consultation)
    statements = list(selectors.statements_of(consultation))
    invitations = []
    if consultation.access == Access.INVITE and can_change:
        base = participate_url(request, consultation)
        latest = selectors.invitations_of(consultation).order_by("-pk")[:INVITATIONS_SHOWN]
        invitations = [(invitation, f"{base}?invitation={invitation.token}") for invitation in latest]
    return {
        "organization": organization,
        "consultation": consultation,
        "status": consultation.status,
        "public_url": participate_url(request, consultation),
        "statements": statements,
        "queue": [statement for statement in statements if statement.moderation == "pending"],
        "vote_count": sum(int(getattr(s, name)) for s in statements for name in results_selectors.COUNTS),
        "invitations": invitations,
        "can_change": can_change,
        "can_moderate": can_moderate,
        "statement_form": StatementForm() if can_change else None,
        "invitations_form": InvitationsForm() if can_change and consultation.access == Access.INVITE else None,
        "zone": organization_zone(organization),
    }


@require_http_methods(["GET"])
def consultation_detail(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    organization, consultation = consultation_of(request, consultation_id, "consultations.view_consultation")
    context = _detail_context(request, organization, consultation)
    return render(request, "consultations/consultation_detail.html", context)


def _back(consultation: Consultation, anchor: str) -> HttpResponse:
    url = reverse(
        "consultations:consultation",
        kwargs={"org_slug": consultation.organization.slug, "consultation_id": consultation.pk},
    )
    return redirect(f"{url}#{anchor}")


def _refused_on_detail(
    request: HttpRequest, organization: Organization, consultation: Consultation, **forms: Any
) -> HttpResponse:
    """The consultation's page again, with the refused form and its errors (nothing was written)."""
    context = _detail_context(request, organization, consultation)
    context.update(forms)
    return render(request, "consultations/consultation_detail.html", context, status=400)


@require_POST
def statement_add(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    organization, consultation = consultation_of(request, consultation_id, "consultations.change_consultation")
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            services.add_statement(consultation=consultation, text=form.cleaned_data["text"], actor=person(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The statement was added."))
            return _back(consultation, "statements")
    return _refused_on_detail(request, organization, consultation, statement_form=form)


@require_POST
def statement_moderate(request: HttpRequest, org_slug: str, consultation_id: int, statement_id: int) -> HttpResponse:
    _organization, consultation = consultation_of(request, consultation_id, "consultations.moderate_consultation")
    statement = selectors.statements_of(consultation).filter(pk=statement_id).first()
    if statement is None:
        raise Http404
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or reject the statement."))
        return _back(consultation, "statements")
    services.moderate_statement(statement=statement, moderation=form.cleaned_data["moderation"], actor=person(request))
    messages.success(request, _("The statement is now: %(state)s.") % {"state": statement.get_moderation_display()})
    return _back(consultation, "moderation" if request.POST.get("from") == "queue" else "statements")


@require_POST
def invitations_create(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    organization, consultation = consultation_of(request, consultation_id, "consultations.change_consultation")
    if consultation.access != Access.INVITE:
        messages.error(request, _("This consultation is open to anyone with its public link; it needs no invitations."))
        return _back(consultation, "link")
    form = InvitationsForm(request.POST)
    if form.is_valid():
        try:
            made = services.create_invitations(consultation=consultation, actor=person(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(count)d invitation links were created.") % {"count": len(made)})
            return _back(consultation, "invitations")
    return _refused_on_detail(request, organization, consultation, invitations_form=form)


@require_POST
def consultation_close(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    _organization, consultation = consultation_of(request, consultation_id, "consultations.change_consultation")
    try:
        services.close_consultation(consultation=consultation, actor=person(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The consultation is closed: nobody can vote or add statements any more."))
    return _back(consultation, "status")
