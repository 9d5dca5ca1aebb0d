"""Reads of the framework library, each scoped to one organisation passed explicitly.

An organisation sees the global library (shipped packs) plus its own packs; where it has its
own pack with a shipped key (an override), that one is its *effective* pack. Versions of other
organisations are never returned: ``PackVersion.DoesNotExist`` is raised instead.

Later apps record the version they scored with::

    version = effective_pack(organization, "space_for_change")   # a PackVersion
    version.content.instruments                                   # the validated Pack
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from spaceforchange.core.models import Organization
from spaceforchange.frameworks.domain import (
    ItemView,
    PackDiff,
    PackView,
    Ref,
    diff_packs,
    digest_names,
    localize,
)
from spaceforchange.frameworks.models import FrameworkPack, PackVersion
from spaceforchange.frameworks.schema import Pack

_PARSED: OrderedDict[str, Pack] = OrderedDict()
_PARSED_LOCK = threading.Lock()
_PARSED_SIZE = 64


def parsed_pack(version: PackVersion) -> Pack:
    """The validated :class:`Pack` of a version. Versions never change, so parsing is cached by checksum."""
    with _PARSED_LOCK:
        if version.checksum in _PARSED:
            _PARSED.move_to_end(version.checksum)
            return _PARSED[version.checksum]
    pack = Pack.model_validate(version.document)
    with _PARSED_LOCK:
        _PARSED[version.checksum] = pack
        while len(_PARSED) > _PARSED_SIZE:
            _PARSED.popitem(last=False)
    return pack


def visible_packs(organization: Organization | None) -> QuerySet[FrameworkPack]:
    """The global library plus, when given, the organisation's own packs."""
    if organization is None:
        return FrameworkPack.objects.filter(organization__isnull=True)
    return FrameworkPack.objects.filter(Q(organization=organization) | Q(organization__isnull=True))


def visible_versions(organization: Organization | None) -> QuerySet[PackVersion]:
    if organization is None:
        return PackVersion.objects.filter(organization__isnull=True)
    return PackVersion.objects.filter(Q(organization=organization) | Q(organization__isnull=True))


def effective_packs(organization: Organization | None) -> dict[str, FrameworkPack]:
    """Key → the pack the organisation works with, its current version loaded without the document."""
    rows = (
        visible_packs(organization)
        .filter(current_version__isnull=False)
        .select_related("current_version")
        .defer("current_version__document")
        .order_by("key", "organization_id")
    )
    effective: dict[str, FrameworkPack] = {}
    for row in rows:
        if row.key not in effective or row.organization_id is not None:
            effective[row.key] = row
    return effective


def library_signature(organization: Organization) -> str:
    """Names the exact versions the organisation's library shows, in one light query.

    Versions never change, so anything rendered from them can be cached under this name. Plain
    SQL: it runs on every library request, and the ORM spent far longer building this query
    than the database spent answering it.
    """
    pack, version = FrameworkPack._meta.db_table, PackVersion._meta.db_table
    sql = f"""
        SELECT p.key, p.organization_id, p.based_on_id, v.id, v.checksum
        FROM {pack} p JOIN {version} v ON v.id = p.current_version_id
        WHERE p.organization_id = %s OR p.organization_id IS NULL
        ORDER BY p.key, p.organization_id
    """  # noqa: S608 -- table names come from the models; the value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [organization.pk])
        rows = cursor.fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:32]


def library_item_keys(organization: Organization | None) -> dict[str, set[str]]:
    """Pack key → its item keys, for checking ``pack:item`` references on import."""
    return {
        key: set(row.current_version.digest.get("items", {}))
        for key, row in effective_packs(organization).items()
        if row.current_version is not None
    }


def effective_pack(organization: Organization | None, key: str) -> PackVersion:
    """The version of pack ``key`` the organisation works with now: its override, else the shipped one.

    Raises ``PackVersion.DoesNotExist`` when the organisation has no such pack.
    """
    rows = list(
        visible_packs(organization)
        .filter(key=key, current_version__isnull=False)
        .select_related("current_version", "based_on")
        .order_by("organization_id")
    )
    own = [row for row in rows if row.organization_id is not None]
    if not rows:
        raise PackVersion.DoesNotExist(f"No framework pack {key!r}.")
    row = (own or rows)[0]
    assert row.current_version is not None  # filtered above
    version = row.current_version
    version.pack = row
    return version


def pack_version(organization: Organization | None, version_id: int) -> PackVersion:
    """A version the organisation may read (its own or a shipped one); else ``DoesNotExist``."""
    return visible_versions(organization).select_related("pack", "created_by").get(pk=version_id)


@dataclass(frozen=True)
class LibraryEntry:
    key: str
    name: str
    summary: str
    provenance: str
    version: str
    number: int
    version_id: int
    overridden: bool
    own: bool
    kinds: tuple[str, ...]
    item_count: int
    instrument_count: int
    statement_count: int
    provenance_counts: dict[str, int]


def _entry(row: FrameworkPack, language: str) -> LibraryEntry:
    version = row.current_version
    assert version is not None  # effective_packs only returns packs with a version
    digest = version.digest
    return LibraryEntry(
        key=row.key,
        name=version.name(language) or row.key,
        summary=_in(digest.get("summary", {}), language),
        provenance=digest.get("provenance", ""),
        version=version.version,
        number=version.number,
        version_id=version.pk,
        overridden=row.based_on_id is not None,
        own=row.organization_id is not None and row.based_on_id is None,
        kinds=tuple(digest.get("kinds", {})),
        item_count=digest.get("item_count", 0),
        instrument_count=digest.get("instrument_count", 0),
        statement_count=digest.get("statement_count", 0),
        provenance_counts=dict(digest.get("provenance_counts", {})),
    )


def _in(text: dict[str, str], language: str) -> str:
    return text.get(language) or text.get("en") or ""


def _haystack(row: FrameworkPack) -> str:
    digest = _digest(row)
    texts = [row.key, *digest.get("name", {}).values(), *digest.get("summary", {}).values()]
    for item_key, entry in digest.get("items", {}).items():
        texts += [item_key, *entry.get("name", {}).values()]
    return " ".join(texts).casefold()


@dataclass(frozen=True)
class LibraryPage:
    entries: list[LibraryEntry]
    kinds: list[str]
    total: int


def library(organization: Organization, *, language: str, query: str = "", kind: str = "") -> LibraryPage:
    """The frameworks the organisation sees, filtered by words (all must match) and item kind.

    ``kinds`` lists every item kind in the organisation's library, for the filter's choices.
    """
    rows = list(effective_packs(organization).values())
    words = query.casefold().split()
    matching = [
        row
        for row in rows
        if (not kind or kind in _digest(row).get("kinds", {})) and all(word in _haystack(row) for word in words)
    ]
    kinds = sorted({kind for row in rows for kind in _digest(row).get("kinds", {})})
    entries = sorted((_entry(row, language) for row in matching), key=lambda entry: entry.name.casefold())
    return LibraryPage(entries, kinds, len(rows))


def _digest(row: FrameworkPack) -> dict[str, Any]:
    return row.current_version.digest if row.current_version is not None else {}


@dataclass(frozen=True)
class FrameworkPage:
    version: PackVersion
    view: PackView
    is_current: bool
    overridden: bool
    names: dict[str, str]
    digests: dict[str, dict[str, Any]]


def framework_page(
    organization: Organization, key: str, *, language: str, version_id: int | None = None
) -> FrameworkPage:
    """One framework in one language: the effective version, or an older one by id."""
    current = effective_pack(organization, key)
    version = current
    if version_id is not None and version_id != current.pk:
        version = pack_version(organization, version_id)
        if version.pack.key != key:
            raise PackVersion.DoesNotExist(f"Version {version_id} is not a version of {key!r}.")
    digests = {name: _digest(row) for name, row in effective_packs(organization).items()}
    names = digest_names(digests, language)
    view = localize(version.content, language, names)
    overridden = current.pack.based_on_id is not None
    return FrameworkPage(version, view, version.pk == current.pk, overridden, names, digests)


@dataclass(frozen=True)
class ItemPage:
    framework: FrameworkPage
    item: ItemView
    children: list[ItemView]
    statements: list[Any]
    referred_by: list[Ref]


def item_page(organization: Organization, key: str, item_key: str, *, language: str) -> ItemPage:
    """One item of the effective version, with its children, statements and who refers to it."""
    page = framework_page(organization, key, language=language)
    item = page.view.item(item_key)
    if item is None:
        raise PackVersion.DoesNotExist(f"No item {item_key!r} in {key!r}.")
    target = f"{key}:{item_key}"
    referred_by = [
        Ref(f"{other.key}", key, other.key, other.name)
        for group in page.view.groups
        for other in group.items
        if item_key in [ref.ref for ref in other.links] + [ref.ref for ref in other.answered_by]
    ]
    for pack_key, digest in page.digests.items():
        for from_item, ref in digest.get("refs", []):
            if ref == target and pack_key != key:
                ref_key = f"{pack_key}:{from_item}"
                referred_by.append(
                    Ref(ref_key, pack_key, from_item, page.names.get(ref_key), page.names.get(pack_key), False)
                )
    children = page.view.children_of(item_key)
    return ItemPage(page, item, children, page.view.statements_scoring(item_key), referred_by)


@dataclass(frozen=True)
class History:
    key: str
    effective: PackVersion
    own: list[PackVersion]
    shipped: list[PackVersion]

    @property
    def all(self) -> list[PackVersion]:
        return [*self.own, *self.shipped]


def version_history(organization: Organization, key: str) -> History:
    """Every version of pack ``key`` the organisation can read, newest first, own ones apart."""
    effective = effective_pack(organization, key)
    versions = list(
        visible_versions(organization)
        .filter(pack__key=key)
        .select_related("pack", "created_by")
        .defer("document")
        .order_by("-number")
    )
    own = [version for version in versions if version.organization_id is not None]
    shipped = [version for version in versions if version.organization_id is None]
    if own and effective.pack.based_on_id is None:
        shipped = []  # the organisation's own pack, unrelated to a shipped one of the same key
    return History(key, effective, own, shipped)


@dataclass(frozen=True)
class Comparison:
    old: PackVersion
    new: PackVersion
    diff: PackDiff


def default_pair(history: History) -> tuple[PackVersion, PackVersion] | None:
    """What to compare when nothing is chosen: the effective version and the one before it."""
    effective = history.effective
    lineage = history.own if effective.organization_id is not None else history.shipped
    older = [version for version in lineage if version.number < effective.number]
    if older:
        return older[0], effective
    if history.shipped and effective.organization_id is not None:
        return history.shipped[0], effective
    return None


def compare_versions(organization: Organization, key: str, old_id: int, new_id: int, *, language: str) -> Comparison:
    """The differences between two readable versions of pack ``key``."""
    old = pack_version(organization, old_id)
    new = pack_version(organization, new_id)
    if old.pack.key != key or new.pack.key != key:
        raise PackVersion.DoesNotExist(f"Both versions must be versions of {key!r}.")
    return Comparison(old, new, diff_packs(old.content, new.content, language))
