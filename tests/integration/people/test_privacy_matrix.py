"""Privacy of individual archetypes: a permission matrix over every role and the respondent, and
threshold suppression of ``archetype_mix`` tested with hypothesis.

The rule (issue #8): only the person who answered ever sees their archetype, on their own
thank-you page reached with their own resume token. No selector, whoever calls it, returns a
group small enough to single anyone out.
"""

from __future__ import annotations

import pytest
import rules
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spaceforchange.analytics.people.archetypes import Placement
from spaceforchange.assessments.models import Response
from spaceforchange.people import selectors, services
from tests.factories import make_member, make_unit
from tests.integration.people.conftest import answer, archetype_answers, make_archetype_campaign, make_team

pytestmark = pytest.mark.django_db

ROLES = ("member", "owner", "innovation_lead", "leader", "oversight", "admin")
THRESHOLD = 3

# Who can read one person's archetype, and through which channel: (selectors, thank-you page).
EXPECTED = {role: (False, False) for role in ROLES} | {"respondent": (False, True)}


@pytest.fixture
def scene(organization):
    """The respondent is alone in their unit and their team; three colleagues elsewhere answered too."""
    alone_unit, others_unit = make_unit(organization, "Alone"), make_unit(organization, "Others")
    team = make_team(organization, "Solo")
    respondent = make_member(organization, unit=alone_unit).user
    services.add_team_member(team=team, user=respondent, actor=None)
    campaign = make_archetype_campaign(organization, threshold=THRESHOLD)
    _response, resume = answer(campaign, archetype_answers("revolutionist"), respondent)
    for _index in range(3):
        answer(campaign, archetype_answers("magistrate"), make_member(organization, unit=others_unit).user)
    return {"campaign": campaign, "team": team, "unit": alone_unit, "respondent": respondent, "resume": resume}


def selector_outputs(organization, scene):
    """Every mix any selector of the people app returns: (where, group key, GroupMix)."""
    campaign, team = scene["campaign"], scene["team"]
    found = []
    for by in (None, "unit", "team"):
        report = selectors.archetype_mix(campaign, by=by)
        found.append((f"archetype_mix by {by}", "total", report.total))
        found += [(f"archetype_mix by {by}", group.key, group.mix) for group in report.groups]
    composition = selectors.team_composition(team, campaign)
    found += [
        ("team_composition", "team", composition.team_mix),
        ("team_composition", "total", composition.organization_mix),
    ]
    return found


def individual_visible_through_selectors(organization, scene) -> bool:
    unit_key, team_key = str(scene["unit"].pk), str(scene["team"].pk)
    for _where, key, mix in selector_outputs(organization, scene):
        if mix is None or mix.suppressed:
            continue
        if key in (unit_key, team_key, "team") or (mix.respondents or 0) < THRESHOLD:
            return True
    # The unit rules never judge a hidden unit, so no warning names its mix either.
    if any(entry.unit_id == scene["unit"].pk for entry in selectors.unit_mixes(organization)):
        return True
    # Team pages show records, never answers.
    detail = selectors.team_detail(scene["team"])
    texts = repr(detail) + repr(selectors.teams_overview(organization))
    return "revolutionist" in texts.lower()


def individual_visible_on_thank_you_page(client, viewer, scene, is_respondent) -> bool:
    client.force_login(viewer)
    token = scene["resume"] if is_respondent else "not-their-token"
    page = client.get(reverse("respond:done", kwargs={"resume_token": token}))
    return page.status_code == 200 and "Your innovator archetype: Revolutionist" in page.content.decode()


@pytest.mark.parametrize("who", [*ROLES, "respondent"])
def test_only_the_respondent_reads_their_archetype_and_only_on_their_own_thank_you_page(
    client, organization, scene, who
):
    viewer = scene["respondent"] if who == "respondent" else make_member(organization, roles=(who,)).user
    through_selectors = individual_visible_through_selectors(organization, scene)
    on_page = individual_visible_on_thank_you_page(client, viewer, scene, who == "respondent")
    assert (through_selectors, on_page) == EXPECTED[who]


@pytest.mark.parametrize("role", ROLES)
def test_a_viewer_who_answered_sees_their_own_archetype_never_the_respondents(client, organization, scene, role):
    viewer = make_member(organization, roles=(role,)).user
    _response, own = answer(scene["campaign"], archetype_answers("magistrate"), viewer)
    client.force_login(viewer)
    text = client.get(reverse("respond:done", kwargs={"resume_token": own})).content.decode()
    assert "Your innovator archetype: Magistrate" in text
    assert "Revolutionist" not in text


def test_no_people_permission_reads_individuals():
    people_permissions = {name for name in rules.permissions.permissions if name.startswith("people.")}
    assert people_permissions == {"people.view_people", "people.manage_teams", "people.record_team"}


@pytest.mark.parametrize("role", ROLES)
def test_roles_get_the_documented_people_permissions(organization, role):
    user = make_member(organization, roles=(role,)).user
    team = make_team(organization)
    outsider_team = make_team(organization)
    services.add_team_member(team=team, user=user, actor=None)
    manages = role in ("innovation_lead", "admin")
    assert user.has_perm("people.view_people", organization)
    assert user.has_perm("people.manage_teams", organization) is manages
    # Oversight changes nothing, not even for its own team.
    assert user.has_perm("people.record_team", team) is (role != "oversight")
    assert user.has_perm("people.record_team", outsider_team) is manages


# --- Threshold suppression of archetype_mix, with hypothesis ---------------------------------------

ARCHETYPES = ("magistrate", "bohemian", "crusader", "revolutionist")


@pytest.fixture
def frame(organization):
    units = [make_unit(organization, f"U{index}") for index in range(4)]
    teams = [make_team(organization, f"T{index}") for index in range(3)]
    return make_archetype_campaign(organization, threshold=THRESHOLD), units, teams


respondents = st.lists(
    st.tuples(
        st.sampled_from(ARCHETYPES),
        st.integers(-1, 3),  # unit index; -1: no unit
        st.sets(st.integers(0, 2), max_size=3),  # team indexes
        st.booleans(),  # placed, or too incomplete to place
    ),
    max_size=25,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(respondents)
def test_archetype_mix_never_shows_a_group_below_the_threshold(monkeypatch, frame, given_respondents):
    campaign, units, teams = frame
    placed = [
        selectors._Placed(
            Placement(archetype, {}) if placeable else None,
            units[unit].pk if unit >= 0 else None,
            tuple(str(teams[index].pk) for index in sorted(team_indexes)),
        )
        for archetype, unit, team_indexes, placeable in given_respondents
    ]
    monkeypatch.setattr(selectors, "_placements", lambda _campaign, _model: placed)
    total = sum(1 for entry in placed if entry.placement is not None)
    for by in (None, "unit", "team"):
        report = selectors.archetype_mix(campaign, by=by)
        assert report.total.suppressed is (total < THRESHOLD)
        for group in (*report.groups, None):
            mix = report.total if group is None else group.mix
            if not mix.suppressed:
                assert mix.respondents >= THRESHOLD and sum(mix.counts.values()) == mix.respondents
            else:
                assert (mix.counts, mix.shares, mix.respondents) == (None, None, None)
        if by == "unit" and total >= THRESHOLD:
            size = {
                group.key: sum(
                    1
                    for entry in placed
                    if entry.placement is not None
                    and (str(entry.unit_id) if entry.unit_id is not None else selectors.NO_UNIT) == group.key
                )
                for group in report.groups
            }
            hidden = sum(size[group.key] for group in report.groups if group.mix.suppressed)
            assert hidden == 0 or hidden >= THRESHOLD


def test_hidden_respondents_are_not_rows_anyone_can_list(organization, scene):
    """The archetype itself is never stored: responses keep answers, and no people table has an archetype."""
    from spaceforchange.people import models

    fields = {
        field.name
        for model in (models.Team, models.TeamMember, models.ExplorationShare, models.LeaderRole)
        for field in model._meta.get_fields()
    }
    assert not any("archetype" in name for name in fields)
    assert not any("archetype" in str(value) for value in Response.objects.values_list("attributes", flat=True))
