"""Errors as RFC 9457 problem details (``application/problem+json``), never HTML.

Every exception that escapes an API operation lands in one of the handlers registered by
``register_problem_handlers``; the catch-all turns anything unexpected into a JSON 500 after
logging it. ``problem_response`` is public so that the catch-all URL and the 405 wrapper in
``api.py`` answer in the same shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("spaceforchange.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemFieldError(Schema):
    """One invalid value in a request."""

    loc: list[str | int] = Field(
        description="Where the value is: the part of the request (body, query, path) and the field names inside it."
    )
    msg: str = Field(description="What is wrong with the value, in words a person can act on.")
    type: str = Field(description="A machine-readable code for the kind of error, such as `missing`.")


class Problem(Schema):
    """An error, as an RFC 9457 problem details object."""

    type: str = Field(
        "about:blank", description="A URI for the kind of problem; `about:blank` means the status says it all."
    )
    title: str = Field(description="The HTTP status phrase, such as `Not Found`.")
    status: int = Field(description="The HTTP status code, repeated for convenience.")
    detail: str = Field(description="What went wrong in this request, in words a person can act on.")
    instance: str = Field(description="The path of the request that failed.")
    errors: list[ProblemFieldError] | None = Field(
        None, description="For 422 responses: every invalid value in the request."
    )


def problem_response(
    request: HttpRequest, status: int, detail: str, errors: list[dict[str, Any]] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
    if status == HTTPStatus.UNAUTHORIZED:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _clean_error(error: dict[str, Any]) -> dict[str, Any]:
    """Keep what a client needs; pydantic's ``ctx`` and ``input`` may hold unserialisable or private values."""
    return {
        "loc": [part if isinstance(part, int) else str(part) for part in error.get("loc", [])],
        "msg": str(error.get("msg", "")),
        "type": str(error.get("type", "invalid")),
    }


def _on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [_clean_error(error) for error in exc.errors]
    detail = ngettext(
        "The request has %(count)d invalid value.", "The request has %(count)d invalid values.", len(errors)
    ) % {"count": len(errors)}
    return problem_response(request, 422, detail, errors)


def _on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """Services raise Django's ValidationError; its messages are already written for people."""
    errors: list[dict[str, Any]]
    if hasattr(exc, "error_dict"):
        errors = [
            {"loc": [] if field == "__all__" else ["body", field], "msg": str(message), "type": "invalid"}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"loc": [], "msg": str(message), "type": "invalid"} for message in exc.messages]
    detail = " ".join(str(error["msg"]) for error in errors) or _("The request is not valid.")
    return problem_response(request, 422, detail, errors)


class NotAnObjectError(ValueError):
    """A request body that is valid JSON but not an object (raised by the API's body parser)."""


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if isinstance(exc, AuthenticationError) and message == "Unauthorized":
        message = _("Sign in, or send a personal API token as “Authorization: Bearer <token>”.")
    elif exc.status_code == 400 and message.startswith("Cannot parse request body"):
        if isinstance(exc.__cause__, NotAnObjectError):
            message = _("The request body must be a JSON object.")
        else:
            message = _("The request body could not be read as JSON.")
    elif exc.status_code == 429:
        message = _("Too many requests. Wait a little and try again.")
    return problem_response(request, exc.status_code, message)


def _on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(request, 404, _("Nothing was found here."))


def _on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    message = str(exc) or _("You do not have permission to do this.")
    return problem_response(request, 403, message)


def _on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(request, 413, _("The request body is too large."))


def _on_suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.warning("Suspicious API request to %s: %s", request.path, exc.__class__.__name__)
    return problem_response(request, 400, _("The request could not be understood."))


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unexpected error in API request %s %s", request.method, request.path)
    return problem_response(request, 500, _("Something went wrong on our side. The error has been logged."))


def register_problem_handlers(api: NinjaAPI) -> None:
    """Answer every error of ``api`` with a problem body. The most specific class wins (by MRO)."""
    handlers: dict[type[Exception], Callable[..., HttpResponse]] = {
        NinjaValidationError: _on_validation_error,
        DjangoValidationError: _on_django_validation_error,
        HttpError: _on_http_error,
        Http404: _on_not_found,
        ObjectDoesNotExist: _on_not_found,
        PermissionDenied: _on_permission_denied,
        RequestDataTooBig: _on_too_big,
        SuspiciousOperation: _on_suspicious,
        Exception: _on_unexpected,
    }
    for exception_class, handler in handlers.items():
        api.add_exception_handler(exception_class, handler)
