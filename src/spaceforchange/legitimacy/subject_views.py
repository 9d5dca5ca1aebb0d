"""The legitimacy pages of one subject (an initiative or a policy): heat map with the plan, log and
suggestions, the timeline, and the forms that record judgments, actions and tactics.

Every view serves both kinds of subject: the URL names the kind (``initiative`` or ``policy``)
and passes its id as ``initiative_id`` or ``policy_id``. The subject is looked up in the
request's organisation (404 otherwise) before the permission is checked (403).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spaceforchange.core.models import Organization
from spaceforchange.core.views import _attempt
from spaceforchange.legitimacy import domain, gray_zone_services, legitimation_services, selectors, services
from spaceforchange.legitimacy import subject_selectors as reads
from spaceforchange.legitimacy.forms import ActionDoneForm, ActionForm, JudgmentForm, TacticForm
from spaceforchange.legitimacy.models import GrayZoneStatus, Stakeholder
from spaceforchange.legitimacy.terms import Terms
from spaceforchange.legitimacy.timeline_chart import timeline_chart
from spaceforchange.legitimacy.views import _organization, _posted, person, terms_for
from spaceforchange.portfolio.services import today_in

# The weakest cells get suggestions on the page; a subject with hundreds of challenged cells would
# otherwise drown the page (and its reader) in near-identical rows.
SUGGESTIONS_SHOWN = 20
VIEW, RECORD, PROPOSE = "legitimacy.view_subject", "legitimacy.record_subject", "legitimacy.propose_tactic"


def subject_for(request: HttpRequest, kind: str, ids: dict[str, int], permission: str) -> tuple[Organization, Any]:
    organization = _organization(request)
    if kind == reads.INITIATIVE:
        subject: Any = selectors.initiative_of(organization, ids["initiative_id"])
    else:
        subject = selectors.policy_of(organization, ids["policy_id"])
    if not request.user.has_perm(permission, subject):
        raise PermissionDenied
    return organization, subject


def url_of(kind: str, name: str, subject: Any, **more: Any) -> str:
    suffix = f"_{name}" if name else ""
    return reverse(
        f"legitimacy:{kind}{suffix}",
        kwargs={"org_slug": subject.organization.slug, f"{kind}_id": subject.pk, **more},
    )


def subject_link(kind: str, subject: Any) -> str:
    """The subject's own page in its app (the policies app may not be mounted yet: then none)."""
    name = "portfolio:initiative" if kind == reads.INITIATIVE else "policies:policy"
    try:
        return reverse(name, kwargs={"org_slug": subject.organization.slug, f"{kind}_id": subject.pk})
    except NoReverseMatch:
        return ""


def _base(kind: str, subject: Any, organization: Organization) -> dict[str, Any]:
    return {
        "organization": organization,
        "subject": subject,
        "kind": kind,
        "page_url": url_of(kind, "", subject),
        "subject_url": subject_link(kind, subject),
    }


@dataclass(frozen=True)
class _Texts:
    """What every cell of one heat map shares: names, labels and link patterns, made once per page."""

    names: dict[str, str]
    judge: str
    risk: str
    judge_labels: dict[str, str]
    may_record: bool
    not_judged: str = field(default_factory=lambda: _("Not judged"))
    gray: str = field(default_factory=lambda: _("Gray zone"))
    gray_by_tactic: str = field(default_factory=lambda: _("Gray zone (tactic)"))


def _cell(cell: domain.HeatCell, judgment: Any, holder: Stakeholder, texts: _Texts) -> dict[str, Any]:
    by_tactic = domain.BY_TACTIC in cell.gray_zone_by
    conditions = [
        {
            "condition": c,
            "text": _("Condition: %(text)s (review %(date)s)")
            % {"text": Truncator(c.text).chars(60), "date": c.review_on.isoformat()},
            "risk_url": texts.risk.format(c.pk),
        }
        for c in (judgment.conditions.all() if judgment is not None else ())
    ]
    return {
        "type": cell.type,
        "state": cell.state or "",
        "css": cell.position or "none",
        "label": texts.names.get(cell.state, cell.state) if cell.state else texts.not_judged,
        "gray_label": (texts.gray_by_tactic if by_tactic else texts.gray) if cell.gray_zone else "",
        "gray_kind": " ".join(by for by in (domain.BY_STATE, domain.BY_TACTIC) if by in cell.gray_zone_by),
        "judgment_id": cell.judgment_id,
        "conditions": conditions,
        "judge_url": f"{texts.judge}?stakeholder={holder.pk}&type={cell.type}"
        if texts.may_record and holder.active
        else "",
        "judge_label": texts.judge_labels.get(cell.type, ""),
    }


def _pattern(url: str, segment: str) -> str:
    """A reversed URL made with id 0 in ``segment``, as a ``str.format`` pattern for any id."""
    return url.replace(f"/{segment}/0/", f"/{segment}/{{}}/")


def _cells(legitimacy: reads.SubjectLegitimacy, terms: Terms, kind: str, may_record: bool) -> list[dict[str, Any]]:
    """The heat map's rows as the template shows them, every text and link made here: a heat map may
    have hundreds of rows, and each template tag per cell costs more than the same work in Python."""
    subject, names = legitimacy.subject, terms.names
    texts = _Texts(
        names=names,
        judge=url_of(kind, "judge", subject),
        risk=_pattern(url_of(kind, "condition_risk", subject, condition_id=0), "conditions"),
        judge_labels={key: _("Judge %(type)s") % {"type": names.get(key, key)} for key in legitimacy.heat.types},
        may_record=may_record,
    )
    holder_url = _pattern(
        reverse("legitimacy:stakeholder", kwargs={"org_slug": subject.organization.slug, "stakeholder_id": 0}),
        "stakeholders",
    )
    rows = []
    for row in legitimacy.heat.rows:
        holder = legitimacy.stakeholders[row.stakeholder.id]
        cells = [_cell(cell, legitimacy.current.get(cell.judgment_id or 0), holder, texts) for cell in row.cells]
        hint = _("%(category)s · influence %(influence)d") % {
            "category": holder.get_category_display(),
            "influence": holder.influence,
        }
        rows.append({"stakeholder": holder, "url": holder_url.format(holder.pk), "hint": hint, "cells": cells})
    return rows


def _suggested(
    suggestions: list[domain.Suggestion], legitimacy: reads.SubjectLegitimacy, terms: Terms, action_url: str
) -> list[dict[str, Any]]:
    """The suggestions as the page shows them; each strategy links to a filled-in action form when
    ``action_url`` is given (the person may plan actions)."""
    name = terms.names.get
    shown = []
    for suggestion in suggestions:
        holder, kind = suggestion.cell[0], suggestion.cell[2]
        mode = suggestion.modes[0] if suggestion.modes else ""
        query = f"goal={suggestion.goal}&mode={mode}&stakeholder={holder}"
        shown.append(
            {
                "stakeholder": legitimacy.stakeholders[holder],
                "type_name": name(kind, kind),
                "state_name": name(suggestion.state or "", suggestion.state or ""),
                "goal_name": name(suggestion.goal, suggestion.goal),
                "modes": [name(m, m) for m in suggestion.modes],
                "strategies": [
                    {"name": name(s, s), "url": f"{action_url}?strategy={s}&{query}" if action_url else ""}
                    for s in suggestion.strategies
                ],
            }
        )
    return shown


@require_GET
def subject_page(request: HttpRequest, org_slug: str, kind: str, **ids: int) -> HttpResponse:
    """Heat map, tactics, legitimation plan and log, and suggestions per challenged cell."""
    organization, subject = subject_for(request, kind, ids, VIEW)
    terms = terms_for(organization)
    legitimacy = reads.subject_legitimacy(subject, terms)
    may_record = request.user.has_perm(RECORD, subject)
    suggestions, challenged = reads.suggestions_for(legitimacy, terms, limit=SUGGESTIONS_SHOWN)
    action_url = url_of(kind, "action_new", subject)
    suggested = _suggested(suggestions, legitimacy, terms, action_url if may_record else "")
    actions = list(reads.actions_for(subject))
    return render(
        request,
        "legitimacy/subject.html",
        {
            **_base(kind, subject, organization),
            "rows": _cells(legitimacy, terms, kind, may_record),
            "types": [(key, terms.name(key)) for key in legitimacy.heat.types],
            "states": terms.states,
            "tactics": legitimacy.tactics,
            "live_tactics": [t for t in legitimacy.tactics if t.status in reads.LIVE],
            "unapproved": legitimacy.unapproved,
            "suggestions": suggested,
            "more_challenged": challenged - len(suggested),
            "for_this_stakeholder": _("for this stakeholder"),
            "planned": [
                {"action": a, "done_url": url_of(kind, "action_done", subject, action_id=a.pk)}
                for a in actions
                if a.done_on is None
            ],
            "done": [a for a in actions if a.done_on is not None],
            "names": terms.names,
            "may_record": may_record,
            "may_propose": request.user.has_perm(PROPOSE, subject),
            "proposed": GrayZoneStatus.PROPOSED,
            "urls": {
                "judge": url_of(kind, "judge", subject),
                "timeline": url_of(kind, "timeline", subject),
                "action_new": action_url,
                "tactic_new": url_of(kind, "tactic_new", subject),
            },
        },
    )


def _form_page(
    request: HttpRequest,
    kind: str,
    subject: Any,
    organization: Organization,
    form: Any,
    write: Callable[[], Any],
    *,
    done: str,
    heading: str,
    button: str,
    **context: Any,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid() and _attempt(form, write):
        messages.success(request, done)
        return redirect(url_of(kind, "", subject))
    return render(
        request,
        "legitimacy/subject_form.html",
        {**_base(kind, subject, organization), "form": form, "heading": heading, "button": button, **context},
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def judge(request: HttpRequest, org_slug: str, kind: str, **ids: int) -> HttpResponse:
    organization, subject = subject_for(request, kind, ids, RECORD)
    terms = terms_for(organization)
    initial = {"stakeholder": _int(request.GET.get("stakeholder")), "legitimacy_type": request.GET.get("type", "")}
    form = JudgmentForm(_posted(request), organization=organization, terms=terms, initial=initial)
    return _form_page(
        request,
        kind,
        subject,
        organization,
        form,
        lambda: services.record_judgment(**{kind: subject}, actor=person(request), **form.judgment_arguments()),
        done=_("The judgment was recorded."),
        heading=_("Record a judgment"),
        button=_("Record the judgment"),
        states=terms.states,
    )


@require_GET
def timeline(request: HttpRequest, org_slug: str, kind: str, **ids: int) -> HttpResponse:
    organization, subject = subject_for(request, kind, ids, VIEW)
    terms = terms_for(organization)
    events = reads.timeline_for(subject, terms)
    names = reads.stakeholder_names(event.stakeholder_id for event in events)
    return render(
        request,
        "legitimacy/timeline.html",
        {
            **_base(kind, subject, organization),
            "events": events,
            "stakeholder_names": names,
            "names": terms.names,
            "chart": timeline_chart(events, terms),
        },
    )


def _targets(subject: Any) -> Any:
    return Stakeholder.objects.filter(reads.about_stakeholder(subject), active=True).order_by("name", "pk")


def action_new(request: HttpRequest, org_slug: str, kind: str, **ids: int) -> HttpResponse:
    organization, subject = subject_for(request, kind, ids, RECORD)
    terms = terms_for(organization)
    initial: dict[str, Any] = {key: request.GET.get(key, "") for key in ("strategy", "goal", "mode")}
    chosen = _int(request.GET.get("stakeholder"))
    initial["stakeholders"] = [chosen] if chosen else []
    form = ActionForm(
        _posted(request), organization=organization, terms=terms, targets=_targets(subject), initial=initial
    )
    return _form_page(
        request,
        kind,
        subject,
        organization,
        form,
        lambda: legitimation_services.plan_action(**{kind: subject}, actor=person(request), **form.cleaned_data),
        done=_("The action was added to the plan."),
        heading=_("Plan a legitimation action"),
        button=_("Add to the plan"),
    )


def action_done(request: HttpRequest, org_slug: str, kind: str, action_id: int, **ids: int) -> HttpResponse:
    organization, subject = subject_for(request, kind, ids, RECORD)
    action = reads.action_of(subject, action_id)
    form = ActionDoneForm(_posted(request), initial={"done_on": today_in(organization)})
    return _form_page(
        request,
        kind,
        subject,
        organization,
        form,
        lambda: legitimation_services.record_action_done(action=action, actor=person(request), **form.cleaned_data),
        done=_("The action was recorded as done."),
        heading=_("Record an action as done"),
        button=_("Record it as done"),
        action=action,
    )


@require_POST
def condition_risk(request: HttpRequest, org_slug: str, kind: str, condition_id: int, **ids: int) -> HttpResponse:
    _unused, subject = subject_for(request, kind, ids, RECORD)
    condition = reads.condition_of(subject, condition_id)
    at_risk = request.POST.get("at_risk", "1") == "1"
    services.mark_condition_at_risk(condition=condition, at_risk=at_risk, actor=person(request))
    messages.success(request, _("The condition was marked at risk.") if at_risk else _("The condition holds again."))
    return redirect(url_of(kind, "", subject))


def tactic_new(request: HttpRequest, org_slug: str, kind: str, **ids: int) -> HttpResponse:
    organization, subject = subject_for(request, kind, ids, PROPOSE)
    terms = terms_for(organization)
    form = TacticForm(_posted(request), organization=organization, terms=terms)
    return _form_page(
        request,
        kind,
        subject,
        organization,
        form,
        lambda: gray_zone_services.propose_tactic(**{kind: subject}, actor=person(request), **form.cleaned_data),
        done=_("The tactic was registered. It is not approved until a second person approves it."),
        heading=_("Register a gray-zone tactic"),
        button=_("Register the tactic"),
    )
