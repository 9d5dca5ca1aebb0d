"""Demo step for the idea box: Northbay's sponsors, about forty ideas in every status, a scored challenge.

Called at the end of ``demo.seed``. Every idea goes through the services (submitted in the past,
then decided), so it obeys the same rules as real data; two ideas sit past the 30-day answer
guarantee, so the waiting page and the ``idea_answer_overdue`` warning have something to show.
Re-seeding leaves an existing idea (same title) alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from spaceforchange.core.models import Organization, User
from spaceforchange.portfolio import idea_services, services
from spaceforchange.portfolio.models import Challenge, Idea, IdeaSponsor, IdeaStatus, Initiative

LEAD = "lead@northbay.example"
SPONSORS = ((None, LEAD), ("Health and Care", "owner@northbay.example"), ("Education", "bjorn.myhre@northbay.example"))
S, A, M, D, P = (IdeaStatus.SUBMITTED, IdeaStatus.ADOPTED, IdeaStatus.MERGED, IdeaStatus.DECLINED, IdeaStatus.PARKED)

# (title, problem, proposal, unit, submitter, days ago, status, reason — for merged: the target's title)
IDEAS: tuple[tuple[str, str, str, str, str, int, str, str], ...] = (
    ("Night-time sensors instead of check visits", "Night visits wake residents who sleep well.",
     "Offer motion sensors and a video call instead of a check visit.", "Team North", "member", 200, A,
     "Digital night watch in home care"),
    ("Letters people understand", "Residents call us because our decision letters are unclear.",
     "Rewrite the most common letters with the people who receive them.", "Digitalisation", "tone", 400, A,
     "Plain-language decision letters"),
    ("Shared parking for home-care cars", "Home-care nurses lose time searching for parking near homes.",
     "Reserve parking spaces for home-care cars in every district.", "Team North", "kari", 45, S, ""),
    ("Route planning that follows the traffic", "Our visit routes ignore rush-hour traffic.",
     "Plan visit routes with live traffic data each morning.", "Team South", "silje", 38, S, ""),
    ("Parking spaces for care workers", "Care workers search for parking at every visit.",
     "Give care workers parking permits valid in all districts.", "Team South", "jonas", 20, M,
     "Shared parking for home-care cars"),
    ("Electric bikes for short visits", "Cars are slow in the town centre.",
     "Lend electric bikes to nurses for visits within two kilometres.", "Team North", "kari", 25, S, ""),
    ("Medication robots at home", "Residents forget their medication between visits.",
     "Test medication dispensers that remind residents and alert us.", "Home Care Services", "member", 90, P,
     "We first learn from the neighbouring municipality's trial of the dispensers."),
    ("One phone number for home care", "Relatives do not know whom to call.",
     "One number answered by a coordinator during the day.", "Home Care Services", "silje", 60, D,
     "The new switchboard (spring) gives home care its own line."),
    ("Lunch together at the nursing home", "Residents eat alone in their rooms.",
     "Shared lunches with pupils from the primary school once a week.", "Seaview Nursing Home", "eirik", 15, S, ""),
    ("Garden beds for residents", "Residents miss having something to tend.",
     "Raised garden beds in the nursing home courtyard.", "Seaview Nursing Home", "eirik", 120, P,
     "The courtyard is rebuilt next year; we take it up then."),
    ("Digital visiting hours", "Relatives far away rarely see residents.",
     "Tablets and fixed video visiting hours.", "Nursing Homes", "eirik", 10, S, ""),
    ("Walking groups for seniors", "Many older residents are inactive in winter.",
     "Weekly indoor walking groups in the sports hall.", "Public Health", "tone", 12, S, ""),
    ("Water fountains in parks", "Children and runners carry plastic bottles.",
     "Install drinking fountains in the three largest parks.", "Roads and Parks", "marius", 8, S, ""),
    ("One front desk for library and culture house", "Visitors queue at three desks in one building.",
     "One shared reception desk for the library, the culture house and the youth club.", "Library", "linn", 150, A,
     "Shared reception for culture and library"),
    ("Report potholes by photo", "Residents do not know where to report potholes.",
     "A web form where a photo and its location are enough.", "Roads and Parks", "marius", 22, S, ""),
    ("Pothole reporting app", "Potholes are reported by phone and get lost.",
     "Let residents report potholes with a photo and map position.", "Roads and Parks", "member", 18, M,
     "Report potholes by photo"),
    ("Quiet room in the library", "Students have nowhere quiet to study.",
     "Turn the old archive room into a quiet reading room.", "Library", "linn", 70, D,
     "The archive room is needed for the local history collection."),
    ("Library cards on the phone", "Cards get lost and replacing them costs staff time.",
     "Show the library card in the municipality's app.", "Library", "henrik", 14, S, ""),
    ("Lending tools at the library", "Residents buy tools they use once.",
     "Lend drills and ladders like books.", "Library", "linn", 5, S, ""),
    ("Music lessons in kindergartens", "Few children from low-income families join the culture school.",
     "Culture school teachers visit kindergartens weekly.", "Culture School", "kristian", 28, S, ""),
    ("Outdoor days every week", "Children spend most days indoors in winter.",
     "A fixed outdoor day per week in every kindergarten.", "Kindergartens", "kristian", 100, P,
     "Staffing first; we return to it after the new staffing plan."),
    ("Reading buddies", "Some pupils fall behind in reading in year two.",
     "Older pupils read with younger ones twice a week.", "Northbay Primary School", "magnus", 24, S, ""),
    ("Homework help in the library", "Pupils without help at home fall behind.",
     "Volunteers offer homework help in the library after school.", "Library", "magnus", 21, S, ""),
    ("Homework café after school", "Pupils lack help with homework at home.",
     "A homework café in the library with volunteer helpers.", "Harbour Primary School", "henrik", 19, M,
     "Homework help in the library"),
    ("School meals from local farms", "School meals are transported long distances.",
     "Buy vegetables for school meals from local farms.", "Education", "linn", 80, A,
     "School meals from local producers"),
    ("Early contact for worried parents", "Parents wait months for the psychology service.",
     "An open phone hour for parents every week.", "Educational Psychology Service", "synnove", 26, S, ""),
    ("Plain-language building permits", "Applicants misunderstand what the permit requires.",
     "A checklist in plain language with every permit.", "Planning and Building", "tone", 27, S, ""),
    ("Digital meeting booking", "Residents call to book meetings with case workers.",
     "Let residents book meetings online.", "Digitalisation", "member", 16, S, ""),
    ("Chatbot for common questions", "The switchboard answers the same ten questions all day.",
     "A chatbot on the website for the most common questions.", "Digitalisation", "henrik", 55, P,
     "We wait for the national guidance on AI in public services."),
    ("Welcome guide for refugees", "New arrivals get information from many offices.",
     "One welcome guide in several languages.", "Refugee Services", "tone", 11, S, ""),
    ("Language cafés", "Refugees have few chances to practise Norwegian.",
     "Weekly language cafés in the library run by volunteers.", "Refugee Services", "linn", 9, S, ""),
    ("Foster family recruitment evenings", "We lack foster families.",
     "Information evenings with experienced foster families.", "Child Welfare", "member", 7, S, ""),
    ("Solar panels on schools", "Schools use much electricity in daytime.",
     "Solar panels on the roofs of two schools.", "Technical Services", "marius", 130, D,
     "The roofs need renovation first; see the maintenance plan."),
    ("Car sharing for staff", "Staff use private cars for work trips.",
     "A pool of shared electric cars for work trips.", "HR and Organisation", "jonas", 6, S, ""),
    ("Onboarding buddy for new staff", "New staff feel lost in the first weeks.",
     "Every new employee gets a buddy for the first month.", "HR and Organisation", "silje", 4, S, ""),
    ("Shorter meetings", "Meetings take too much of our week.",
     "Default meetings of 25 minutes and a written agenda.", "Municipal Director's Office", "kari", 3, S, ""),
    ("Open data on water quality", "Residents ask about water quality by email.",
     "Publish water-quality measurements weekly.", "Water and Wastewater", "marius", 2, S, ""),
    ("Fall prevention at home", "Falls are the main reason older residents move to nursing homes.",
     "Home visits that check for fall risks.", "Home Care Services", "jonas", 29, S, ""),
    ("Night-time sensors for falls", "Falls at night are found too late.",
     "Sensors that alert the night shift when a resident falls.", "Team South", "silje", 1, S, ""),
    ("Shared calendar for therapists", "Therapists double-book rooms.",
     "One shared booking calendar for therapy rooms.", "Health and Care", "jonas", 13, S, ""),
)  # fmt: skip

CHALLENGE_TITLE = "Greener travel for staff"
CHALLENGE_THEME = "How can staff travel between visits and meetings with less driving?"
CHALLENGE_IDEAS = frozenset({"Car sharing for staff", "Electric bikes for short visits"})
CHALLENGE_DAYS_LEFT = 21
# The evaluators' scores so far (public value, feasibility, strategic fit): the ranking has a
# leader, an idea scored by one evaluator only, and a spread worth discussing.
CHALLENGE_SCORES = (
    ("Electric bikes for short visits", LEAD, (4, 5, 4), "Cheap to try in one district."),
    ("Electric bikes for short visits", "owner@northbay.example", (4, 3, 5), "Winter needs a plan."),
    ("Car sharing for staff", LEAD, (3, 2, 4), ""),
)

NICKNAMES = {
    "member": "member@northbay.example",
    "kari": "kari.nordmann@northbay.example",
    "silje": "silje.pedersen@northbay.example",
    "jonas": "jonas.andersen@northbay.example",
    "eirik": "eirik.larsen@northbay.example",
    "tone": "tone.eriksen@northbay.example",
    "magnus": "magnus.strand@northbay.example",
    "henrik": "henrik.lie@northbay.example",
    "linn": "linn.halvorsen@northbay.example",
    "kristian": "kristian.aas@northbay.example",
    "marius": "marius.holm@northbay.example",
    "synnove": "synnove.ronning@northbay.example",
}


def _sponsors(organization: Organization, people: dict[str, User], units: dict[str, Any]) -> None:
    if IdeaSponsor.objects.filter(organization=organization).exists():
        return
    for unit_name, email in SPONSORS:
        person = people.get(email)
        if person is not None and (unit_name is None or unit_name in units):
            idea_services.set_idea_sponsor(
                organization=organization, unit=units.get(unit_name) if unit_name else None, person=person
            )


def _decide(idea: Idea, row: tuple[str, str, str, str, str, int, str, str], lead: User, when: Any) -> None:
    status, detail = row[6], row[7]
    if status == IdeaStatus.SUBMITTED:
        return
    organization = idea.organization
    arguments: dict[str, Any] = {"idea": idea, "actor": lead, "decision": status, "decided_at": when}
    if status == IdeaStatus.MERGED:
        arguments["merge_into"] = Idea.objects.get(organization=organization, title=detail)
    elif status == IdeaStatus.ADOPTED:
        # The demo's adopted ideas became the demo initiatives, so adopting links them.
        arguments["initiative"] = Initiative.objects.get(organization=organization, title=detail)
    else:
        arguments["reason"] = detail
    idea_services.decide_idea(**arguments)


def _challenge(organization: Organization, people: dict[str, User]) -> Challenge:
    existing = Challenge.objects.filter(organization=organization, title=CHALLENGE_TITLE).first()
    if existing is not None:
        return existing
    challenge = idea_services.open_challenge(
        organization=organization,
        title=CHALLENGE_TITLE,
        theme=CHALLENGE_THEME,
        closes_on=services.today_in(organization) + datetime.timedelta(days=CHALLENGE_DAYS_LEFT),
        evaluators=[person for email in (LEAD, SPONSORS[1][1]) if (person := people.get(email)) is not None],
        actor=people.get(LEAD),
    )
    return challenge


def seed_ideas(context: Any) -> None:
    organization = context.organizations["northbay"]
    people: dict[str, User] = context.people
    lead = people.get(LEAD)
    units = {unit.name: unit for unit in organization.units.all()}
    _sponsors(organization, people, units)
    challenge = _challenge(organization, people)
    existing = set(Idea.objects.filter(organization=organization).values_list("title", flat=True))
    now = timezone.now()
    for row in IDEAS:
        title, problem, proposal, unit, submitter, days_ago, _status, _detail = row
        person = people.get(NICKNAMES[submitter]) or people.get(NICKNAMES["member"])
        if title in existing or person is None or lead is None:
            continue
        submitted = now - datetime.timedelta(days=days_ago)
        idea = idea_services.submit_idea(
            organization=organization,
            submitted_by=person,
            title=title,
            problem=problem,
            proposal=proposal,
            unit=units.get(unit),
            anonymous=days_ago % 5 == 0,
            challenge=challenge if title in CHALLENGE_IDEAS else None,
            submitted_at=submitted,
        )
        _decide(idea, row, lead, submitted + datetime.timedelta(days=min(days_ago // 2, 20)))
    _evaluate(organization, people)


def _evaluate(organization: Organization, people: dict[str, User]) -> None:
    ideas = {idea.title: idea for idea in Idea.objects.filter(organization=organization, challenge__isnull=False)}
    for title, email, (public_value, feasibility, strategic_fit), comment in CHALLENGE_SCORES:
        idea, evaluator = ideas.get(title), people.get(email)
        if idea is None or evaluator is None:
            continue
        scores = {"public_value": public_value, "feasibility": feasibility, "strategic_fit": strategic_fit}
        idea_services.evaluate_idea(idea=idea, evaluator=evaluator, scores=scores, comment=comment)
