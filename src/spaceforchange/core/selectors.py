"""Reads of organisations, units, members, invitations and the audit log, shaped for pages and the API.

Every selector takes the organisation explicitly and chooses its own joins, so a page costs a
fixed number of queries however many rows it shows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from auditlog import get_logentry_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import CharField, Count, Max, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim
from django.utils import timezone

from spaceforchange.core.audit import audited_models
from spaceforchange.core.models import (
    Invitation,
    InvitationStatus,
    Membership,
    MembershipRole,
    Organization,
    Role,
    Unit,
    User,
)

# --- Units ----------------------------------------------------------------------------------


@dataclass
class UnitNode:
    unit: Unit
    depth: int
    member_count: int = 0
    children: list[UnitNode] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.children and self.member_count == 0


def unit_tree(organization: Organization) -> list[UnitNode]:
    """The organisation's units as a forest of nodes, sorted by name, with active member counts (one query)."""
    units = (
        Unit.objects.filter(organization=organization)
        .annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by("name", "pk")
    )
    nodes = {unit.pk: UnitNode(unit=unit, depth=0, member_count=unit.member_count) for unit in units}
    roots: list[UnitNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id) if node.unit.parent_id else None
        (parent.children if parent else roots).append(node)
    _set_depths(roots, 0)
    return roots


def _set_depths(nodes: list[UnitNode], depth: int) -> None:
    stack = [(node, depth) for node in nodes]
    while stack:
        node, level = stack.pop()
        node.depth = level
        stack.extend((child, level + 1) for child in node.children)


def walk(nodes: list[UnitNode]) -> Iterator[UnitNode]:
    """Depth-first, in display order."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def unit_choices(organization: Organization, *, exclude: set[int] | None = None) -> list[tuple[int, str]]:
    """(id, label) pairs for a select, indented by depth so the tree stays readable."""
    exclude = exclude or set()
    return [
        (node.unit.pk, "\u2014 " * node.depth + node.unit.name)
        for node in walk(unit_tree(organization))
        if node.unit.pk not in exclude
    ]


def unit_of(organization: Organization, unit_id: Any) -> Unit | None:
    """The organisation's unit with this id, or None (also for another organisation's id)."""
    return Unit.objects.filter(organization=organization, pk=unit_id).select_related("organization", "parent").first()


def descendant_ids(unit: Unit) -> set[int]:
    """The ids of every unit below ``unit`` (one query for the whole organisation's tree)."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in Unit.objects.filter(organization_id=unit.organization_id).values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(unit_id)
    found: set[int] = set()
    stack = list(children.get(unit.pk, []))
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


# --- Members --------------------------------------------------------------------------------

MEMBER_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("sort_name", "pk"),
    "-name": ("-sort_name", "-pk"),
    "email": ("user__email", "pk"),
    "-email": ("-user__email", "-pk"),
    "unit": ("unit__name", "sort_name", "pk"),
    "-unit": ("-unit__name", "sort_name", "pk"),
    "joined": ("joined_at", "pk"),
    "-joined": ("-joined_at", "-pk"),
}


def _sort_name() -> Any:
    """What ``User.__str__`` shows, lower-cased, so the list sorts the way it reads."""
    full_name = NullIf(
        Trim(Concat("user__first_name", Value(" "), "user__last_name", output_field=CharField())), Value("")
    )
    return Lower(Coalesce(NullIf("user__display_name", Value("")), full_name, "user__email", output_field=CharField()))


def member_list(
    organization: Organization,
    *,
    query: str = "",
    role: str = "",
    unit: Unit | None = None,
    status: str = "active",
    sort: str = "name",
) -> QuerySet[Membership]:
    """Memberships matching the filters, with person, unit and roles loaded."""
    members = Membership.objects.filter(organization=organization)
    if status == "active":
        members = members.filter(is_active=True)
    elif status == "inactive":
        members = members.filter(is_active=False)
    for word in query.split():
        members = members.filter(
            Q(user__email__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__display_name__icontains=word)
        )
    if role:
        members = members.filter(roles__role=role)
    if unit is not None:
        members = members.filter(unit_id__in={unit.pk} | descendant_ids(unit))
    return (
        members.annotate(sort_name=_sort_name())
        .select_related("user", "unit")
        .prefetch_related("roles")
        .order_by(*MEMBER_SORTS.get(sort, MEMBER_SORTS["name"]))
    )


def member_of(organization: Organization, membership_id: Any) -> Membership | None:
    return (
        Membership.objects.filter(organization=organization, pk=membership_id)
        .select_related("user", "unit", "organization")
        .prefetch_related("roles")
        .first()
    )


# --- Organisation overview ------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationSummary:
    unit_count: int
    member_count: int
    role_counts: list[tuple[str, Any, int]]  # (role, translatable label, active members holding it)
    pending_invitations: int | None

    @property
    def figures(self) -> tuple[Any, ...]:
        """Every number the summary shows, for keys of cached renderings of it."""
        counts = tuple((role, count) for role, _label, count in self.role_counts)
        return (self.unit_count, self.member_count, self.pending_invitations, counts)


def organization_summary(organization: Organization, *, include_invitations: bool) -> OrganizationSummary:
    """The dashboard's figures in one round trip of plain SQL.

    The dashboard is the page people open most; building its five counting queries through
    the ORM cost several times more than running them, so the counts are one statement.
    """
    now = timezone.now()
    # One scalar subquery per role, so the whole summary is a single round trip.
    role_sql = ", ".join(
        f"""(SELECT COUNT(*) FROM {MembershipRole._meta.db_table} r
             JOIN {Membership._meta.db_table} m ON m.id = r.membership_id
             WHERE r.organization_id = %s AND m.is_active = %s AND r.role = %s)"""  # noqa: S608
        for _role in Role.values
    )
    sql = f"""
        SELECT
          (SELECT COUNT(*) FROM {Unit._meta.db_table} WHERE organization_id = %s),
          (SELECT COUNT(*) FROM {Membership._meta.db_table} WHERE organization_id = %s AND is_active = %s),
          (SELECT COUNT(*) FROM {Invitation._meta.db_table} WHERE organization_id = %s AND revoked_at IS NULL
             AND accepted_at IS NULL AND expires_at > %s),
          {role_sql}
    """  # noqa: S608 -- table names come from the models; every value is a parameter
    params: list[Any] = [organization.pk, organization.pk, True, organization.pk, now]
    for role in Role.values:
        params += [organization.pk, True, role]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        unit_count, member_count, pending, *role_figures = cursor.fetchone()
    counts = dict(zip(Role.values, role_figures, strict=True))
    return OrganizationSummary(
        unit_count=unit_count,
        member_count=member_count,
        # Labels stay lazy: they are translated when shown, not when a cached rendering is used.
        role_counts=[(role, label, counts.get(role, 0)) for role, label in Role.choices],
        pending_invitations=pending if include_invitations else None,
    )


# --- Invitations ----------------------------------------------------------------------------


def _invitation_status_filter(status: str, now: datetime.datetime) -> Q:
    open_ = Q(revoked_at__isnull=True, accepted_at__isnull=True)
    filters: dict[str, Q] = {
        InvitationStatus.PENDING: open_ & Q(expires_at__gt=now),
        InvitationStatus.EXPIRED: open_ & Q(expires_at__lte=now),
        InvitationStatus.ACCEPTED: Q(revoked_at__isnull=True, accepted_at__isnull=False),
        InvitationStatus.REVOKED: Q(revoked_at__isnull=False),
    }
    return filters.get(status, Q())


def invitation_list(organization: Organization, *, status: str = "") -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(organization=organization)
        .filter(_invitation_status_filter(status, timezone.now()))
        .select_related("unit", "created_by", "accepted_by")
        .order_by("-created_at", "-pk")
    )


def invitation_of(organization: Organization, invitation_id: Any) -> Invitation | None:
    return Invitation.objects.filter(organization=organization, pk=invitation_id).select_related("organization").first()


# --- Audit log ------------------------------------------------------------------------------


def organization_zone(organization: Organization) -> datetime.tzinfo:
    try:
        return ZoneInfo(organization.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def audit_entries(
    organization: Organization,
    *,
    actor: User | None = None,
    content_type: ContentType | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Any]:
    """This organisation's audit entries, newest first; dates are whole days in its time zone."""
    entries = get_logentry_model().objects.filter(sfc_scope__organization_id=organization.pk)
    if actor is not None:
        entries = entries.filter(actor=actor)
    if content_type is not None:
        entries = entries.filter(content_type=content_type)
    zone = organization_zone(organization)
    if date_from is not None:
        entries = entries.filter(timestamp__gte=datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone))
    if date_to is not None:
        next_day = date_to + datetime.timedelta(days=1)
        entries = entries.filter(timestamp__lt=datetime.datetime.combine(next_day, datetime.time.min, tzinfo=zone))
    return entries.select_related("actor", "content_type").order_by("-timestamp", "-pk")


def audit_people(organization: Organization) -> QuerySet[User]:
    """Everyone who is or was a member: the people whose actions the audit page can filter on."""
    return User.objects.filter(memberships__organization=organization).order_by("email").distinct()


def audit_content_types() -> list[ContentType]:
    types = ContentType.objects.get_for_models(*audited_models())
    return sorted(types.values(), key=content_type_label)


def content_type_label(content_type: ContentType) -> str:
    """The model's readable name ("Unit", "Membership"), or the bare model name for a removed model."""
    model = content_type.model_class()
    return str(model._meta.verbose_name).capitalize() if model is not None else content_type.model


# Longer than any transaction that writes the rows a ``change_marker`` watches.
CHANGE_WINDOW = datetime.timedelta(minutes=10)


def change_marker(queryset: QuerySet[Any]) -> str:
    """The latest change of the rows and how many changed in the window before it, from the index alone.

    Pages that keep a computed result per process (the portfolio's figures, the duplicate index,
    the legitimacy ranking) compare this marker to know whether the rows changed. A new or edited
    row moves the latest change; a row written in a transaction that commits after a later one
    (so its time is not the latest) and a recent row deleted move the count of recent changes.
    Deleting an old row is not caught: none of the watched rows is deleted except with its
    organisation. The rows need an ``updated_at`` that every save moves.
    """
    latest = queryset.aggregate(latest=Max("updated_at"))["latest"]
    if latest is None:
        return "0"
    recent = queryset.filter(updated_at__gte=latest - CHANGE_WINDOW).count()
    return f"{latest.timestamp()}:{recent}"
