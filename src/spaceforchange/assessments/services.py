"""Every write to survey campaigns and the links they are answered by (answering: ``response_services``).

Each function takes keyword arguments only, runs in one transaction and raises ``ValidationError``
(keyed by field where there is one, with a ``code`` for refusals of a whole request) when the input
is refused; a refused call changes nothing. Link tokens are returned once and stored as hashes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from spaceforchange.assessments import domain
from spaceforchange.assessments.domain import Availability
from spaceforchange.assessments.models import Campaign, CampaignInvitation, CampaignStatus
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.core.selectors import organization_zone
from spaceforchange.core.tasks import send_email
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.schema import Pack
from spaceforchange.frameworks.selectors import effective_pack, effective_packs, parsed_pack
from spaceforchange.portfolio.models import Initiative

TITLE_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254

Errors = dict[str, list[str]]


def local_time(moment: datetime, organization: Organization) -> str:
    """A moment as the organisation's people read it, for messages to them."""
    return timezone.localtime(moment, organization_zone(organization)).strftime("%Y-%m-%d %H:%M")


# --- Campaigns ------------------------------------------------------------------------------


def _find_instrument(organization: Organization, instrument_key: str, pack_key: str | None) -> tuple[PackVersion, Pack]:
    if pack_key:
        try:
            candidates = {pack_key: effective_pack(organization, pack_key)}
        except PackVersion.DoesNotExist:
            raise ValidationError(
                {"pack_key": _("There is no framework pack %(pack)s.") % {"pack": pack_key}}
            ) from None
    else:
        rows = effective_packs(organization).items()
        candidates = {key: row.current_version for key, row in rows if row.current_version is not None}
    parsed = [(key, version, parsed_pack(version)) for key, version in candidates.items()]
    matches = [entry for entry in parsed if any(i.key == instrument_key for i in entry[2].instruments)]
    if not matches:
        message = (
            _("The pack %(pack)s has no instrument %(key)s.") if pack_key else _("No pack has an instrument %(key)s.")
        )
        raise ValidationError({"instrument_key": message % {"pack": pack_key, "key": instrument_key}})
    if len(matches) > 1:
        packs = ", ".join(sorted(key for key, _version, _pack in matches))
        message = _("Several framework packs have an instrument %(key)s (%(packs)s). Choose the pack.")
        raise ValidationError({"pack_key": message % {"key": instrument_key, "packs": packs}})
    _key, version, pack = matches[0]
    return version, pack


def _clean_title(title: str, errors: Errors) -> str:
    title = (title or "").strip()
    if not title:
        errors.setdefault("title", []).append(_("Give the campaign a title."))
    elif len(title) > TITLE_MAX_LENGTH:
        errors.setdefault("title", []).append(_("Use at most %(count)d characters.") % {"count": TITLE_MAX_LENGTH})
    elif "\x00" in title:
        errors.setdefault("title", []).append(_("The text contains a character that is not allowed."))
    return title


def _check_target(
    organization: Organization, unit: Unit | None, initiative: Initiative | None, include_subunits: bool, errors: Errors
) -> None:
    if unit is not None and initiative is not None:
        errors.setdefault("unit", []).append(_("Choose a unit or an initiative, not both."))
    if unit is not None and unit.organization_id != organization.pk:
        errors.setdefault("unit", []).append(_("The unit belongs to another organisation."))
    if initiative is not None and initiative.organization_id != organization.pk:
        errors.setdefault("initiative", []).append(_("The initiative belongs to another organisation."))
    if include_subunits and unit is None:
        errors.setdefault("include_subunits", []).append(_("Sub-units can only be included with a unit."))


def _check_window(opens_at: datetime, closes_at: datetime, errors: Errors) -> None:
    valid = True
    for field, moment in (("opens_at", opens_at), ("closes_at", closes_at)):
        if not isinstance(moment, datetime) or timezone.is_naive(moment):
            errors.setdefault(field, []).append(_("Give a date and time with its time zone."))
            valid = False
    if valid and closes_at <= opens_at:
        errors.setdefault("closes_at", []).append(_("The campaign must close after it opens."))


def _check_threshold(threshold: int, errors: Errors) -> None:
    low, high = domain.MIN_ANONYMITY_THRESHOLD, domain.MAX_ANONYMITY_THRESHOLD
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not low <= threshold <= high:
        message = _("Choose a threshold from %(min)d to %(max)d respondents.") % {"min": low, "max": high}
        errors.setdefault("anonymity_threshold", []).append(message)


def _clean_languages(languages: Sequence[str] | None, pack: Pack, errors: Errors) -> list[str]:
    offered = [code for code, _name in settings.LANGUAGES]
    if languages is None:
        return [code for code in offered if code in pack.languages]
    wanted = list(dict.fromkeys(languages))
    unknown = domain.unknown_languages(wanted, offered)
    untranslated = [code for code in domain.unknown_languages(wanted, pack.languages) if code not in unknown]
    if not wanted:
        errors.setdefault("languages", []).append(_("Choose at least one language."))
    if unknown:
        message = _("Unknown language: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
        errors.setdefault("languages", []).append(message)
    if untranslated:
        message = _("The instrument is not written in: %(codes)s.") % {"codes": ", ".join(untranslated)}
        errors.setdefault("languages", []).append(message)
    return wanted


def _check_creator(organization: Organization, created_by: User | None, errors: Errors) -> None:
    if created_by is not None and not created_by.memberships.filter(organization=organization, is_active=True).exists():
        errors.setdefault("created_by", []).append(_("The campaign's creator must be a member of the organisation."))


@transaction.atomic
def create_campaign(
    *,
    organization: Organization,
    created_by: User | None,
    title: str,
    instrument_key: str,
    unit: Unit | None = None,
    include_subunits: bool = False,
    initiative: Initiative | None = None,
    opens_at: datetime,
    closes_at: datetime,
    anonymous: bool = True,
    anonymity_threshold: int = domain.DEFAULT_ANONYMITY_THRESHOLD,
    languages: Sequence[str] | None = None,
    pack_key: str | None = None,
) -> Campaign:
    """A draft campaign of the instrument, for a unit, an initiative, or (neither given) the whole organisation.

    Without ``pack_key`` every pack the organisation uses is searched for the instrument.
    """
    version, pack = _find_instrument(organization, instrument_key, pack_key)
    errors: Errors = {}
    title = _clean_title(title, errors)
    _check_target(organization, unit, initiative, include_subunits, errors)
    _check_window(opens_at, closes_at, errors)
    _check_threshold(anonymity_threshold, errors)
    languages = _clean_languages(languages, pack, errors)
    _check_creator(organization, created_by, errors)
    if errors:
        raise ValidationError(errors)
    return Campaign.objects.create(
        organization=organization,
        title=title,
        pack_version=version,
        instrument_key=instrument_key,
        unit=unit,
        include_subunits=include_subunits,
        initiative=initiative,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymous=bool(anonymous),
        anonymity_threshold=anonymity_threshold,
        languages=languages,
        created_by=created_by,
    )


def _locked(campaign: Campaign) -> Campaign:
    # Re-read under a lock: another request may have opened or closed the campaign since.
    return Campaign.objects.select_for_update(of=("self",)).select_related("organization").get(pk=campaign.pk)


@transaction.atomic
def open_campaign(*, campaign: Campaign) -> Campaign:
    """Let respondents answer (from ``opens_at``); opening an open campaign changes nothing."""
    campaign = _locked(campaign)
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("A closed campaign cannot be opened again."), code="closed")
    if campaign.closes_at <= timezone.now():
        raise ValidationError(_("The campaign's closing time has passed, so it cannot be opened."), code="past")
    if campaign.status != CampaignStatus.OPEN:
        campaign.status = CampaignStatus.OPEN
        campaign.save(update_fields=["status"])
    return campaign


@transaction.atomic
def close_campaign(*, campaign: Campaign) -> Campaign:
    """Freeze the campaign: no answer is taken or changed afterwards. Closing twice changes nothing."""
    campaign = _locked(campaign)
    if campaign.status != CampaignStatus.CLOSED:
        campaign.status, campaign.closed_at = CampaignStatus.CLOSED, timezone.now()
        campaign.save(update_fields=["status", "closed_at"])
    return campaign


def _refuse_closed(campaign: Campaign) -> None:
    if campaign.availability() is Availability.CLOSED:
        raise ValidationError(_("The campaign is closed."), code="closed")


@transaction.atomic
def create_shared_link(*, campaign: Campaign, token: str | None = None) -> str:
    """A new shared link token for anyone to answer with; the previous shared link stops working.

    ``token`` is for a link that must stay the same across runs (the demo's); it must be as long as
    a random one. A closed campaign that held the same token gives it up, since it takes no answers.
    """
    campaign = _locked(campaign)
    _refuse_closed(campaign)
    if token is not None and len(token) < len(domain.new_token()):
        raise ValidationError(_("A shared link token must be at least as long as a random one."), code="short")
    token = token or domain.new_token()
    digest = domain.hash_token(token)
    holder = Campaign.objects.filter(shared_link_token_hash=digest).exclude(pk=campaign.pk).first()
    if holder is not None:
        if holder.availability() is not domain.Availability.CLOSED:
            raise ValidationError(_("Another campaign still answers to this link."), code="taken")
        Campaign.objects.filter(pk=holder.pk).update(shared_link_token_hash=None)
    campaign.shared_link_token_hash = digest
    campaign.save(update_fields=["shared_link_token_hash"])
    return token


# --- Invitations ----------------------------------------------------------------------------


def _clean_emails(emails: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    bad: list[str] = []
    for raw in emails:
        email = (raw or "").strip()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            bad.append(email)
            continue
        if len(email) > EMAIL_MAX_LENGTH:
            bad.append(email)
            continue
        cleaned.append(User.objects.normalize_email(email).lower())
    if bad:
        message = _("These are not valid email addresses: %(emails)s.") % {"emails": ", ".join(bad)}
        raise ValidationError({"emails": message})
    if not cleaned:
        raise ValidationError({"emails": _("Give at least one email address.")})
    return list(dict.fromkeys(cleaned))


@transaction.atomic
def invite_respondents(*, campaign: Campaign, emails: Sequence[str]) -> list[tuple[CampaignInvitation, str]]:
    """A personal link for each new address, with its token; addresses already invited are skipped."""
    wanted = _clean_emails(emails)
    campaign = _locked(campaign)  # two leads inviting the same address at once get one invitation
    _refuse_closed(campaign)
    invited = set(
        CampaignInvitation.objects.filter(campaign=campaign, email__in=wanted).values_list("email", flat=True)
    )
    created = []
    for email in wanted:
        if email in invited:
            continue
        token = domain.new_token()
        invitation = CampaignInvitation.objects.create(
            organization_id=campaign.organization_id,
            campaign=campaign,
            email=email,
            token_hash=domain.hash_token(token),
        )
        created.append((invitation, token))
    return created


def _invitation_message(campaign: Campaign, link: str) -> tuple[str, str]:
    organization = campaign.organization
    language = organization.default_language
    language = language if language in campaign.languages else campaign.languages[0]
    with translation.override(language):
        subject = _("Your views: %(title)s") % {"title": campaign.title}
        privacy = (
            _("Your answers are anonymous: results are shown only for groups of at least %(count)d people.")
            % {"count": campaign.anonymity_threshold}
            if campaign.anonymous
            else _("Your answers will be shown with your name.")
        )
        body = _(
            "%(organization)s asks for your views in the survey “%(title)s”.\n\n%(privacy)s\n\n"
            "Open your personal link to answer. You can save your answers and come back before you submit:\n"
            "%(link)s\n\nThe survey closes on %(closes)s. Please do not forward this link: it is yours alone."
        ) % {
            "organization": organization.name,
            "title": campaign.title,
            "privacy": privacy,
            "link": link,
            "closes": local_time(campaign.closes_at, organization),
        }
    return subject, body


@transaction.atomic
def send_invitation_emails(
    *,
    campaign: Campaign,
    invitations_with_tokens: Sequence[tuple[CampaignInvitation, str]],
    link_for: Callable[[str], str],
) -> int:
    """Mail each invitation that has an address its link (``link_for(token)``); returns how many are sent.

    The mails go out through a background task once the transaction commits, so a slow mail
    server holds up no page; the lead has the links from ``invite_respondents`` whatever happens to the mail.
    """
    campaign = _locked(campaign)
    _refuse_closed(campaign)
    if any(invitation.campaign_id != campaign.pk for invitation, _token in invitations_with_tokens):
        raise ValidationError(_("An invitation belongs to another campaign."), code="other_campaign")
    if any(invitation.token_hash != domain.hash_token(token) for invitation, token in invitations_with_tokens):
        raise ValidationError(_("A link does not match its invitation."), code="wrong_token")
    now = timezone.now()
    sent = 0
    for invitation, token in invitations_with_tokens:
        if not invitation.email:
            continue
        subject, body = _invitation_message(campaign, link_for(token))
        transaction.on_commit(partial(send_email.enqueue, subject=subject, body=body, recipients=[invitation.email]))
        invitation.sent_at = now
        invitation.save(update_fields=["sent_at"])
        sent += 1
    return sent
