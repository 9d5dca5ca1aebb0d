"""Every write to consultations: the consultation itself, statements and their moderation, invitations, closing.

Staff writes are audited through the auditlog registration in ``apps``. What participants do —
joining, adding a statement, voting — runs in ``participant_services`` and leaves no audit entry: an entry
stores the request's address, which would tie a pseudonymous participant to a person. The opinion
map (``opinion_services``) and the Polis import (``polis_services``) are re-exported here so that every write is
reachable as ``services.<verb_noun>``. Every refusal is a ``ValidationError`` naming the field (or
with a ``code`` for a refused request) and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spaceforchange.consultations.models import (
    DESCRIPTION_MAX,
    LABEL_MAX,
    STATEMENT_MAX,
    TITLE_MAX,
    Access,
    Consultation,
    Invitation,
    Moderation,
    Statement,
)
from spaceforchange.consultations.opinion_services import recompute_opinion
from spaceforchange.consultations.participant_services import cast_vote, join_consultation, submit_statement
from spaceforchange.consultations.polis_services import import_polis_consultation
from spaceforchange.consultations.tasks import opinion_may_have_changed, policy_division_may_have_changed
from spaceforchange.core.models import Organization, User
from spaceforchange.policies.models import Policy
from spaceforchange.portfolio.models import Initiative

__all__ = [
    "add_statement",
    "cast_vote",
    "close_consultation",
    "create_consultation",
    "create_invitations",
    "import_polis_consultation",
    "join_consultation",
    "moderate_statement",
    "recompute_opinion",
    "submit_statement",
    "update_consultation",
]

Errors = dict[str, list[str]]
INVITATIONS_MAX = 1000
LANGUAGES_MAX = 10
EDITABLE = (
    "title",
    "description",
    "policy",
    "initiative",
    "opens_at",
    "closes_at",
    "access",
    "allow_participant_statements",
    "strict_moderation",
    "languages",
)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _check_length(errors: Errors, name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(name, []).append(
            _("At most %(limit)d characters; this has %(count)d.") % {"limit": limit, "count": len(value)}
        )


def _check_links(errors: Errors, organization: Organization, fields: Mapping[str, Any]) -> None:
    policy: Policy | None = fields.get("policy")
    if policy is not None and policy.organization_id != organization.pk:
        errors["policy"] = [_("The policy belongs to another organisation.")]
    initiative: Initiative | None = fields.get("initiative")
    if initiative is not None and initiative.organization_id != organization.pk:
        errors["initiative"] = [_("The initiative belongs to another organisation.")]


def _check_languages(errors: Errors, languages: Any) -> None:
    valid = isinstance(languages, list) and all(
        isinstance(code, str) and 2 <= len(code) <= 16 and code.replace("-", "").isalpha() for code in languages
    )
    if not valid:
        errors["languages"] = [_("Give language codes such as “en” or “nb”.")]
    elif len(languages) > LANGUAGES_MAX:
        errors["languages"] = [_("At most %(limit)d languages.") % {"limit": LANGUAGES_MAX}]


def _check_fields(organization: Organization, fields: Mapping[str, Any]) -> None:
    errors: Errors = {}
    if not fields["title"]:
        errors["title"] = [_("Write the question the consultation asks.")]
    _check_length(errors, "title", fields["title"], TITLE_MAX)
    _check_length(errors, "description", fields["description"], DESCRIPTION_MAX)
    _check_links(errors, organization, fields)
    if fields["access"] not in Access.values:
        errors["access"] = [_("Choose who may take part.")]
    opens_at, closes_at = fields["opens_at"], fields["closes_at"]
    if opens_at is None or timezone.is_naive(opens_at):
        errors["opens_at"] = [_("Give the date and time the consultation opens.")]
    elif closes_at is not None and (timezone.is_naive(closes_at) or closes_at <= opens_at):
        errors["closes_at"] = [_("The consultation must close after it opens.")]
    _check_languages(errors, fields["languages"])
    _raise(errors)


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    fields["title"] = str(fields.get("title") or "").strip()
    fields["description"] = str(fields.get("description") or "").strip()
    languages = fields.get("languages")
    if isinstance(languages, (list, tuple)):
        fields["languages"] = list(dict.fromkeys(str(code).strip() for code in languages if str(code).strip()))
    fields["allow_participant_statements"] = bool(fields.get("allow_participant_statements"))
    fields["strict_moderation"] = bool(fields.get("strict_moderation"))
    return fields


def _check_statement_text(errors: Errors, consultation: Consultation, text: str) -> None:
    if not text:
        errors["text"] = [_("Write the statement.")]
    _check_length(errors, "text", text, STATEMENT_MAX)
    if text and Statement.objects.filter(consultation=consultation, text__iexact=text).exists():
        errors.setdefault("text", []).append(_("This statement is already in the consultation."))


@transaction.atomic
def create_consultation(
    *,
    organization: Organization,
    title: str,
    description: str = "",
    policy: Policy | None = None,
    initiative: Initiative | None = None,
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
    access: str = Access.PUBLIC,
    allow_participant_statements: bool = True,
    strict_moderation: bool = False,
    languages: Sequence[str] = (),
    seed_statements: Iterable[str] = (),
    actor: User | None = None,
) -> Consultation:
    """Create a consultation (opening now unless ``opens_at`` says otherwise) with its seed statements.

    Who may create one (an innovation lead, or the manager of the linked policy) is checked by the
    caller with ``consultations.add_consultation_for``; the service checks that links stay in the
    organisation.
    """
    fields = _clean(
        {
            "title": title,
            "description": description,
            "policy": policy,
            "initiative": initiative,
            "opens_at": opens_at or timezone.now(),
            "closes_at": closes_at,
            "access": access,
            "allow_participant_statements": allow_participant_statements,
            "strict_moderation": strict_moderation,
            "languages": list(languages),
        }
    )
    _check_fields(organization, fields)
    seeds = _checked_seeds(seed_statements)
    consultation = Consultation.objects.create(organization=organization, created_by=actor, **fields)
    Statement.objects.bulk_create(
        Statement(
            organization=organization,
            consultation=consultation,
            text=text,
            is_seed=True,
            moderation=Moderation.ACCEPTED,
        )
        for text in seeds
    )
    return consultation


def _checked_seeds(seed_statements: Iterable[str]) -> list[str]:
    """The seed texts, stripped, blanks and repeats dropped; every too-long one reported by its position."""
    seeds = list(dict.fromkeys(text.strip() for text in seed_statements if text and text.strip()))
    errors = [
        _("Statement %(number)d: at most %(limit)d characters.") % {"number": number, "limit": STATEMENT_MAX}
        for number, text in enumerate(seeds, start=1)
        if len(text) > STATEMENT_MAX
    ]
    if errors:
        raise ValidationError({"seed_statements": errors})
    return seeds


@transaction.atomic
def update_consultation(*, consultation: Consultation, actor: User | None = None, **changes: Any) -> Consultation:
    """Change a consultation's question, description, links, dates, access, moderation or languages.

    A changed policy link or opening date can change which consultation a policy's tension index
    reads, so both the old and the new policy are recomputed.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
    current = {name: getattr(consultation, name) for name in EDITABLE}
    fields = _clean({**current, **changes})
    _check_fields(consultation.organization, fields)
    old_policy_id = consultation.policy_id
    for name in EDITABLE:
        setattr(consultation, name, fields[name])
    # Only the editable fields: the recomputation queue's claim may have changed meanwhile.
    consultation.save(update_fields=[*EDITABLE, "updated_at"])
    if old_policy_id != consultation.policy_id or current["opens_at"] != consultation.opens_at:
        policy_division_may_have_changed(consultation.organization_id, {old_policy_id, consultation.policy_id})
    if current["strict_moderation"] != consultation.strict_moderation:
        opinion_may_have_changed(consultation)
    return consultation


@transaction.atomic
def add_statement(*, consultation: Consultation, text: str, language: str = "", actor: User | None = None) -> Statement:
    """The consultation's lead adds a seed statement: accepted at once, shown to participants.

    Participants add theirs with ``submit_statement``, which goes to moderation.
    """
    value = text.strip()
    errors: Errors = {}
    _check_statement_text(errors, consultation, value)
    _check_length(errors, "language", language.strip(), 16)
    if consultation.status_at() == "closed":
        errors.setdefault("text", []).append(_("The consultation is closed."))
    _raise(errors)
    statement = Statement.objects.create(
        organization_id=consultation.organization_id,
        consultation=consultation,
        text=value,
        language=language.strip(),
        is_seed=True,
        moderation=Moderation.ACCEPTED,
    )
    return statement


@transaction.atomic
def moderate_statement(*, statement: Statement, moderation: str, actor: User | None = None) -> Statement:
    """Accept or reject a statement (again, to change the decision); rejected ones leave the opinion map."""
    if moderation not in (Moderation.ACCEPTED, Moderation.REJECTED, Moderation.PENDING):
        raise ValidationError({"moderation": [_("Choose to accept or reject the statement.")]})
    if statement.moderation != moderation:
        statement.moderation = moderation
        statement.save(update_fields=["moderation"])
        opinion_may_have_changed(statement.consultation)
    return statement


@transaction.atomic
def create_invitations(
    *, consultation: Consultation, count: int, label: str = "", actor: User | None = None
) -> list[Invitation]:
    """Create ``count`` personal links to the consultation, each labelled ``label`` (for the lead's own use)."""
    errors: Errors = {}
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= INVITATIONS_MAX:
        errors["count"] = [_("A whole number from 1 to %(limit)d.") % {"limit": INVITATIONS_MAX}]
    text = label.strip()
    _check_length(errors, "label", text, LABEL_MAX)
    if consultation.status_at() == "closed":
        errors["count"] = [_("The consultation is closed.")]
    _raise(errors)
    organization_id = consultation.organization_id
    # One by one, not bulk_create: each invitation is an audited staff action.
    return [
        Invitation.objects.create(organization_id=organization_id, consultation=consultation, label=text)
        for _number in range(count)
    ]


@transaction.atomic
def close_consultation(*, consultation: Consultation, actor: User | None = None) -> Consultation:
    """Close the consultation now (no more joining, statements or votes); its opinion map is recomputed once more."""
    now = timezone.now()
    if consultation.status_at(now) == "closed":
        raise ValidationError(_("The consultation is already closed."), code="closed")
    if consultation.opens_at > now:
        consultation.opens_at = now - datetime.timedelta(microseconds=1)
    consultation.closes_at = now
    consultation.save(update_fields=["opens_at", "closes_at", "updated_at"])
    opinion_may_have_changed(consultation)
    return consultation
