"""Legitimacy pages of the organisation: the organisation view, the stakeholder register, map and
detail, creating and editing stakeholders.

Pages that act on one object look it up in the request's organisation first (404 for any other
id) and check the permission afterwards (403), so nothing leaks about foreign ids.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spaceforchange.core.models import Organization, User
from spaceforchange.core.permissions import remember_roles
from spaceforchange.core.tenancy import organization_of
from spaceforchange.core.views import _attempt, paginate, permitted_organization
from spaceforchange.legitimacy import selectors, services, subject_selectors
from spaceforchange.legitimacy.forms import RegisterFilterForm, StakeholderForm
from spaceforchange.legitimacy.models import Judgment, StakeholderCategory
from spaceforchange.legitimacy.terms import Terms, pack_terms

PAGE_SIZE = 25
VIEW, MANAGE = "legitimacy.view_registers", "legitimacy.manage_stakeholders"


def person(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the tenancy middleware let only members in
    return user


def _posted(request: HttpRequest) -> Any:
    """The posted data for a POST (even an empty one, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None


def terms_for(organization: Organization) -> Terms:
    return pack_terms(organization)


@require_GET
def overview(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Subjects by their weakest legitimacy, weakest first."""
    organization = permitted_organization(request, VIEW)
    terms = terms_for(organization)
    page = subject_selectors.organisation_view(organization, terms, page=request.GET.get("page"))
    states = [(term.key, term.name) for term in terms.states]
    return render(
        request,
        "legitimacy/overview.html",
        {
            "organization": organization,
            "page": page,
            "states": states,
            "names": terms.names,
            "can_view_gray_zone": request.user.has_perm("legitimacy.view_gray_zone_register", organization),
        },
    )


@require_GET
def stakeholder_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, VIEW)
    search, category, sort = RegisterFilterForm(request.GET).values()
    rows = selectors.stakeholders_for(organization, search=search, category=category, sort=sort)
    page, page_range = paginate(request, rows, PAGE_SIZE)
    return render(
        request,
        "legitimacy/stakeholder_list.html",
        {
            "organization": organization,
            "page": page,
            "page_range": page_range,
            "search": search,
            "category": category,
            "sort": sort,
            "categories": StakeholderCategory.choices,
            "sorts": [
                ("name", _("Name")),
                ("influence", _("Influence")),
                ("interest", _("Interest")),
                ("category", _("Category")),
                ("judged", _("Subjects judged")),
            ],
            "can_manage": request.user.has_perm(MANAGE, organization),
            "can_view_gray_zone": request.user.has_perm("legitimacy.view_gray_zone_register", organization),
        },
    )


def _save_stakeholder(request: HttpRequest, organization: Organization, stakeholder: Any = None) -> HttpResponse:
    initial = StakeholderForm.initial_of(stakeholder) if stakeholder is not None else None
    form = StakeholderForm(_posted(request), organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved: list[Any] = []

        def write() -> None:
            if stakeholder is None:
                saved.append(
                    services.create_stakeholder(organization=organization, actor=person(request), **form.cleaned_data)
                )
            else:
                saved.append(
                    services.update_stakeholder(stakeholder=stakeholder, actor=person(request), **form.cleaned_data)
                )

        if _attempt(form, write):
            messages.success(request, _("The stakeholder was saved."))
            return redirect("legitimacy:stakeholder", org_slug=organization.slug, stakeholder_id=saved[0].pk)
    return render(
        request,
        "legitimacy/stakeholder_form.html",
        {"organization": organization, "form": form, "stakeholder": stakeholder},
    )


def stakeholder_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, MANAGE)
    return _save_stakeholder(request, organization)


def stakeholder_edit(request: HttpRequest, org_slug: str, stakeholder_id: int) -> HttpResponse:
    organization = _organization(request)
    stakeholder = selectors.stakeholder_detail(organization, stakeholder_id)
    if not request.user.has_perm(MANAGE, organization):
        raise PermissionDenied
    return _save_stakeholder(request, organization, stakeholder)


def _organization(request: HttpRequest) -> Organization:
    """The request's organisation, the person's roles in it remembered for the permission checks."""
    organization = organization_of(request)
    remember_roles(request.user, getattr(request, "membership", None))
    return organization


@require_POST
def stakeholder_archive(request: HttpRequest, org_slug: str, stakeholder_id: int) -> HttpResponse:
    organization = _organization(request)
    stakeholder = selectors.stakeholder_of(organization, stakeholder_id)
    if not request.user.has_perm(MANAGE, organization):
        raise PermissionDenied
    restore = request.POST.get("active") == "1"
    services.archive_stakeholder(stakeholder=stakeholder, active=restore, actor=person(request))
    messages.success(request, _("The stakeholder was restored.") if restore else _("The stakeholder was archived."))
    return redirect("legitimacy:stakeholder", org_slug=organization.slug, stakeholder_id=stakeholder.pk)


@require_GET
def stakeholder_detail(request: HttpRequest, org_slug: str, stakeholder_id: int) -> HttpResponse:
    organization = _organization(request)
    stakeholder = selectors.stakeholder_detail(organization, stakeholder_id)
    if not request.user.has_perm(VIEW, organization):
        raise PermissionDenied
    terms = terms_for(organization)
    return render(
        request,
        "legitimacy/stakeholder_detail.html",
        {
            "organization": organization,
            "stakeholder": stakeholder,
            "judgments": list(selectors.current_judgments_of(stakeholder)),
            "names": terms.names,
            "can_manage": request.user.has_perm(MANAGE, organization),
        },
    )


# The map: interest on x, influence on y, both 1–5, in a 340 × 340 box with a 40-unit margin.
STEP, LEFT, BOTTOM = 70, 40, 320


def _placed(points: list[selectors.MapPoint]) -> list[dict[str, Any]]:
    """Each point's position; stakeholders sharing a square are spread around its centre."""
    seen: dict[tuple[int, int], int] = defaultdict(int)
    placed = []
    for point in points:
        holder = point.stakeholder
        square = (holder.influence, holder.interest)
        nth = seen[square]
        seen[square] += 1
        placed.append(
            {
                "point": point,
                "x": LEFT + (holder.interest - 1) * STEP + (nth % 3 - 1) * 18,
                "y": BOTTOM - (holder.influence - 1) * STEP + (nth // 3 % 3 - 1) * 18,
            }
        )
    return placed


@require_GET
def stakeholder_map(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, VIEW)
    points = selectors.stakeholder_map(organization)
    ticks = [{"value": value, "at": LEFT + (value - 1) * STEP} for value in range(1, 6)]
    return render(
        request,
        "legitimacy/stakeholder_map.html",
        {
            "organization": organization,
            "points": _placed(points),
            "ticks": ticks,
            "ticks_y": [{"value": value, "at": BOTTOM - (value - 1) * STEP} for value in range(1, 6)],
            "can_view_gray_zone": request.user.has_perm("legitimacy.view_gray_zone_register", organization),
        },
    )


@require_GET
def judgment_redirect(request: HttpRequest, org_slug: str, judgment_id: int) -> HttpResponseRedirect:
    """A judgment's place: its subject's legitimacy page (where warnings about it link to)."""
    organization = _organization(request)
    judgment = get_object_or_404(Judgment.objects.filter(organization=organization), pk=judgment_id)
    if judgment.initiative_id:
        target = reverse(
            "legitimacy:initiative", kwargs={"org_slug": organization.slug, "initiative_id": judgment.initiative_id}
        )
    else:
        target = reverse("legitimacy:policy", kwargs={"org_slug": organization.slug, "policy_id": judgment.policy_id})
    return HttpResponseRedirect(f"{target}#judgment-{judgment.pk}")
