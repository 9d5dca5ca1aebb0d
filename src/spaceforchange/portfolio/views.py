from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from spaceforchange.core.tenancy import organization_of
from spaceforchange.portfolio import selectors, services
from spaceforchange.portfolio.forms import InitiativeForm
from spaceforchange.portfolio.models import Stage

PAGE_SIZE = 25


def initiative_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    search = request.GET.get("q", "").strip()[:200]
    stage = request.GET.get("stage", "")
    stage = stage if stage in Stage.values else ""
    page = Paginator(selectors.initiatives_for(organization, search=search, stage=stage), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portfolio/initiative_list.html",
        {
            "organization": organization,
            "page": page,
            "search": search,
            "stage": stage,
            "stages": Stage.choices,
            "can_add": request.user.has_perm("portfolio.add_initiative", organization),
        },
    )


def initiative_detail(request: HttpRequest, org_slug: str, initiative_id: int) -> HttpResponse:
    organization = organization_of(request)
    initiative = selectors.initiative_detail(organization, initiative_id)
    return render(request, "portfolio/initiative_detail.html", {"organization": organization, "initiative": initiative})


def initiative_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    if not request.user.has_perm("portfolio.add_initiative", organization):
        raise PermissionDenied
    form = InitiativeForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.create_initiative(organization=organization, **form.cleaned_data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("portfolio:initiative", org_slug=organization.slug, initiative_id=initiative.pk)
    return render(request, "portfolio/initiative_form.html", {"organization": organization, "form": form})
