"""The gray-zone register pages: the whole register, one entry with its events, and the decisions.

The register is for innovation leads, leaders and oversight; one entry is also for those who may
see its subject, its proposer and its accountable person. Approving, rejecting and ending are
POSTs from the entry's page; a refusal (say, the proposer approving their own tactic) shows the
page again with the reason and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spaceforchange.core.views import _attempt, paginate
from spaceforchange.legitimacy import gray_zone_selectors, gray_zone_services
from spaceforchange.legitimacy.forms import EndForm, NoteForm
from spaceforchange.legitimacy.models import GrayZoneEntry, GrayZoneStatus
from spaceforchange.legitimacy.views import _organization, person, terms_for

PAGE_SIZE = 25


@require_GET
def register(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = _organization(request)
    if not request.user.has_perm("legitimacy.view_gray_zone_register", organization):
        raise PermissionDenied
    status = request.GET.get("status", "")
    status = status if status in GrayZoneStatus.values else ""
    page, page_range = paginate(request, gray_zone_selectors.register_for(organization, status=status), PAGE_SIZE)
    return render(
        request,
        "legitimacy/gray_zone_list.html",
        {
            "organization": organization,
            "page": page,
            "page_range": page_range,
            "status": status,
            "statuses": GrayZoneStatus.choices,
            "names": terms_for(organization).names,
            "unapproved": gray_zone_selectors.unapproved_count(organization),
            "can_view_gray_zone": True,
        },
    )


def _entry(request: HttpRequest, entry_id: int) -> GrayZoneEntry:
    organization = _organization(request)
    entry = gray_zone_selectors.entry_detail(organization, entry_id)
    if not request.user.has_perm("legitimacy.view_gray_zone_entry", entry):
        raise PermissionDenied
    return entry


def _show(request: HttpRequest, entry: GrayZoneEntry, **forms: Any) -> HttpResponse:
    user = request.user
    live = entry.status in (GrayZoneStatus.PROPOSED, GrayZoneStatus.APPROVED)
    may_decide = entry.status == GrayZoneStatus.PROPOSED and user.has_perm("legitimacy.decide_tactic", entry)
    may_end = live and user.has_perm("legitimacy.end_tactic", entry)
    return render(
        request,
        "legitimacy/gray_zone_detail.html",
        {
            "organization": entry.organization,
            "entry": entry,
            "events": list(entry.events.all()),
            "names": terms_for(entry.organization).names,
            "may_decide": may_decide,
            "may_end": may_end,
            "decision_form": forms.get("decision_form") or NoteForm(),
            "end_form": forms.get("end_form") or EndForm(),
        },
        status=400 if forms else 200,
    )


@require_GET
def entry_detail(request: HttpRequest, org_slug: str, entry_id: int) -> HttpResponse:
    return _show(request, _entry(request, entry_id))


def _decide(request: HttpRequest, entry_id: int, *, approve: bool) -> HttpResponse:
    entry = _entry(request, entry_id)
    if not request.user.has_perm("legitimacy.decide_tactic", entry):
        raise PermissionDenied
    form = NoteForm(request.POST)
    service = gray_zone_services.approve_tactic if approve else gray_zone_services.reject_tactic
    if form.is_valid() and _attempt(
        form, lambda: service(entry=entry, actor=person(request), note=form.cleaned_data["note"])
    ):
        messages.success(request, _("The tactic was approved.") if approve else _("The tactic was rejected."))
        return redirect("legitimacy:gray_zone_entry", org_slug=entry.organization.slug, entry_id=entry.pk)
    return _show(request, entry, decision_form=form)


@require_POST
def approve(request: HttpRequest, org_slug: str, entry_id: int) -> HttpResponse:
    return _decide(request, entry_id, approve=True)


@require_POST
def reject(request: HttpRequest, org_slug: str, entry_id: int) -> HttpResponse:
    return _decide(request, entry_id, approve=False)


@require_POST
def end(request: HttpRequest, org_slug: str, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    if not request.user.has_perm("legitimacy.end_tactic", entry):
        raise PermissionDenied
    form = EndForm(request.POST)
    if form.is_valid() and _attempt(
        form, lambda: gray_zone_services.end_tactic(entry=entry, actor=person(request), **form.cleaned_data)
    ):
        messages.success(request, _("The tactic was ended."))
        return redirect("legitimacy:gray_zone_entry", org_slug=entry.organization.slug, entry_id=entry.pk)
    return _show(request, entry, end_form=form)
