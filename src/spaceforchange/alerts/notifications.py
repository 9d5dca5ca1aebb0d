"""Telling the responsible people about new warnings, by email, when they asked for it.

Responsible for every warning of an organisation are its innovation leads and initiative owners
(role ``owner``); for a warning about one subject also the people its subject kind names (an
initiative's owner). Of those, only active members who switched on "Email me new warnings" get
an email: one per person and evaluation, listing their new warnings, in the organisation's
default language. The pages list every warning for every member regardless.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from spaceforchange.alerts.models import Alert, AlertSubscription
from spaceforchange.alerts.registry import registry
from spaceforchange.alerts.subjects import subject_name
from spaceforchange.core.models import Membership, MembershipRole, Organization, Role, User
from spaceforchange.core.tasks import send_email

RESPONSIBLE_ROLES = (Role.INNOVATION_LEAD, Role.OWNER)


def responsible_for(organization: Organization, alerts: Iterable[Alert]) -> dict[int, list[Alert]]:
    """Person id → the given alerts they are responsible for (active members only)."""
    alerts = list(alerts)
    everyone = set(
        MembershipRole.objects.filter(
            organization=organization, role__in=RESPONSIBLE_ROLES, membership__is_active=True
        ).values_list("membership__user_id", flat=True)
    )
    per_subject = _subject_responsible(organization, alerts)
    extra_people: set[int] = set().union(*per_subject.values())
    active = set(
        Membership.objects.filter(organization=organization, is_active=True, user_id__in=extra_people).values_list(
            "user_id", flat=True
        )
    )
    found: dict[int, list[Alert]] = {}
    for alert in alerts:
        extra = per_subject.get((alert.subject_kind, alert.subject_id), set()) & active
        for person in sorted(everyone | extra):
            found.setdefault(person, []).append(alert)
    return found


def _subject_responsible(
    organization: Organization, alerts: Collection[Alert]
) -> dict[tuple[str, int | None], set[int]]:
    ids: dict[str, set[int]] = {}
    for alert in alerts:
        if alert.subject_id is not None:
            ids.setdefault(alert.subject_kind, set()).add(alert.subject_id)
    found: dict[tuple[str, int | None], set[int]] = {}
    for kind, wanted in ids.items():
        responsible = registry.subject(kind).responsible
        if responsible is not None:
            for subject_id, people in responsible(organization, wanted).items():
                found[(kind, subject_id)] = set(people)
    return found


def email_new_alerts(*, organization_id: int, alert_ids: Collection[int]) -> int:
    """Queue one email per subscribed responsible person; returns how many were queued."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    alerts = list(Alert.objects.filter(organization=organization, pk__in=alert_ids).order_by("pk"))
    by_person = responsible_for(organization, alerts)
    subscribed = set(
        AlertSubscription.objects.filter(
            organization=organization, email_new_alerts=True, user_id__in=by_person
        ).values_list("user_id", flat=True)
    )
    people = User.objects.filter(pk__in=subscribed, is_active=True).order_by("pk")
    with translation.override(organization.default_language or settings.LANGUAGE_CODE):
        for person in people:
            subject, body = _message(organization, by_person[person.pk])
            send_email.enqueue(subject=subject, body=body, recipients=[person.email])
    return len(people)


def _message(organization: Organization, alerts: list[Alert]) -> tuple[str, str]:
    from spaceforchange.alerts.selectors import rule_catalogue, rule_info
    from spaceforchange.frameworks.domain import language_of

    catalogue = rule_catalogue(organization, language=language_of(translation.get_language()))
    subject = ngettext(
        "%(count)d new warning in %(organization)s", "%(count)d new warnings in %(organization)s", len(alerts)
    ) % {"count": len(alerts), "organization": organization.name}
    lines = [
        _("New warnings were raised in %(organization)s:") % {"organization": organization.name},
        "",
        *(_line(organization, alert, rule_info(catalogue, alert.rule_key).name) for alert in alerts),
        "",
        _("You get this email because you asked for email about new warnings. Switch it off on the Warnings page:"),
        settings.SITE_URL + reverse("alerts:alerts", kwargs={"org_slug": organization.slug}),
    ]
    return subject, "\n".join(lines)


def _line(organization: Organization, alert: Alert, rule_name: str) -> str:
    url = settings.SITE_URL + reverse("alerts:alert", kwargs={"org_slug": organization.slug, "alert_id": alert.pk})
    fields: dict[str, Any] = {
        "rule": rule_name,
        "severity": alert.get_severity_display(),
        "subject": subject_name(alert.subject_kind, alert.subject_id, alert.subject_label),
    }
    return "- " + _("%(rule)s (%(severity)s): %(subject)s") % fields + f"\n  {url}"
