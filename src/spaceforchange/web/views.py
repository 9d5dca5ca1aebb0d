from __future__ import annotations

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from spaceforchange.core.tenancy import organizations_of


def home(request: HttpRequest) -> HttpResponse:
    """A person with one organisation goes straight to it; others choose (the layout's
    ``my_organizations`` lists them, from the same query)."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    organizations = organizations_of(request)
    if len(organizations) == 1:
        return redirect(organizations[0].url)
    return render(request, "web/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return JsonResponse({"status": "error", "database": f"unreachable: {error.__class__.__name__}"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the context processors query the database, which may be the very
    # thing that failed, and the page must not show anything from the failed request.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
