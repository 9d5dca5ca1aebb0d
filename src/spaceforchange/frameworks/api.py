"""REST endpoints of the frameworks app, mounted under /api/v1/ by spaceforchange.api.api.

Texts are returned in every language the pack has (``{"en": ..., "nb": ...}``); clients pick.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError

from spaceforchange.api.problems import Problem, problem_response
from spaceforchange.api.tenancy import organization_from
from spaceforchange.core.models import Organization
from spaceforchange.frameworks import selectors, services
from spaceforchange.frameworks.domain import to_yaml
from spaceforchange.frameworks.models import FrameworkPack, PackVersion
from spaceforchange.frameworks.schema import Framework, Instrument, Item, Pack, PackError

router = Router(tags=["frameworks"])

BASE = "/organizations/{org_slug}/frameworks"
KEY = Path(..., description="The pack's key, e.g. `space_for_change`.")
VERSION_ID = Path(..., description="The version's id (as listed by the versions endpoint).")


TEXT = 'A text in each language of the pack: `{"en": ..., "nb": ...}`.'


class FrameworkSummaryOut(Schema):
    """A framework as the organisation sees it: its override if it has one, else the shipped pack."""

    key: str = Field(description="The pack's key, used in the URLs below.")
    name: dict[str, str] = Field(description="The framework's name. " + TEXT)
    summary: dict[str, str] = Field(description="What the framework is for. " + TEXT)
    provenance: str = Field(description="source-text, source-summary, literature or working-model.")
    version: str = Field(description="The version the pack declares, e.g. `1.0.0`.")
    number: int = Field(description="The sequential number of the version in use.")
    version_id: int = Field(description="The id of the version in use; results store it.")
    overridden: bool = Field(description="Whether the organisation uses its own version of a shipped pack.")
    own: bool = Field(description="Whether the pack belongs to the organisation alone (no shipped original).")
    kinds: list[str] = Field(description="The kinds of item in the pack.")
    item_count: int = Field(description="Number of items.")
    instrument_count: int = Field(description="Number of instruments.")
    statement_count: int = Field(description="Number of statements over all instruments.")


class VersionOut(Schema):
    """One immutable version of a pack."""

    id: int = Field(description="The version's id.")
    key: str = Field(description="The pack's key.")
    number: int = Field(description="Sequential number within its pack (the shipped pack and an override count apart).")
    version: str = Field(description="The version the pack declares.")
    checksum: str = Field(description="sha256 of the validated content; equal checksums mean equal content.")
    source: str = Field(description="How it was created: `shipped`, `import` or `edit`.")
    shipped: bool = Field(description="Whether it is a version of the global library rather than the organisation's.")
    created_at: datetime = Field(description="When it was created.")
    created_by: str | None = Field(description="Who created it; null for shipped packs.")
    derived_from_id: int | None = Field(
        description="For an organisation's version: the shipped version it started from."
    )


class VersionDetailOut(VersionOut):
    """One version with its whole validated pack document."""

    document: Pack = Field(description="The pack, in the format of docs/reference/framework-packs.md.")


class FrameworkDetailOut(Schema):
    """A framework's version in use, with all its items and instruments."""

    key: str = Field(description="The pack's key.")
    overridden: bool = Field(description="Whether this is the organisation's own version of a shipped pack.")
    own: bool = Field(description="Whether the pack belongs to the organisation alone.")
    languages: list[str] = Field(description="The languages every text is written in.")
    current_version: VersionOut = Field(description="The version shown; results scored now record its id.")
    framework: Framework = Field(description="The framework's name, summary, provenance and sources.")
    items: list[Item] = Field(description="The framework's items, in file order.")
    instruments: list[Instrument] = Field(description="Survey instruments, each statement scored into an item.")


class ImportIn(Schema):
    """A pack to import, as YAML text."""

    # A default, so that a caller outside the organisation gets 404 before any body validation.
    yaml: str = Field("", description="The whole pack file as text (YAML); an empty text is refused.")
    file_name: str = Field("upload.yaml", max_length=200, description="A name for the file, used in error messages.")


class ImportOutcomeOut(Schema):
    """What the import did with one pack."""

    file: str = Field(description="The file name given.")
    created: bool = Field(description="Whether a new version was created (false: the content was unchanged).")
    version: VersionOut = Field(description="The version in use after the import.")


class PackErrorOut(Schema):
    """One problem in a pack, as the CLI prints it: ``file: path: message``."""

    loc: list[str | int] = Field(description="Where the problem is: `body`, `yaml`, then the path inside the pack.")
    msg: str = Field(description="What is wrong.")
    type: str = Field("pack_error", description="Always `pack_error`.")
    file: str = Field(description="The file name given in the request.")
    path: str = Field(description="The dotted path inside the pack, such as `items.3.name.nb`; empty for the file.")
    line: int | None = Field(None, description="The line in the YAML text, when known.")


class PackProblemOut(Problem):
    """The pack was refused: every problem is listed and nothing was imported."""

    errors: list[PackErrorOut] | None = Field(  # type: ignore[assignment]
        None, description="Every problem found in the pack, each with its file, path, line and message."
    )


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) is True else request.user


def _require(request: HttpRequest, organization: Organization, permission: str) -> None:
    if not _user(request).has_perm(f"frameworks.{permission}", organization):
        raise HttpError(403, _("Your roles in this organisation do not allow this."))


def _version_out(version: PackVersion, key: str) -> dict[str, Any]:
    return {
        "id": version.pk,
        "key": key,
        "number": version.number,
        "version": version.version,
        "checksum": version.checksum,
        "source": version.source,
        "shipped": version.organization_id is None,
        "created_at": version.created_at,
        "created_by": str(version.created_by) if version.created_by_id else None,
        "derived_from_id": version.derived_from_id,
    }


def _summary(row: FrameworkPack) -> dict[str, Any]:
    version = row.current_version
    assert version is not None  # effective packs always have one
    digest = version.digest
    return {
        "key": row.key,
        "name": digest.get("name", {}),
        "summary": digest.get("summary", {}),
        "provenance": digest.get("provenance", ""),
        "version": version.version,
        "number": version.number,
        "version_id": version.pk,
        "overridden": row.based_on_id is not None,
        "own": row.organization_id is not None and row.based_on_id is None,
        "kinds": sorted(digest.get("kinds", {})),
        "item_count": digest.get("item_count", 0),
        "instrument_count": digest.get("instrument_count", 0),
        "statement_count": digest.get("statement_count", 0),
    }


def _version(organization: Organization, key: str, version_id: int) -> PackVersion:
    try:
        version = selectors.pack_version(organization, version_id)
    except PackVersion.DoesNotExist as missing:
        raise HttpError(404, _("No such version.")) from missing
    if version.pack.key != key:
        raise HttpError(404, _("No such version."))
    return version


def _effective(organization: Organization, key: str) -> PackVersion:
    try:
        return selectors.effective_pack(organization, key)
    except PackVersion.DoesNotExist as missing:
        raise HttpError(404, _("No such framework.")) from missing


def _yaml_response(version: PackVersion, organization: Organization) -> HttpResponse:
    owner = "" if version.organization_id is None else f"-{organization.slug}"
    response = HttpResponse(to_yaml(version.content), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.pack.key}{owner}-v{version.number}.yaml"'
    return response


def _pack_error(error: PackError) -> dict[str, Any]:
    parts: list[str | int] = [int(part) if part.isdigit() else part for part in error.path.split(".") if part]
    return {
        "loc": ["body", "yaml", *parts],
        "msg": error.message,
        "type": "pack_error",
        "file": error.file,
        "path": error.path,
        "line": error.line,
    }


# Declared before the "{key}" routes so that "import" is never read as a pack key.
@router.post(
    f"{BASE}/import",
    response={201: list[ImportOutcomeOut], 400: PackProblemOut},
    summary="Import a pack (its YAML text in a JSON body); all or nothing",
    description="Administrators only. A pack with a shipped pack's key becomes the organisation's own version of "
    "it; a new key adds a pack for the organisation only; content equal to the current version creates nothing. "
    "A refused pack answers 400 with every problem in `errors` and imports nothing.",
)
def import_pack(request: HttpRequest, org_slug: str, payload: ImportIn) -> Any:
    organization = organization_from(request, org_slug)
    _require(request, organization, "import_pack")
    try:
        outcomes = services.import_packs(
            files=[(payload.file_name, payload.yaml)], organization=organization, user=_user(request)
        )
    except services.PackImportError as refused:
        detail = ngettext(
            "The pack was refused because of %(count)d problem; nothing was imported.",
            "The pack was refused because of %(count)d problems; nothing was imported.",
            len(refused.errors),
        ) % {"count": len(refused.errors)}
        return problem_response(request, 400, detail, [_pack_error(error) for error in refused.errors])
    created = [
        {
            "file": outcome.file,
            "created": outcome.created,
            "version": _version_out(outcome.version, outcome.version.pack.key),
        }
        for outcome in outcomes
    ]
    return Status(201, created)


@router.get(BASE, response=list[FrameworkSummaryOut], summary="List the frameworks the organisation sees")
def list_frameworks(request: HttpRequest, org_slug: str) -> Any:
    """Every framework the organisation sees, with the version in use. Any member."""
    organization = organization_from(request, org_slug)
    _require(request, organization, "view_library")
    return [_summary(row) for row in selectors.effective_packs(organization).values()]


@router.get(f"{BASE}/{{key}}", response=FrameworkDetailOut, summary="Get a framework's effective version")
def get_framework(request: HttpRequest, org_slug: str, key: str = KEY) -> Any:
    """The version in use of one framework (the organisation's override if it has one).

    With all its items and instruments. Any member.
    """
    organization = organization_from(request, org_slug)
    _require(request, organization, "view_library")
    version = _effective(organization, key)
    pack = version.content
    return {
        "key": key,
        "overridden": version.pack.based_on_id is not None,
        "own": version.organization_id is not None and version.pack.based_on_id is None,
        "languages": pack.languages,
        "current_version": _version_out(version, key),
        "framework": pack.framework,
        "items": pack.items,
        "instruments": pack.instruments,
    }


@router.get(f"{BASE}/{{key}}/export", summary="Export the effective version as YAML")
def export_framework(request: HttpRequest, org_slug: str, key: str = KEY) -> HttpResponse:
    """The version in use as a YAML pack file (`application/yaml`), ready to edit and import.

    Administrators, innovation leads and oversight.
    """
    organization = organization_from(request, org_slug)
    _require(request, organization, "export_pack")
    return _yaml_response(_effective(organization, key), organization)


@router.get(f"{BASE}/{{key}}/versions", response=list[VersionOut], summary="List a framework's versions")
def list_versions(request: HttpRequest, org_slug: str, key: str = KEY) -> Any:
    """Every version the organisation can read: its own first, then the shipped ones, newest first. Any member."""
    organization = organization_from(request, org_slug)
    _require(request, organization, "view_library")
    try:
        history = selectors.version_history(organization, key)
    except PackVersion.DoesNotExist as missing:
        raise HttpError(404, _("No such framework.")) from missing
    return [_version_out(version, key) for version in history.all]


@router.get(f"{BASE}/{{key}}/versions/{{version_id}}", response=VersionDetailOut, summary="Get one version")
def get_version(request: HttpRequest, org_slug: str, key: str = KEY, version_id: int = VERSION_ID) -> Any:
    """One version with its whole pack document. Old versions stay readable. Any member."""
    organization = organization_from(request, org_slug)
    _require(request, organization, "view_library")
    version = _version(organization, key, version_id)
    return {**_version_out(version, key), "document": version.content}


@router.get(f"{BASE}/{{key}}/versions/{{version_id}}/export", summary="Export one version as YAML")
def export_version(request: HttpRequest, org_slug: str, key: str = KEY, version_id: int = VERSION_ID) -> HttpResponse:
    """One version as a YAML pack file (`application/yaml`). Administrators, innovation leads and oversight."""
    organization = organization_from(request, org_slug)
    _require(request, organization, "export_pack")
    return _yaml_response(_version(organization, key, version_id), organization)
