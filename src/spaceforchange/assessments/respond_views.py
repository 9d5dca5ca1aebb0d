"""The pages survey respondents use without an account: start by a link, answer, resume, submit.

The link's token (or the resume token issued when a shared link starts a draft) is the only key,
a bearer secret in the address. So these pages are never cached, and their referrer policy is
``strict-origin``: the address never leaves in a ``Referer`` header, to this site or any other.
``no-referrer`` would serve that as well but makes browsers send ``Origin: null`` with the page's
forms, which Django's CSRF check refuses (answering and the language switch would both fail).

Statuses: an unknown link 404; a closed survey 410; a survey not open yet 403 (a refusal of this
request that may lapse, with the opening date when one is known); refused answers 400.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from spaceforchange.assessments import domain, respond_forms
from spaceforchange.assessments.domain import Availability
from spaceforchange.assessments.models import Campaign, Response, ResponseStatus
from spaceforchange.assessments.personal_results import personal_result
from spaceforchange.assessments.response_services import (
    REFUSALS,
    resume_response,
    save_answers,
    start_response,
    submit_response,
)
from spaceforchange.assessments.selectors import answers_of, comments_of, instrument_of, link_target
from spaceforchange.assessments.services import local_time
from spaceforchange.frameworks.selectors import parsed_pack

REFERRER_POLICY = "strict-origin"
# Tokens are 43 characters; anything much longer is not one and is not worth hashing.
TOKEN_MAX_LENGTH = 128
SECONDS_PER_STATEMENT = 15
STATUS_BY_CODE = {
    "invalid": 404,
    Availability.CLOSED.value: 410,
    Availability.NOT_OPENED.value: 403,
    Availability.NOT_STARTED.value: 403,
    "already_started": 409,
}
TEMPLATES = "assessments/respond/"

View = Callable[..., HttpResponse]


def bearer_page(view: View) -> View:
    """No cache may keep the page, and its address (the token) goes in no Referer header."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = REFERRER_POLICY
        return response

    return never_cache(wrapped)


def _refused(request: HttpRequest, message: str, code: str) -> HttpResponse:
    context = {"message": message, "closed": code == Availability.CLOSED.value}
    return render(request, TEMPLATES + "refused.html", context, status=STATUS_BY_CODE.get(code, 400))


def _refusal_of(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return _refused(request, " ".join(error.messages), str(error.code or "invalid"))


def _language(campaign: Campaign) -> str:
    """The language to show the pack's texts in: the reader's, when the campaign offers it."""
    current = (translation.get_language() or "en").split("-")[0]
    languages = campaign.languages or ["en"]
    return current if current in languages else ("en" if "en" in languages else languages[0])


def _link_target(token: str) -> tuple[Campaign, bool] | None:
    """The campaign a link token leads to and whether it is a personal link, without writing anything."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    target = link_target(token)
    return (target.campaign, target.invitation is not None) if target is not None else None


def _unavailable(request: HttpRequest, campaign: Campaign) -> HttpResponse | None:
    state = campaign.availability()
    if state is Availability.OPEN:
        return None
    if state is Availability.NOT_STARTED:
        message = _("This survey opens on %(date)s.") % {"date": local_time(campaign.opens_at, campaign.organization)}
        return _refused(request, message, state.value)
    return _refused(request, str(REFUSALS[state]), state.value)


def _own_response_status(request: HttpRequest, campaign: Campaign, personal: bool) -> str | None:
    """The status of the signed-in person's own response, when a named campaign's shared link gives it back."""
    if personal or campaign.anonymous or not request.user.is_authenticated:
        return None
    own = Response.objects.filter(organization_id=campaign.organization_id, campaign=campaign, respondent=request.user)
    return own.values_list("status", flat=True).first()


def _start_page(request: HttpRequest, token: str, campaign: Campaign, personal: bool) -> HttpResponse:
    instrument = instrument_of(campaign)
    language = _language(campaign)
    count = len(instrument.statements)
    context: dict[str, Any] = {
        "campaign": campaign,
        "organization": campaign.organization,
        "instrument_name": instrument.name.get(language),
        "description": respond_forms.text_in(instrument.description, language),
        "statement_count": count,
        "minutes": max(1, math.ceil(count * SECONDS_PER_STATEMENT / 60)),
        "token": token,
    }
    own_status = _own_response_status(request, campaign, personal)
    context["named_shared"] = not personal and not campaign.anonymous and request.user.is_authenticated
    context["already_answered"] = own_status == ResponseStatus.SUBMITTED
    context["resuming"] = own_status == ResponseStatus.DRAFT
    return render(request, TEMPLATES + "start.html", context)


@bearer_page
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, token: str) -> HttpResponse:
    """What the survey is; a draft is started only by the POST of its button, never by opening the link."""
    target = _link_target(token)
    if target is None:
        return _refused(request, str(REFUSALS["invalid"]), "invalid")
    campaign, personal = target
    unavailable = _unavailable(request, campaign)
    if unavailable is not None:
        return unavailable
    if request.method != "POST":
        return _start_page(request, token, campaign, personal)
    try:
        _response, resume_token = start_response(token=token, user=request.user)
    except ValidationError as error:
        return _refusal_of(request, error)
    # A personal link also resumes its response, so it stays the address. A submitted response's
    # address leads on to the thank-you page: a person answers a named campaign once.
    return redirect("respond:answer", resume_token=resume_token or token)


def _resumed(request: HttpRequest, resume_token: str) -> Response | HttpResponse:
    if not resume_token or len(resume_token) > TOKEN_MAX_LENGTH:
        return _refused(request, str(REFUSALS["invalid"]), "invalid")
    try:
        return resume_response(resume_token=resume_token)
    except ValidationError as error:
        return _refusal_of(request, error)


def _sheet_page(
    request: HttpRequest,
    response: Response,
    *,
    answers: dict[str, Any],
    comments: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    campaign = response.campaign
    language = _language(campaign)
    sheet = respond_forms.build_sheet(
        pack=parsed_pack(campaign.pack_version),
        instrument=instrument_of(campaign),
        answers=answers,
        comments=comments,
        errors=errors or {},
        language=language,
    )
    context = {
        "campaign": campaign,
        "sheet": sheet,
        "has_errors": bool(errors),
        "comment_max_length": domain.COMMENT_MAX_LENGTH,
        "resume_url": request.build_absolute_uri(request.path),
        "closes": local_time(campaign.closes_at, campaign.organization),
    }
    return render(request, TEMPLATES + "answer.html", context, status=status)


def _save(request: HttpRequest, response: Response, resume_token: str) -> HttpResponse:
    answers, comments = respond_forms.read_posted(request.POST)
    submitting = "submit" in request.POST
    try:
        # Saved and submitted together: a refused submission leaves the draft as it was.
        with transaction.atomic():
            response = save_answers(response=response, answers=answers, comments=comments)
            if submitting:
                submit_response(response=response)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            errors = {field: list(found) for field, found in error.message_dict.items()}
            return _sheet_page(request, response, answers=answers, comments=comments, errors=errors, status=400)
        if error.code == "submitted":  # a second click, another tab or a replay: the first one counted
            return redirect("respond:done", resume_token=resume_token)
        if error.code == "empty":
            errors = {"": list(error.messages)}
            return _sheet_page(request, response, answers=answers, comments=comments, errors=errors, status=400)
        return _refusal_of(request, error)
    if submitting:
        return redirect("respond:done", resume_token=resume_token)
    messages.success(request, _("Your answers are saved. Bookmark this page to come back to them before you submit."))
    return redirect("respond:answer", resume_token=resume_token)


@bearer_page
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, resume_token: str) -> HttpResponse:
    """The answering form; a submitted response's address leads to the thank-you page, never its answers."""
    response = _resumed(request, resume_token)
    if isinstance(response, HttpResponse):
        return response
    if response.is_submitted:
        return redirect("respond:done", resume_token=resume_token)
    if request.method == "POST":
        return _save(request, response, resume_token)
    return _sheet_page(request, response, answers=dict(answers_of(response)), comments=dict(comments_of(response)))


@bearer_page
@require_GET
def done(request: HttpRequest, resume_token: str) -> HttpResponse:
    response = _resumed(request, resume_token)
    if isinstance(response, HttpResponse):
        return response
    if not response.is_submitted:
        return redirect("respond:answer", resume_token=resume_token)
    campaign = response.campaign
    # Only this page, reached with the respondent's own resume token, shows a personal result.
    mine = personal_result(campaign.pack_version.pack.key, campaign.instrument_key, response)
    return render(request, TEMPLATES + "done.html", {"campaign": campaign, "personal_result": mine})
