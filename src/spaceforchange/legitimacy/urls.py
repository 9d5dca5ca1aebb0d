"""Legitimacy pages, mounted at ``/o/<org_slug>/legitimacy/``.

The pages of one subject exist twice, for initiatives and for policies, with the same views: the
extra ``kind`` argument says which, and the id comes as ``initiative_id`` or ``policy_id``.
"""

from django.urls import URLPattern, path

from spaceforchange.legitimacy import gray_zone_views, subject_views, views

app_name = "legitimacy"


def _subject_patterns(kind: str, prefix: str) -> list[URLPattern]:
    ident = f"<int:{kind}_id>"
    kinds = {"kind": kind}
    return [
        path(f"{prefix}/{ident}/", subject_views.subject_page, kinds, name=kind),
        path(f"{prefix}/{ident}/judge/", subject_views.judge, kinds, name=f"{kind}_judge"),
        path(f"{prefix}/{ident}/timeline/", subject_views.timeline, kinds, name=f"{kind}_timeline"),
        path(f"{prefix}/{ident}/actions/new/", subject_views.action_new, kinds, name=f"{kind}_action_new"),
        path(
            f"{prefix}/{ident}/actions/<int:action_id>/done/",
            subject_views.action_done,
            kinds,
            name=f"{kind}_action_done",
        ),
        path(
            f"{prefix}/{ident}/conditions/<int:condition_id>/risk/",
            subject_views.condition_risk,
            kinds,
            name=f"{kind}_condition_risk",
        ),
        path(f"{prefix}/{ident}/tactics/new/", subject_views.tactic_new, kinds, name=f"{kind}_tactic_new"),
    ]


urlpatterns = [
    path("", views.overview, name="overview"),
    path("stakeholders/", views.stakeholder_list, name="stakeholders"),
    path("stakeholders/new/", views.stakeholder_create, name="stakeholder_create"),
    path("stakeholders/map/", views.stakeholder_map, name="stakeholder_map"),
    path("stakeholders/<int:stakeholder_id>/", views.stakeholder_detail, name="stakeholder"),
    path("stakeholders/<int:stakeholder_id>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path("stakeholders/<int:stakeholder_id>/archive/", views.stakeholder_archive, name="stakeholder_archive"),
    path("judgments/<int:judgment_id>/", views.judgment_redirect, name="judgment"),
    *_subject_patterns("initiative", "initiatives"),
    *_subject_patterns("policy", "policies"),
    path("gray-zone/", gray_zone_views.register, name="gray_zone"),
    path("gray-zone/<int:entry_id>/", gray_zone_views.entry_detail, name="gray_zone_entry"),
    path("gray-zone/<int:entry_id>/approve/", gray_zone_views.approve, name="gray_zone_approve"),
    path("gray-zone/<int:entry_id>/reject/", gray_zone_views.reject, name="gray_zone_reject"),
    path("gray-zone/<int:entry_id>/end/", gray_zone_views.end, name="gray_zone_end"),
]
