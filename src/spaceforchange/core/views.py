from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from spaceforchange.core.tenancy import organization_of


def dashboard(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    return render(request, "core/dashboard.html", {"organization": organization})
