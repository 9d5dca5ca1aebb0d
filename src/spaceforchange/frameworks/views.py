"""Pages of the framework library under ``/o/<org_slug>/frameworks/``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from spaceforchange.core.models import Organization
from spaceforchange.core.tenancy import organization_of
from spaceforchange.frameworks import selectors, services
from spaceforchange.frameworks.domain import language_of, to_yaml
from spaceforchange.frameworks.forms import CompareForm, LibraryFilterForm, PackTextForm, PackUploadForm
from spaceforchange.frameworks.loader import validate_batch
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.schema import PackError


def _allowed(request: HttpRequest, permission: str) -> Organization:
    organization = organization_of(request)
    if not request.user.has_perm(f"frameworks.{permission}", organization):
        raise PermissionDenied
    return organization


def _abilities(request: HttpRequest, organization: Organization) -> dict[str, bool]:
    return {
        f"can_{action}": request.user.has_perm(f"frameworks.{action}_pack", organization)
        for action in ("edit", "import", "export")
    }


def _language() -> str:
    return language_of(get_language())


@require_GET
def library(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = _allowed(request, "view_library")
    query, kind = request.GET.get("q", "").strip()[:200], request.GET.get("kind", "")[:64]
    # Built only when the template's fragment cache misses (see library.html).
    listing = SimpleLazyObject(lambda: _library_listing(organization, request.GET, query, kind))
    context = {
        "organization": organization,
        "listing": listing,
        "query": query,
        "kind": kind,
        "signature": selectors.library_signature(organization),
    }
    return render(request, "frameworks/library.html", {**context, **_abilities(request, organization)})


def _library_listing(organization: Organization, data: Any, query: str, kind: str) -> dict[str, Any]:
    page = selectors.library(organization, language=_language(), query=query, kind=kind)
    form = LibraryFilterForm(data or None, kinds=page.kinds)
    if form.is_bound and not form.is_valid():
        page = selectors.library(organization, language=_language(), query=query)
    return {"page": page, "form": form}


@require_GET
def framework(request: HttpRequest, org_slug: str, key: str, version_id: int | None = None) -> HttpResponse:
    organization = _allowed(request, "view_library")
    try:
        page = selectors.framework_page(organization, key, language=_language(), version_id=version_id)
    except PackVersion.DoesNotExist as missing:
        raise Http404(_("No such framework or version.")) from missing
    context = {"organization": organization, "page": page, "view": page.view, "version": page.version}
    return render(request, "frameworks/framework.html", {**context, **_abilities(request, organization)})


@require_GET
def item(request: HttpRequest, org_slug: str, key: str, item_key: str) -> HttpResponse:
    organization = _allowed(request, "view_library")
    try:
        page = selectors.item_page(organization, key, item_key, language=_language())
    except PackVersion.DoesNotExist as missing:
        raise Http404(_("No such item.")) from missing
    context = {"organization": organization, "page": page, "view": page.framework.view, "item": page.item}
    return render(request, "frameworks/item.html", context)


def _history(organization: Organization, key: str) -> selectors.History:
    try:
        return selectors.version_history(organization, key)
    except PackVersion.DoesNotExist as missing:
        raise Http404(_("No such framework.")) from missing


@require_GET
def versions(request: HttpRequest, org_slug: str, key: str) -> HttpResponse:
    organization = _allowed(request, "view_library")
    history = _history(organization, key)
    pair = selectors.default_pair(history)
    initial = {"old": pair[0].pk, "new": pair[1].pk} if pair else {}
    context = {
        "organization": organization,
        "history": history,
        "name": history.effective.name(_language()),
        "compare_form": CompareForm(initial=initial, versions=history.all),
    }
    return render(request, "frameworks/versions.html", {**context, **_abilities(request, organization)})


def _version_id(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise Http404(_("No such version."))
    return int(value)


@require_GET
def compare(request: HttpRequest, org_slug: str, key: str) -> HttpResponse:
    organization = _allowed(request, "view_library")
    history = _history(organization, key)
    old_id, new_id = _version_id(request.GET.get("old")), _version_id(request.GET.get("new"))
    if old_id is None or new_id is None:
        pair = selectors.default_pair(history)
        old_id, new_id = (pair[0].pk, pair[1].pk) if pair else (history.effective.pk, history.effective.pk)
    try:
        comparison = selectors.compare_versions(organization, key, old_id, new_id, language=_language())
    except PackVersion.DoesNotExist as missing:
        raise Http404(_("No such version.")) from missing
    context = {
        "organization": organization,
        "history": history,
        "name": history.effective.name(_language()),
        "comparison": comparison,
        "diff": comparison.diff,
        "compare_form": CompareForm(initial={"old": old_id, "new": new_id}, versions=history.all),
    }
    return render(request, "frameworks/compare.html", context)


def _saved_message(request: HttpRequest, outcome: services.ImportOutcome) -> None:
    if outcome.created:
        text = _("Saved as version %(number)s.") % {"number": outcome.version.number}
        messages.success(request, text)
    else:
        messages.info(request, _("Nothing changed: the pack is the same as the current version."))


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, org_slug: str, key: str) -> HttpResponse:
    organization = _allowed(request, "edit_pack")
    try:
        current = selectors.effective_pack(organization, key)
    except PackVersion.DoesNotExist as missing:
        raise Http404(_("No such framework.")) from missing
    errors: list[PackError] = []
    if request.method == "POST":
        form = PackTextForm(request.POST)
        if form.is_valid():
            try:
                outcome = services.save_override_version(
                    organization=organization, key=key, text=form.cleaned_data["text"], user=request.user
                )
            except services.PackImportError as refused:
                errors = refused.errors
            else:
                _saved_message(request, outcome)
                return redirect("frameworks:versions", org_slug=organization.slug, key=key)
    else:
        form = PackTextForm(initial={"text": to_yaml(current.content)})
    context = {"organization": organization, "version": current, "name": current.name(_language())}
    status = 400 if errors or form.errors else 200
    return render(request, "frameworks/edit.html", {**context, "form": form, "errors": errors}, status=status)


def _uploaded_sources(request: HttpRequest, files: list[Any]) -> tuple[list[tuple[str, bytes]], list[PackError]]:
    """Read the uploads, refusing oversized files before reading them."""
    limit = int(settings.SFC_MAX_PACK_BYTES)
    sources: list[tuple[str, bytes]] = []
    errors: list[PackError] = []
    for upload in files:
        if upload.size > limit:
            message = _("the file is %(size)s bytes; packs may be at most %(limit)s bytes") % {
                "size": upload.size,
                "limit": limit,
            }
            errors.append(PackError(file=upload.name, path="", message=message))
        else:
            sources.append((upload.name, upload.read()))
    return sources, errors


def _import(request: HttpRequest, organization: Organization, files: list[Any]) -> list[PackError]:
    sources, errors = _uploaded_sources(request, files)
    if errors:  # still check the other files, so every error shows at once; import nothing
        library = selectors.library_item_keys(organization)
        return errors + validate_batch(sources, library=library)[1]
    try:
        outcomes = services.import_packs(files=sources, organization=organization, user=request.user)
    except services.PackImportError as refused:
        return refused.errors
    created = sum(1 for outcome in outcomes if outcome.created)
    messages.success(
        request,
        _("%(created)s of %(total)s pack(s) imported as new versions; the others had not changed.")
        % {"created": created, "total": len(outcomes)},
    )
    return []


@require_http_methods(["GET", "POST"])
def import_packs(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = _allowed(request, "import_pack")
    errors: list[PackError] = []
    form = PackUploadForm(request.POST, request.FILES) if request.method == "POST" else PackUploadForm()
    if form.is_bound and form.is_valid():
        errors = _import(request, organization, form.cleaned_data["packs"])
        if not errors:
            return redirect("frameworks:library", org_slug=organization.slug)
    status = 400 if errors or form.errors else 200
    context = {"organization": organization, "form": form, "errors": errors}
    return render(request, "frameworks/import.html", context, status=status)


@require_GET
def export(request: HttpRequest, org_slug: str, version_id: int) -> HttpResponse:
    organization = _allowed(request, "export_pack")
    try:
        version = selectors.pack_version(organization, version_id)
    except PackVersion.DoesNotExist as missing:
        raise Http404(_("No such version.")) from missing
    owner = "" if version.organization_id is None else f"-{organization.slug}"
    response = HttpResponse(to_yaml(version.content), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.pack.key}{owner}-v{version.number}.yaml"'
    return response
