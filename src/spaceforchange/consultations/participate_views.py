"""The participants' pages, under ``/c/<public token>/``, without an account.

One statement at a time with Agree / Disagree / Pass, the list of one's votes (each can be
changed), and a form to add a statement. Every action is a plain POST form followed by a redirect,
so the pages work without JavaScript; with htmx the vote form swaps only the statement card.

A participant is pseudonymous: the first vote (or statement) joins the consultation
(``join_consultation``), whose secret is kept in an HttpOnly, SameSite=Lax cookie scoped to the
consultation's address (Secure over HTTPS). An invite-only consultation is opened with the personal
link ``/c/<token>/?invitation=…``; its token is carried in the forms until the first vote joins,
and is then the secret in the cookie. Opening a page writes nothing.

The addresses are bearer links, so the pages are never cached and send no referrer beyond the
origin (``assessments.respond_views.bearer_page``). Statuses: an unknown link 404, a consultation
not open yet 403, a closed one 410 for a vote or statement (its pages still show the question and
one's votes), an invite-only one without a valid invitation 403, refused input 400.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from spaceforchange.assessments.respond_views import bearer_page
from spaceforchange.consultations import results_selectors, selectors, services
from spaceforchange.consultations.forms import StatementForm, VoteForm
from spaceforchange.consultations.models import (
    Access,
    Consultation,
    Invitation,
    Participant,
    Statement,
    Status,
    VoteValue,
)

COOKIE = "sfc_participant"
COOKIE_MAX_AGE = 365 * 24 * 3600
TOKEN_MAX_LENGTH = 128  # tokens are 32 characters; anything much longer is not one
TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")  # ``secrets.token_urlsafe``
TEMPLATES = "consultations/participate/"
STATUS_BY_CODE = {"not_open": 403, "closed": 410, "invitation_required": 403, "invalid_invitation": 403}
VOTE_CHOICES = (
    (VoteValue.AGREE, gettext_lazy("Agree")),
    (VoteValue.DISAGREE, gettext_lazy("Disagree")),
    (VoteValue.PASS, gettext_lazy("Pass")),
)


def _token(value: str) -> str:
    """``value`` when it can be a token (URL-safe base64, not too long), else empty: never a database error."""
    return value if 0 < len(value) <= TOKEN_MAX_LENGTH and TOKEN_CHARACTERS.fullmatch(value) else ""


def _consultation(request: HttpRequest, token: str) -> Consultation:
    """The consultation behind the link (404 otherwise), its pages in one of its languages."""
    consultation = selectors.consultation_by_token(_token(token))
    _follow_languages(request, consultation)
    return consultation


def _follow_languages(request: HttpRequest, consultation: Consultation) -> None:
    """The reader's language (from their browser or choice) when the consultation offers it, else its first."""
    offered = [code for code in consultation.languages or () if code in dict(settings.LANGUAGES)]
    current = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if offered and current not in offered:
        translation.activate(offered[0])
        request.LANGUAGE_CODE = offered[0]


def _invitation_token(request: HttpRequest) -> str:
    return _token(str(request.POST.get("invitation") or request.GET.get("invitation") or ""))


def _participant(request: HttpRequest, consultation: Consultation) -> Participant | None:
    """The participant the cookie (or an invitation already used) names; nothing is created."""
    secret = _token(request.COOKIES.get(COOKIE, ""))
    found = selectors.participant_by_secret(consultation, secret) if secret else None
    invitation = _invitation_token(request)
    if found is None and invitation:
        found = selectors.participant_by_secret(consultation, invitation)
    return found


def _valid_invitation(consultation: Consultation, token: str) -> bool:
    return bool(token) and Invitation.objects.filter(consultation=consultation, token=token).exists()


def _refused(request: HttpRequest, consultation: Consultation | None, message: str, status: int) -> HttpResponse:
    # Back to the page only when the page itself is open to the reader (a refused vote, not a refused link).
    context = {"consultation": consultation, "message": message, "back": status in (400, 410)}
    return render(request, TEMPLATES + "refused.html", context, status=status)


def _page_url(consultation: Consultation, invitation: str = "", anchor: str = "") -> str:
    url = reverse("consultations_public:participate", kwargs={"token": consultation.public_token})
    return url + (f"?invitation={invitation}" if invitation else "") + (f"#{anchor}" if anchor else "")


def _context(
    request: HttpRequest, consultation: Consultation, participant: Participant | None, invitation: str
) -> dict[str, Any]:
    voted = selectors.votes_of(participant) if participant else {}
    is_open = consultation.status == Status.OPEN
    if not is_open:
        statement = None
    elif participant is not None:
        statement = selectors.next_statement(participant)
    else:
        statement = results_selectors.opening_statement(consultation)
    return {
        "consultation": consultation,
        "status": consultation.status,
        "is_open": is_open,
        "statement": statement,
        "voted_count": len(voted),
        "choices": VOTE_CHOICES,
        "invitation": invitation if participant is None else "",
        "statement_form": StatementForm() if is_open and consultation.allow_participant_statements else None,
        # After an htmx swap of the statement card, the new statement takes the focus (htmx honours autofocus).
        "swapped": request.headers.get("HX-Request") == "true",
    }


def _gate(request: HttpRequest, consultation: Consultation, participant: Participant | None) -> HttpResponse | None:
    """A refusal of the page: not open yet, or invite-only for someone with neither cookie nor invitation."""
    if consultation.status == Status.DRAFT:
        return _refused(request, consultation, _("This consultation has not opened yet."), 403)
    invited = participant is not None or _valid_invitation(consultation, _invitation_token(request))
    if consultation.access == Access.INVITE and not invited:
        message = _("This consultation is by invitation only. Open it with the personal link you were sent.")
        return _refused(request, consultation, message, 403)
    return None


@bearer_page
@require_GET
def participate(request: HttpRequest, token: str) -> HttpResponse:
    consultation = _consultation(request, token)
    participant = _participant(request, consultation)
    refusal = _gate(request, consultation, participant)
    if refusal is not None:
        return refusal
    context = _context(request, consultation, participant, _invitation_token(request))
    return render(request, TEMPLATES + "participate.html", context)


def _join(request: HttpRequest, consultation: Consultation) -> tuple[Participant, str]:
    """The participant behind the cookie or the posted invitation, or a new one (the first write)."""
    return services.join_consultation(
        consultation=consultation,
        secret=_token(request.COOKIES.get(COOKIE, "")) or None,
        invitation_token=_invitation_token(request) or None,
    )


def _keep(request: HttpRequest, response: HttpResponse, consultation: Consultation, secret: str) -> HttpResponse:
    if request.COOKIES.get(COOKIE) != secret:
        response.set_cookie(
            COOKIE,
            secret,
            max_age=COOKIE_MAX_AGE,
            path=_page_url(consultation),
            secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def _refusal_of(request: HttpRequest, consultation: Consultation, error: ValidationError) -> HttpResponse:
    # A refusal naming a field (a bad value, a statement not open for votes) carries no code: a 400.
    status = STATUS_BY_CODE.get(str(getattr(error, "code", "")), 400)
    return _refused(request, consultation, " ".join(error.messages), status)


@bearer_page
@require_POST
def vote(request: HttpRequest, token: str) -> HttpResponse:
    consultation = _consultation(request, token)
    form = VoteForm(request.POST)
    statement = None
    if form.is_valid():
        statement = Statement.objects.filter(consultation=consultation, pk=form.cleaned_data["statement"]).first()
    if statement is None:
        return _refused(request, consultation, _("That vote could not be read. Go back and choose again."), 400)
    try:
        # Joined and voted together: a refused vote leaves no participant behind.
        with transaction.atomic():
            participant, secret = _join(request, consultation)
            services.cast_vote(participant=participant, statement=statement, value=form.cleaned_data["value"])
    except ValidationError as error:
        return _refusal_of(request, consultation, error)
    back = request.POST.get("next")
    target = (
        reverse("consultations_public:votes", kwargs={"token": token}) if back == "votes" else _page_url(consultation)
    )
    return _keep(request, redirect(target), consultation, secret)


@bearer_page
@require_GET
def votes(request: HttpRequest, token: str) -> HttpResponse:
    consultation = _consultation(request, token)
    participant = _participant(request, consultation)
    refusal = _gate(request, consultation, participant)
    if refusal is not None:
        return refusal
    voted = selectors.votes_of(participant) if participant else {}
    texts = dict(Statement.objects.filter(consultation=consultation, pk__in=voted).values_list("pk", "text"))
    rows = [(pk, texts[pk], VoteValue(value).label, value) for pk, value in voted.items() if pk in texts]
    context = {
        "consultation": consultation,
        "rows": sorted(rows),
        "is_open": consultation.status == Status.OPEN,
        "choices": VOTE_CHOICES,
    }
    return render(request, TEMPLATES + "votes.html", context)


@bearer_page
@require_POST
def statement_submit(request: HttpRequest, token: str) -> HttpResponse:
    consultation = _consultation(request, token)
    form = StatementForm(request.POST)
    if not form.is_valid():
        return _statement_refused(request, consultation, form)
    language = (translation.get_language() or "").split("-")[0]
    try:
        with transaction.atomic():
            participant, secret = _join(request, consultation)
            services.submit_statement(participant=participant, text=form.cleaned_data["text"], language=language)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            return _refusal_of(request, consultation, error)
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _statement_refused(request, consultation, form)
    if consultation.strict_moderation:
        messages.success(request, _("Thank you. Your statement will be shown to others once a moderator accepts it."))
    else:
        messages.success(request, _("Thank you. Your statement is shown to others while it waits for moderation."))
    return _keep(request, redirect(_page_url(consultation, anchor="add-statement")), consultation, secret)


def _statement_refused(request: HttpRequest, consultation: Consultation, form: StatementForm) -> HttpResponse:
    participant = _participant(request, consultation)
    refusal = _gate(request, consultation, participant)
    if refusal is not None:
        return refusal
    context = _context(request, consultation, participant, _invitation_token(request))
    if context["statement_form"] is None:
        return _refused(request, consultation, _("This consultation does not take statements now."), 410)
    context["statement_form"] = form
    return render(request, TEMPLATES + "participate.html", context, status=400)
