"""Every write to framework packs: imports, the shipped-pack sync, overrides and their edits.

Each function validates everything first and writes nothing when anything is wrong: a batch of
files is imported whole or not at all, and :class:`PackImportError` carries every error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from spaceforchange.core.models import Organization
from spaceforchange.frameworks import selectors
from spaceforchange.frameworks.domain import checksum_of, digest_of, document_of
from spaceforchange.frameworks.loader import LoadedPack, pack_files, read_files, validate_batch
from spaceforchange.frameworks.models import FrameworkPack, PackSource, PackVersion
from spaceforchange.frameworks.schema import Pack, PackError

SHIPPED_PACKS_DIR = Path(__file__).resolve().parent / "packs"


class PackImportError(Exception):
    """Packs were refused; ``errors`` lists every problem found (file, path, message)."""

    def __init__(self, errors: Sequence[PackError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one pack: the version now in force and whether it is new."""

    file: str
    version: PackVersion
    created: bool


def _max_bytes() -> int:
    return int(settings.SFC_MAX_PACK_BYTES)


def _validated(sources: Sequence[tuple[str, bytes | str]], organization: Organization | None) -> list[LoadedPack]:
    library = selectors.library_item_keys(organization)
    loaded, errors = validate_batch(sources, library=library, max_bytes=_max_bytes())
    if errors:
        raise PackImportError(errors)
    return loaded


def _new_version(
    row: FrameworkPack, pack: Pack, *, source: str, user: Any, derived_from: PackVersion | None = None
) -> PackVersion:
    number = (row.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = PackVersion.objects.create(
        organization=row.organization,
        pack=row,
        number=number,
        version=pack.version,
        document=document_of(pack),
        digest=digest_of(pack),
        checksum=checksum_of(pack),
        source=source,
        derived_from=derived_from,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    row.current_version = version
    row.save(update_fields=["current_version"])
    return version


def _baseline(row: FrameworkPack, source: str) -> PackVersion | None:
    """The version a new one is compared with to decide whether anything changed.

    The shipped sync compares with the last *shipped* version, so an operator's later import
    into the global library is not undone by re-syncing files that did not change.
    """
    if source == PackSource.SHIPPED:
        return row.versions.filter(source=PackSource.SHIPPED).order_by("-number").first()
    return row.current_version


def _store_global(entry: LoadedPack, *, source: str, user: Any) -> ImportOutcome:
    row, _created = FrameworkPack.objects.select_for_update().get_or_create(organization=None, key=entry.pack.key)
    baseline = _baseline(row, source)
    if baseline is not None and baseline.checksum == checksum_of(entry.pack):
        return ImportOutcome(entry.file, row.current_version or baseline, created=False)
    return ImportOutcome(entry.file, _new_version(row, entry.pack, source=source, user=user), created=True)


def _store_for_organization(entry: LoadedPack, organization: Organization, *, source: str, user: Any) -> ImportOutcome:
    key, checksum = entry.pack.key, checksum_of(entry.pack)
    own = FrameworkPack.objects.select_for_update().filter(organization=organization, key=key).first()
    if own is not None:
        if own.current_version is not None and own.current_version.checksum == checksum:
            return ImportOutcome(entry.file, own.current_version, created=False)
        derived = own.based_on.current_version if own.based_on else None
        return ImportOutcome(
            entry.file, _new_version(own, entry.pack, source=source, user=user, derived_from=derived), created=True
        )
    shipped = FrameworkPack.objects.filter(organization=None, key=key).select_related("current_version").first()
    shipped_version = shipped.current_version if shipped else None
    if shipped_version is not None and shipped_version.checksum == checksum:
        return ImportOutcome(entry.file, shipped_version, created=False)  # same as shipped: no override needed
    own = FrameworkPack.objects.create(organization=organization, key=key, based_on=shipped)
    version = _new_version(own, entry.pack, source=source, user=user, derived_from=shipped_version)
    return ImportOutcome(entry.file, version, created=True)


def _store(entry: LoadedPack, organization: Organization | None, *, source: str, user: Any) -> ImportOutcome:
    if organization is None:
        return _store_global(entry, source=source, user=user)
    return _store_for_organization(entry, organization, source=source, user=user)


def _write(
    loaded: list[LoadedPack], organization: Organization | None, *, source: str, user: Any
) -> list[ImportOutcome]:
    """Store every pack in one transaction; a concurrent writer's clash refuses the whole batch."""
    try:
        with transaction.atomic():
            return [_store(entry, organization, source=source, user=user) for entry in loaded]
    except IntegrityError as clash:
        message = "another change to the same pack was saved at the same moment; nothing was imported, try again"
        raise PackImportError([PackError(file=entry.file, path="", message=message) for entry in loaded]) from clash


def import_packs(
    *, files: Sequence[tuple[str, bytes | str]], organization: Organization | None = None, user: Any = None
) -> list[ImportOutcome]:
    """Import pack files (name, content) into an organisation, or the global library when None.

    For an organisation, a pack whose key is a shipped pack's becomes (a new version of) its
    override; an identical pack changes nothing. Raises :class:`PackImportError`.
    """
    return _write(_validated(files, organization), organization, source=PackSource.IMPORT, user=user)


def sync_shipped_packs(*, directory: Path | None = None) -> list[ImportOutcome]:
    """Bring the global library in line with the pack files shipped with the product.

    Unchanged files create nothing. Raises :class:`PackImportError` and writes nothing when any
    file is invalid.
    """
    folder = directory or SHIPPED_PACKS_DIR
    if not folder.is_dir():
        return []
    paths, errors = pack_files([folder])
    sources, read_errors = read_files(paths, max_bytes=_max_bytes())
    if errors or read_errors:
        raise PackImportError([*errors, *read_errors])
    return _write(_validated(sources, None), None, source=PackSource.SHIPPED, user=None)


@transaction.atomic
def create_override(*, organization: Organization, key: str, user: Any = None) -> PackVersion:
    """Give the organisation its own copy of a shipped pack, to edit without touching the original."""
    if FrameworkPack.objects.filter(organization=organization, key=key).exists():
        raise ValidationError(_("Your organisation already has its own version of this pack."))
    shipped = FrameworkPack.objects.filter(organization=None, key=key).select_related("current_version").first()
    if shipped is None or shipped.current_version is None:
        raise ValidationError(_("There is no shipped pack with the key %(key)s.") % {"key": key})
    base = shipped.current_version
    own = FrameworkPack.objects.create(organization=organization, key=key, based_on=shipped)
    version = PackVersion.objects.create(
        organization=organization,
        pack=own,
        number=1,
        version=base.version,
        document=base.document,
        digest=base.digest,
        checksum=base.checksum,
        source=PackSource.EDIT,
        derived_from=base,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    own.current_version = version
    own.save(update_fields=["current_version"])
    return version


def save_override_version(
    *, organization: Organization, key: str, text: str, user: Any = None, file_name: str = ""
) -> ImportOutcome:
    """Save edited YAML as the organisation's next version of pack ``key``.

    Creates the override on first save. The key inside the YAML must stay ``key``. Text that
    validates to the current content creates nothing. Raises :class:`PackImportError`.
    """
    name = file_name or f"{key}.yaml"
    if not selectors.visible_packs(organization).filter(key=key).exists():
        raise PackImportError([PackError(file=name, path="key", message=f"there is no pack {key!r} to edit")])
    loaded = _validated([(name, text)], organization)
    if loaded[0].pack.key != key:
        message = f"the key must stay {key!r}; import the file to add a new pack"
        raise PackImportError([PackError(file=name, path="key", message=message, line=loaded[0].line_of("key"))])
    return _write(loaded, organization, source=PackSource.EDIT, user=user)[0]
