"""Every write a respondent makes: starting by a link, resuming, saving answers and submitting.

The same conventions as ``services``: keyword arguments, one transaction, ``ValidationError`` with
field keys for refused answers and a ``code`` for a refused request, and nothing changed on refusal.

In an anonymous campaign the respondent's own writes leave no audit entries: an entry names the
signed-in person and the address the request came from, which would tie the answers to them.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Mapping

from auditlog.context import disable_auditlog
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spaceforchange.assessments import domain
from spaceforchange.assessments.domain import Availability, Problem, ProblemCode
from spaceforchange.assessments.models import (
    Answer,
    Campaign,
    CampaignInvitation,
    DimensionComment,
    Response,
    ResponseStatus,
)
from spaceforchange.assessments.respondent_groups import groups_of
from spaceforchange.assessments.selectors import instrument_of, link_target
from spaceforchange.assessments.services import Errors, local_time
from spaceforchange.assessments.snapshots import answers_changed
from spaceforchange.core.models import User
from spaceforchange.frameworks.schema import Instrument

NAMED_RESUME_SALT = "spaceforchange.assessments.named-response"

# Lazy: chosen at import time, translated for each respondent.
REFUSALS = {
    "invalid": gettext_lazy("This survey link is not valid. Check that you copied the whole link."),
    Availability.NOT_OPENED: gettext_lazy("This survey has not been opened yet."),
    Availability.CLOSED: gettext_lazy("This survey has closed, so answers can no longer be given or changed."),
    "submitted": gettext_lazy("These answers have been submitted and can no longer be changed."),
    "empty": gettext_lazy("Answer at least one question before you submit."),
    "already_started": gettext_lazy("You have already started this survey through another link."),
}


def _check_accepting(campaign: Campaign) -> None:
    state = campaign.availability()
    if state is Availability.NOT_STARTED:
        message = _("This survey opens on %(date)s.") % {"date": local_time(campaign.opens_at, campaign.organization)}
        raise ValidationError(message, code=state.value)
    if state is not Availability.OPEN:
        raise ValidationError(REFUSALS[state], code=state.value)


def _respondent_writes(campaign: Campaign) -> contextlib.AbstractContextManager[None]:
    return disable_auditlog() if campaign.anonymous else contextlib.nullcontext()


def _person(user: User | AnonymousUser | None) -> User | None:
    return user if isinstance(user, User) and user.is_authenticated else None


def _group_fields(campaign: Campaign, user: User | None) -> dict[str, object]:
    """The unit and attributes a signed-in respondent's new response records (``respondent_groups``)."""
    if user is None:
        return {}
    groups = groups_of(campaign, user)
    return {"unit_id": groups.unit_id, "attributes": dict(groups.attributes)}


def _invited_response(invitation: CampaignInvitation, token: str, user: User | None) -> Response:
    campaign = invitation.campaign
    key = domain.resume_hash(token)
    existing = Response.objects.filter(resume_token_hash=key).first()
    if existing is not None:
        return existing
    respondent = None if campaign.anonymous else user
    if respondent is not None and Response.objects.filter(campaign=campaign, respondent=respondent).exists():
        raise ValidationError(REFUSALS["already_started"], code="already_started")
    with _respondent_writes(campaign):
        response, _created = Response.objects.get_or_create(
            resume_token_hash=key,
            defaults={
                "organization_id": campaign.organization_id,
                "campaign": campaign,
                "respondent": respondent,
                "invitation": None if campaign.anonymous else invitation,
                **_group_fields(campaign, user),
            },
        )
    return response


def named_resume_token(response: Response) -> str:
    """The resume token of a person's own response in a named campaign, the same on every visit.

    Derived from the server's secret key, so it can be given again without being stored and no
    one without that key can work it out. The response's id (unique even after the person is
    erased) keeps it from ever being the token of another response.
    """
    digest = salted_hmac(NAMED_RESUME_SALT, f"{response.pk}:{response.respondent_id}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _own_named_response(campaign: Campaign, user: User) -> tuple[Response, str]:
    """The person's one response to a named campaign (started now if need be) and its resume token."""
    response, _created = Response.objects.get_or_create(
        campaign=campaign,
        respondent=user,
        defaults={"organization_id": campaign.organization_id, **_group_fields(campaign, user)},
    )
    if response.invitation_id is not None:
        # Started through a personal link, which stays its only key: that link's token is not stored.
        raise ValidationError(REFUSALS["already_started"], code="already_started")
    token = named_resume_token(response)
    key = domain.resume_hash(token)
    if response.resume_token_hash != key:  # new, or the server's secret key has changed since
        response.resume_token_hash = key
        response.save(update_fields=["resume_token_hash"])
    return response, token


def _shared_response(campaign: Campaign, user: User | None) -> tuple[Response, str]:
    if not campaign.anonymous and user is not None:
        return _own_named_response(campaign, user)
    token = domain.new_token()
    with _respondent_writes(campaign):
        response = Response.objects.create(
            organization_id=campaign.organization_id,
            campaign=campaign,
            resume_token_hash=domain.resume_hash(token),
            **_group_fields(campaign, user),
        )
    return response, token


@transaction.atomic
def start_response(*, token: str, user: User | AnonymousUser | None = None) -> tuple[Response, str | None]:
    """The draft (or submitted) response a link leads to, and a resume token when one was issued.

    A personal link leads to its one response every time; it also resumes it, so no resume token
    is issued (None). A shared link starts a new draft and returns its resume token, shown once;
    in a named campaign a signed-in person gets their own one response instead, with the same
    resume token on every visit (``named_resume_token``), and a refusal (``already_started``)
    when they started it through a personal link.
    """
    target = link_target(token)
    if target is None:
        raise ValidationError(REFUSALS["invalid"], code="invalid")
    _check_accepting(target.campaign)
    if target.invitation is not None:
        return _invited_response(target.invitation, token, _person(user)), None
    return _shared_response(target.campaign, _person(user))


def resume_response(*, resume_token: str) -> Response:
    """The response a resume token (or personal link token) leads to, while its campaign takes answers."""
    response = (
        Response.objects.select_related("campaign__organization")
        .filter(resume_token_hash=domain.resume_hash(resume_token or ""))
        .first()
    )
    if response is None:
        raise ValidationError(REFUSALS["invalid"], code="invalid")
    _check_accepting(response.campaign)
    return response


def _locked_response(response: Response) -> Response:
    return Response.objects.select_for_update(of=("self",)).select_related("campaign__organization").get(pk=response.pk)


def _problem_message(problem: Problem, instrument: Instrument) -> str:
    scale = instrument.scale
    messages = {
        ProblemCode.UNKNOWN_STATEMENT: _("This question is not part of the survey."),
        ProblemCode.NOT_A_NUMBER: _("Choose one of the answers on the scale."),
        ProblemCode.OUT_OF_SCALE: _("Choose an answer from %(min)d to %(max)d.") % {"min": scale.min, "max": scale.max},
        ProblemCode.DONT_KNOW_NOT_ALLOWED: _("This question needs an answer on the scale."),
        ProblemCode.UNKNOWN_DIMENSION: _("Comments can be given only on the survey's dimensions."),
        ProblemCode.NOT_TEXT: _("A comment must be text."),
        ProblemCode.TOO_LONG: _("Use at most %(count)d characters.") % {"count": domain.COMMENT_MAX_LENGTH},
        ProblemCode.BAD_CHARACTER: _("The text contains a character that is not allowed."),
    }
    return messages[problem.code]


def _check_answers(instrument: Instrument, answers: Mapping[str, object], comments: Mapping[str, object]) -> None:
    problems = domain.answer_problems(instrument, answers) + domain.comment_problems(instrument, comments)
    if problems:
        errors: Errors = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(_problem_message(problem, instrument))
        raise ValidationError(errors)


def _store_answers(response: Response, answers: Mapping[str, int | None]) -> None:
    existing = {answer.statement_key: answer for answer in Answer.objects.filter(response=response)}
    for key, value in answers.items():
        answer = existing.get(key)
        if answer is None:
            Answer.objects.create(
                organization_id=response.organization_id, response=response, statement_key=key, value=value
            )
        elif answer.value != value:
            answer.value = value
            answer.save(update_fields=["value"])


def _store_comments(response: Response, comments: Mapping[str, str]) -> None:
    existing = {comment.dimension_key: comment for comment in DimensionComment.objects.filter(response=response)}
    for key, raw in comments.items():
        text, comment = raw.strip(), existing.get(key)
        if comment is not None and not text:
            comment.delete()
        elif comment is None and text:
            DimensionComment.objects.create(
                organization_id=response.organization_id, response=response, dimension_key=key, text=text
            )
        elif comment is not None and comment.text != text:
            comment.text = text
            comment.save(update_fields=["text"])


@transaction.atomic
def save_answers(
    *, response: Response, answers: Mapping[str, int | None], comments: Mapping[str, str] | None = None
) -> Response:
    """Save answers (None: "don't know") and per-dimension comments (empty removes one) into a draft."""
    comments = comments or {}
    response = _locked_response(response)
    if response.is_submitted:
        raise ValidationError(REFUSALS["submitted"], code="submitted")
    _check_accepting(response.campaign)
    _check_answers(instrument_of(response.campaign), answers, comments)
    with _respondent_writes(response.campaign):
        _store_answers(response, answers)
        _store_comments(response, comments)
    return response


@transaction.atomic
def submit_response(*, response: Response) -> Response:
    """Submit a draft; an already submitted response is returned as it is (double clicks, replays, two tabs)."""
    response = _locked_response(response)
    if response.is_submitted:
        return response
    _check_accepting(response.campaign)
    if not Answer.objects.filter(response=response).exists():
        raise ValidationError(REFUSALS["empty"], code="empty")
    with _respondent_writes(response.campaign):
        response.status, response.submitted_at = ResponseStatus.SUBMITTED, timezone.now()
        response.save(update_fields=["status", "submitted_at"])
    answers_changed(response.campaign_id)
    return response
