"""Idea-box pages: all ideas, submitting (with likely duplicates), one idea, deciding, "my ideas",
ideas waiting for an answer, the sponsor settings, and challenges with their scoring and ranking.

Pages that act on one idea look it up in the request's organisation first (404 for any other id)
and check the permission afterwards (403). The submitter of an anonymous idea is never put in a
page's context for anyone but themselves.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spaceforchange.core.tenancy import organization_of
from spaceforchange.core.views import add_service_errors
from spaceforchange.portfolio import challenge_selectors, export, idea_selectors, idea_services
from spaceforchange.portfolio.idea_forms import (
    AnswerDaysForm,
    ChallengeForm,
    DecisionForm,
    EvaluationForm,
    IdeaForm,
    SponsorForm,
)
from spaceforchange.portfolio.models import Idea, IdeaStatus
from spaceforchange.portfolio.views import PAGE_SIZE, person

SIMILAR_FIELDS = ("problem", "proposal")


def _allowed(request: HttpRequest, permission: str, obj: Any) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def idea_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    status = request.GET.get("status", "")
    status = status if status in IdeaStatus.values else ""
    ideas = idea_selectors.ideas_for(organization, status=status)
    page = Paginator(ideas, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "organization": organization,
        "page": page,
        "status": status,
        "statuses": IdeaStatus.choices,
        "can_manage": request.user.has_perm("portfolio.manage_idea_sponsors", organization),
    }
    return render(request, "portfolio/idea_list.html", context)


def _typed(data: Any) -> tuple[str, str]:
    title = str(data.get("title", ""))
    text = "\n".join(str(data.get(name, ""))[: idea_selectors.QUERY_MAX] for name in SIMILAR_FIELDS)
    return title, text


def idea_similar(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The likely duplicates of what is being typed: an htmx fragment, or a plain page without JavaScript."""
    organization = organization_of(request)
    title, text = _typed(request.GET)
    duplicates = idea_selectors.likely_duplicates(organization, title=title, text=text)
    context = {"organization": organization, "duplicates": duplicates}
    return render(request, "portfolio/idea_similar.html", context)


def idea_submit(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    _allowed(request, "portfolio.submit_idea", organization)
    form = IdeaForm(
        request.POST or None, organization=organization, initial={"challenge": request.GET.get("challenge")}
    )
    duplicates: list[idea_selectors.Duplicate] = []
    if request.method == "POST" and form.is_valid():
        title, text = _typed(form.cleaned_data)
        duplicates = idea_selectors.likely_duplicates(organization, title=title, text=text)
        if not duplicates or request.POST.get("confirmed") == "yes":
            try:
                idea = idea_services.submit_idea(
                    organization=organization, submitted_by=person(request), **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Thank you. Your idea was submitted."))
                return redirect("portfolio:idea", org_slug=organization.slug, idea_id=idea.pk)
    context = {"organization": organization, "form": form, "duplicates": duplicates}
    return render(request, "portfolio/idea_form.html", context)


def _submitter_shown(request: HttpRequest, idea: Idea) -> Any:
    """The submitter to show: nobody for an anonymous idea, except to the submitter themselves."""
    if idea.anonymous and idea.submitted_by_id != request.user.pk:
        return None
    return idea.submitted_by


def idea_detail(request: HttpRequest, org_slug: str, idea_id: int) -> HttpResponse:
    organization = organization_of(request)
    idea = idea_selectors.idea_detail(organization, idea_id)
    context = {
        "organization": organization,
        "idea": idea,
        "submitter": _submitter_shown(request, idea),
        "own": idea.submitted_by_id == request.user.pk,
        "supports": idea.supporters.filter(pk=request.user.pk).exists(),
        "can_join": idea.status in idea_services.OPEN_STATUSES and idea.submitted_by_id != request.user.pk,
        "can_decide": idea.status in idea_services.OPEN_STATUSES
        and request.user.has_perm("portfolio.decide_idea", idea),
        "can_evaluate": idea.challenge is not None
        and idea.status != IdeaStatus.MERGED
        and request.user.has_perm("portfolio.evaluate_challenge", idea.challenge),
    }
    return render(request, "portfolio/idea_detail.html", context)


def idea_join(request: HttpRequest, org_slug: str, idea_id: int) -> HttpResponse:
    organization = organization_of(request)
    idea = idea_selectors.idea_detail(organization, idea_id)
    if request.method == "POST":
        try:
            idea_services.join_idea(idea=idea, person=person(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("You now support this idea."))
    return redirect("portfolio:idea", org_slug=organization.slug, idea_id=idea.pk)


def idea_decide(request: HttpRequest, org_slug: str, idea_id: int) -> HttpResponse:
    organization = organization_of(request)
    idea = idea_selectors.idea_detail(organization, idea_id)
    _allowed(request, "portfolio.decide_idea", idea)
    form = DecisionForm(request.POST or None, idea=idea)
    if request.method == "POST" and form.is_valid():
        try:
            idea_services.decide_idea(idea=idea, actor=person(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("portfolio:idea", org_slug=organization.slug, idea_id=idea.pk)
    context = {"organization": organization, "idea": idea, "form": form}
    return render(request, "portfolio/idea_decide.html", context)


def my_ideas(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    context = {"organization": organization, "ideas": idea_selectors.my_ideas(organization, person(request))}
    return render(request, "portfolio/idea_mine.html", context)


def ideas_waiting(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Ideas without an answer, overdue first: all of them for leads, a sponsor's own for a sponsor."""
    organization = organization_of(request)
    see_all = request.user.has_perm("portfolio.view_all_waiting_ideas", organization)
    rows = idea_selectors.ideas_waiting(organization, sponsor=None if see_all else person(request))
    context = {
        "organization": organization,
        "rows": rows,
        "see_all": see_all,
        "answer_days": idea_selectors.answer_days(organization),
    }
    return render(request, "portfolio/idea_waiting.html", context)


def _sponsor_forms(request: HttpRequest, organization: Any) -> tuple[SponsorForm, AnswerDaysForm]:
    which = request.POST.get("form") if request.method == "POST" else None
    sponsor_form = SponsorForm(request.POST if which == "sponsor" else None, organization=organization)
    days_form = AnswerDaysForm(
        request.POST if which == "days" else None, initial={"answer_days": idea_selectors.answer_days(organization)}
    )
    return sponsor_form, days_form


def idea_sponsors(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    _allowed(request, "portfolio.manage_idea_sponsors", organization)
    sponsor_form, days_form = _sponsor_forms(request, organization)
    if sponsor_form.is_bound and sponsor_form.is_valid():
        try:
            idea_services.set_idea_sponsor(organization=organization, **sponsor_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(sponsor_form, error)
        else:
            messages.success(request, _("The sponsor was saved."))
            return redirect("portfolio:idea_sponsors", org_slug=organization.slug)
    if days_form.is_bound and days_form.is_valid():
        idea_services.set_answer_days(organization=organization, **days_form.cleaned_data)
        messages.success(request, _("The answer guarantee was saved."))
        return redirect("portfolio:idea_sponsors", org_slug=organization.slug)
    context = {
        "organization": organization,
        "sponsors": idea_selectors.sponsors_of(organization),
        "sponsor_form": sponsor_form,
        "days_form": days_form,
    }
    return render(request, "portfolio/idea_sponsors.html", context)


def idea_sponsor_remove(request: HttpRequest, org_slug: str, sponsor_id: int) -> HttpResponse:
    organization = organization_of(request)
    sponsor = get_object_or_404(idea_selectors.sponsors_of(organization), pk=sponsor_id)
    _allowed(request, "portfolio.manage_idea_sponsors", organization)
    if request.method == "POST":
        idea_services.remove_idea_sponsor(sponsor=sponsor)
        messages.success(request, _("The sponsor was removed."))
    return redirect("portfolio:idea_sponsors", org_slug=organization.slug)


def challenge_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    challenges = list(idea_selectors.challenges_for(organization))
    context = {
        "organization": organization,
        "rows": [(challenge, idea_selectors.challenge_open(challenge)) for challenge in challenges],
        "can_open": request.user.has_perm("portfolio.open_challenge", organization),
    }
    return render(request, "portfolio/idea_challenges.html", context)


def challenge_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    _allowed(request, "portfolio.open_challenge", organization)
    form = ChallengeForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = idea_services.open_challenge(
                organization=organization, actor=person(request), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The challenge is open."))
            return redirect("portfolio:challenge", org_slug=organization.slug, challenge_id=challenge.pk)
    return render(request, "portfolio/idea_challenge_form.html", {"organization": organization, "form": form})


def challenge_detail(request: HttpRequest, org_slug: str, challenge_id: int) -> HttpResponse:
    organization = organization_of(request)
    challenge = idea_selectors.challenge_detail(organization, challenge_id)
    can_evaluate = request.user.has_perm("portfolio.evaluate_challenge", challenge)
    context = {
        "organization": organization,
        "challenge": challenge,
        "is_open": idea_selectors.challenge_open(challenge),
        "ideas": idea_selectors.ideas_for(organization).filter(challenge=challenge),
        "can_evaluate": can_evaluate,
        "my_scores": challenge_selectors.my_scores(challenge, person(request)) if can_evaluate else {},
        "can_rank": request.user.has_perm("portfolio.view_challenge_ranking", challenge),
    }
    return render(request, "portfolio/idea_challenge.html", context)


def idea_evaluate(request: HttpRequest, org_slug: str, idea_id: int) -> HttpResponse:
    organization = organization_of(request)
    idea = idea_selectors.idea_detail(organization, idea_id)
    if idea.challenge is None:
        raise Http404
    _allowed(request, "portfolio.evaluate_challenge", idea.challenge)
    criteria = challenge_selectors.evaluation_criteria(organization, get_language())
    current = challenge_selectors.evaluation_of(idea, person(request))
    initial = {**current.scores, "comment": current.comment} if current is not None else {}
    # An empty POST (no radio chosen at all) must still be bound, so it is told what is missing.
    form = EvaluationForm(request.POST if request.method == "POST" else None, initial=initial, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            idea_services.evaluate_idea(
                idea=idea, evaluator=person(request), scores=form.scores(), comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your scores were saved."))
            return redirect("portfolio:challenge", org_slug=organization.slug, challenge_id=idea.challenge.pk)
    context = {"organization": organization, "idea": idea, "form": form, "criteria": criteria, "current": current}
    return render(request, "portfolio/idea_evaluate.html", context)


RANKING_DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", export.ranking_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.ranking_xlsx),
}


def challenge_ranking(request: HttpRequest, org_slug: str, challenge_id: int) -> HttpResponse:
    organization = organization_of(request)
    challenge = idea_selectors.challenge_detail(organization, challenge_id)
    _allowed(request, "portfolio.view_challenge_ranking", challenge)
    ranking = challenge_selectors.challenge_ranking(challenge, get_language())
    download = RANKING_DOWNLOADS.get(request.GET.get("format", ""))
    if download is not None:
        content_type, render_file = download
        response = HttpResponse(render_file(ranking), content_type=content_type)
        extension = request.GET["format"]
        response["Content-Disposition"] = f'attachment; filename="challenge-{challenge.pk}-ranking.{extension}"'
        return response
    context = {
        "organization": organization,
        "challenge": challenge,
        "ranking": ranking,
        "page": Paginator(ranking.rows, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "portfolio/idea_ranking.html", context)
