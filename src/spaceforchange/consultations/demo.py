"""Demo step: two consultations in Northbay, one closed and divided, one open for the demo user's votes.

Runs after the policies step. The closed consultation asks how visit times in home care should be
set, is linked to the policy in tension (``policies.demo.VISIT_TIMES``) and holds 400 synthetic
participants in two camps: about 60 % who want nurses to judge each visit and 40 % who value the
planned standard. Both camps share several views (consensus), and one statement, whether nurses
rather than the planning system should decide how long a visit lasts, splits them almost completely.
Its opinion map is computed at once, so the results page shows it and the policy's tension index
counts the divided consultation.

The synthetic conversation is loaded as a Polis export through ``services.import_polis_consultation``,
the same bulk path as a published conversation, so its 6,500 votes take two bulk inserts, not 6,500
service calls. Votes are drawn from a seeded generator: every run of ``sfc seed-demo`` builds the
same map. The open consultation, on the digital night watch initiative, has twelve seed statements
and a few colleagues' votes; its public link is printed with the other demo links. Re-seeding leaves
an existing consultation alone, and opens a new one only when the open one has been closed.
"""

from __future__ import annotations

import datetime
import tempfile
from typing import Any

import numpy as np
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from spaceforchange.analytics.opinion import polis_format
from spaceforchange.analytics.opinion.matrix import Vote as PolisVote
from spaceforchange.consultations import services
from spaceforchange.consultations.models import Access, Consultation, Statement
from spaceforchange.core.models import Organization, User
from spaceforchange.policies import services as policy_services
from spaceforchange.policies.demo import LEAD, VISIT_TIMES
from spaceforchange.policies.models import Policy
from spaceforchange.portfolio.models import Initiative

SEED = 20260601
PARTICIPANTS = 400
CAMP_SHARE = 0.6  # of participants in the camp that wants nurses to judge each visit
SEEN_SHARE = 0.9  # of statements each participant votes on; the rest they never saw
OPENED_DAYS_AGO, CLOSED_DAYS_AGO = 45, 15

CLOSED_TITLE = "How should visit times in home care be set?"
CLOSED_DESCRIPTION = (
    "Home care plans each visit from standard times. Before the council reviews the standard, we asked "
    "nurses, residents and their families what they think."
)
DIVISIVE = "Nurses, not the planning system, should decide how long each visit lasts."
# (statement, P(agree), P(disagree) in the nurses-judge camp, then in the standard camp); the rest pass.
CLOSED_STATEMENTS: tuple[tuple[str, float, float, float, float], ...] = (
    ("Residents should be told when their home-care visit will start.", 0.90, 0.03, 0.88, 0.05),
    ("Nurses need time to notice when a resident's health is getting worse.", 0.88, 0.04, 0.85, 0.06),
    ("Routes should be planned so that nurses do not drive back and forth across town.", 0.85, 0.05, 0.90, 0.04),
    ("Standard visit times should be reviewed with the nurses at least once a year.", 0.86, 0.05, 0.82, 0.08),
    ("A visit should never end while the resident is in distress.", 0.92, 0.02, 0.84, 0.07),
    ("Visits should be shortened so that the same staff can serve more residents.", 0.05, 0.90, 0.10, 0.82),
    ("Relatives should plan the home-care routes.", 0.06, 0.85, 0.05, 0.88),
    (DIVISIVE, 0.94, 0.03, 0.04, 0.93),
    ("Standard times make home care fair: every resident gets the same.", 0.20, 0.70, 0.85, 0.08),
    ("Team leads should be able to extend a visit time without asking anyone.", 0.85, 0.08, 0.30, 0.55),
    ("Measuring visits in minutes turns care into an assembly line.", 0.80, 0.12, 0.25, 0.60),
    ("Without standard times the home-care budget cannot be kept.", 0.15, 0.70, 0.80, 0.10),
    ("Residents with dementia need more flexible visits than the standard allows.", 0.90, 0.04, 0.60, 0.20),
    ("Digital route planning has made home care better.", 0.20, 0.65, 0.75, 0.12),
    ("Standard times should be the same in every home-care team.", 0.25, 0.60, 0.80, 0.10),
    ("Nurses should record when a visit runs over, and why.", 0.55, 0.30, 0.85, 0.05),
    ("The municipality should hire more nurses before it changes the standard times.", 0.80, 0.10, 0.40, 0.35),
    ("A short visit is better than a missed visit.", 0.40, 0.40, 0.75, 0.10),
)

OPEN_TITLE = "How should the digital night watch work for you?"
OPEN_INITIATIVE = "Digital night watch in home care"
OPEN_DESCRIPTION = (
    "Sensors and video calls can replace some night visits for residents who want it. Tell us what matters "
    "to you: agree, disagree or pass on each statement, and add your own."
)
OPEN_DAYS = 365  # open long enough that a demo database kept for months still takes votes
OPEN_STATEMENTS = (
    "Residents should choose for themselves whether they get sensors at night.",
    "A video call at night can feel as safe as a visit.",
    "Sensors in the bedroom invade residents' privacy.",
    "Night staff should spend the time saved on residents who need them most.",
    "Relatives should be told when a sensor raises an alarm.",
    "The night watch should be tried in one district before the whole municipality.",
    "Residents with dementia should not be offered video calls instead of visits.",
    "A resident should be able to go back to night visits at any time.",
    "The municipality should publish how often the sensors give false alarms.",
    "Technology should never replace a human visit when a resident asks for one.",
    "The night watch will make it easier to recruit night staff.",
    "Sensor data must be deleted after a month.",
)
# (statement position, vote) for each colleague who has voted already.
OPEN_VOTES: tuple[tuple[tuple[int, int], ...], ...] = (
    ((0, 1), (1, 1), (2, -1), (3, 1), (4, 1), (5, 1), (7, 1), (9, -1)),
    ((0, 1), (1, -1), (2, 1), (4, 1), (6, 1), (7, 1), (9, 1), (11, 1)),
    ((0, 1), (1, 0), (3, 1), (5, 1), (8, 1), (10, 1), (11, -1)),
    ((0, 1), (2, 1), (4, 1), (6, 0), (7, 1), (8, 1), (9, 1)),
    ((1, 1), (3, 1), (5, 1), (7, 1), (10, -1)),
)


def seed(context: Any) -> None:
    organization = context.organizations["northbay"]
    lead = context.people.get(LEAD)
    _closed_consultation(organization, lead)
    consultation = _open_consultation(organization, lead)
    context.links.append(("Vote in the open consultation", public_link(consultation)))


def public_link(consultation: Consultation) -> str:
    """The consultation's participant page as an absolute address on the configured site."""
    return settings.SITE_URL + reverse("consultations_public:participate", kwargs={"token": consultation.public_token})


def _closed_consultation(organization: Organization, lead: User | None) -> None:
    if Consultation.objects.filter(organization=organization, title=CLOSED_TITLE).exists():
        return
    policy = Policy.objects.filter(organization=organization, title=VISIT_TIMES.title).first()
    with tempfile.TemporaryDirectory(prefix="sfc-demo-consultation-") as directory:
        polis_format.write_polis_export(synthetic_conversation(timezone.now()), directory)
        consultation = services.import_polis_consultation(
            organization=organization, directory=directory, title=CLOSED_TITLE, policy=policy, actor=lead
        )
    services.recompute_opinion(consultation=consultation)
    if policy is not None:
        policy_services.compute_tension(organization=organization, policy=policy)


def synthetic_conversation(now: datetime.datetime) -> polis_format.PolisConversation:
    """400 participants in two camps voting on ``CLOSED_STATEMENTS``, the same on every call with the same ``now``.

    Each participant is in a camp with probability ``CAMP_SHARE``, votes on a random ``SEEN_SHARE``
    of the statements (always more than the seven that put them on the map) with their camp's
    probabilities, and joins on a day between the opening and the closing, more of them early on.
    """
    rng = np.random.default_rng(SEED)
    opened = now - datetime.timedelta(days=OPENED_DAYS_AGO)
    span = (OPENED_DAYS_AGO - CLOSED_DAYS_AGO) * 86_400_000
    start = int(opened.timestamp() * 1000)
    probabilities = np.array([row[1:] for row in CLOSED_STATEMENTS])
    in_first_camp = rng.random(PARTICIPANTS) < CAMP_SHARE
    joined = start + (rng.beta(1.2, 2.5, PARTICIPANTS) * span).astype(np.int64)
    votes: list[PolisVote] = []
    for pid in range(PARTICIPANTS):
        agree, disagree = probabilities[:, 0:2].T if in_first_camp[pid] else probabilities[:, 2:4].T
        draws = rng.random(len(CLOSED_STATEMENTS))
        values = np.where(draws < agree, 1, np.where(draws < agree + disagree, -1, 0))
        seen = np.flatnonzero(rng.random(len(CLOSED_STATEMENTS)) < SEEN_SHARE)
        for order, tid in enumerate(seen):
            votes.append(PolisVote(pid, int(tid), int(values[tid]), float(joined[pid] + 20_000 * (order + 1))))
    comments = tuple(
        polis_format.PolisComment(id=tid, text=row[0], author=None, moderated=1, timestamp=start, is_seed=True)
        for tid, row in enumerate(CLOSED_STATEMENTS)
    )
    return polis_format.PolisConversation(
        topic=CLOSED_TITLE,
        description=CLOSED_DESCRIPTION,
        comments=comments,
        votes=tuple(votes),
        participants=tuple(range(PARTICIPANTS)),
        timed_votes=True,
    )


def _open_consultation(organization: Organization, lead: User | None) -> Consultation:
    """The demo's consultation that still takes votes; a new one when there is none."""
    for consultation in Consultation.objects.filter(organization=organization, title=OPEN_TITLE):
        if consultation.is_open:
            return consultation
    now = timezone.now()
    consultation = services.create_consultation(
        organization=organization,
        title=OPEN_TITLE,
        description=OPEN_DESCRIPTION,
        initiative=Initiative.objects.filter(organization=organization, title=OPEN_INITIATIVE).first(),
        opens_at=now - datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=OPEN_DAYS),
        access=Access.PUBLIC,
        allow_participant_statements=True,
        languages=["en", "nb"],
        seed_statements=OPEN_STATEMENTS,
        actor=lead,
    )
    statements = list(Statement.objects.filter(consultation=consultation).order_by("pk"))
    for ballot in OPEN_VOTES:
        participant, _secret = services.join_consultation(consultation=consultation)
        for position, value in ballot:
            services.cast_vote(participant=participant, statement=statements[position], value=value)
    return consultation
