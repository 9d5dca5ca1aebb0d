"""The one NinjaAPI instance. Each app contributes a router from its own ``api.py``.

Authentication is global (a personal token or the browser session, see ``auth.py``); routers do
not set their own. Every error is answered as a JSON problem body (``problems.py``), including
unknown paths under ``/api/v1/`` and methods a path does not allow.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.parser import Parser

from spaceforchange.api.auth import session_auth, token_auth
from spaceforchange.api.openapi import add_problem_responses
from spaceforchange.api.problems import (
    PROBLEM_CONTENT_TYPE,
    NotAnObjectError,
    problem_response,
    register_problem_handlers,
)

DESCRIPTION = """\
REST API of Space for Change.

**Authentication.** Send a personal API token, created on your profile page under *API tokens*,
as `Authorization: Bearer sfc_…`. From a signed-in browser the session works too; then POST,
PUT, PATCH and DELETE need the CSRF token in the `X-CSRFToken` header.

**Organisations.** Organisation resources live under `/api/v1/organizations/{org_slug}/…`. An
organisation you are not an active member of answers 404, exactly like one that does not exist.

**Errors** are RFC 9457 problem details (`application/problem+json`) with `type`, `title`,
`status`, `detail` and `instance`; a 422 also lists every invalid value in `errors`.
"""


class SpaceForChangeAPI(NinjaAPI):
    def _get_urls(self) -> list[URLPattern | URLResolver]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _answer_as_problem(pattern.callback)
        # Last, so that every other /api/v1/ path wins; without it Django would answer with HTML.
        urls.append(re_path(r"^.*$", _unknown_path, name="unknown-path"))
        return urls

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        add_problem_responses(schema)
        return schema


class ObjectParser(Parser):
    """Request bodies must be JSON objects: ninja would read a string's or a list's attributes as
    fields (a body of ``"a string"`` took ``str.title`` for a title). Anything else is a 400 problem."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise NotAnObjectError("the request body is not a JSON object")
        return data


def _answer_as_problem(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn the 404s and 405s that happen outside an operation (and so outside its handlers) into problems."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _unknown_path(request)
        if response.status_code == 405 and response.get("Content-Type") != PROBLEM_CONTENT_TYPE:
            problem = problem_response(
                request, 405, _("This path does not accept %(method)s.") % {"method": request.method}
            )
            problem["Allow"] = response.get("Allow", "")
            return problem
        return response

    # TenancyMiddleware would answer an unknown {org_slug} with an HTML 404 (or a login redirect)
    # before token auth ran; organization_from() does the same check inside the API instead.
    wrapped.sfc_resolves_own_tenancy = True  # type: ignore[attr-defined]
    return wrapped


@csrf_exempt
def _unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return problem_response(request, 404, _("There is no API endpoint at this path."))


api = SpaceForChangeAPI(
    title="Space for Change API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[token_auth, session_auth],
    parser=ObjectParser(),
)
register_problem_handlers(api)

api.add_router("/", "spaceforchange.core.api.router")
api.add_router("/", "spaceforchange.frameworks.api.router")
api.add_router("/", "spaceforchange.core.api_units.router")
api.add_router("/", "spaceforchange.portfolio.api.router")
api.add_router("/", "spaceforchange.assessments.api.router")
api.add_router("/", "spaceforchange.legitimacy.api.router")
api.add_router("/", "spaceforchange.policies.api.router")
api.add_router("/", "spaceforchange.consultations.api.router")
api.add_router("/", "spaceforchange.consultations.results_api.router")
api.add_router("/", "spaceforchange.budgeting.api.router")
api.add_router("/", "spaceforchange.people.api.router")
api.add_router("/", "spaceforchange.change.api.router")
api.add_router("/", "spaceforchange.alerts.api.router")
