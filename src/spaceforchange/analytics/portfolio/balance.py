"""Portfolio figures: balance of change forms, the stage funnel, pilot-to-scale, who initiates, triggers.

Definitions (the product's; FRAMEWORKS.md §7, §8 and §10 are the source). Inputs are the
initiatives of one organisation after the caller's filters (unit, goal).

- **Stage × form counts**: every initiative counted once, by current stage and change form;
  ``None`` is the form when none is recorded.
- **Mix against the target** (§10: a portfolio should blend the three forms deliberately): the
  share of each form among the initiatives in ``stages`` (by default the active stages idea,
  experiment and scaling) that have a recorded form, next to the organisation's target share
  (target shares are non-negative and sum to 1). Deviation = share − target. Initiatives
  without a recorded form are counted apart, not guessed.
- **Funnel** (§7: start → scale → integrate): an initiative *reached* a stage when the furthest
  stage it ever entered is that stage or a later one. Reaching is read from the furthest stage,
  not from the presence of each entry, so an initiative registered directly at scaling counts as
  having passed idea and experiment, and stepping back never un-reaches a stage. Conversion from
  S to the next stage = reached(next) ÷ reached(S); ``None`` when nothing reached S.
- **Pilot-to-scale ratio**: among initiatives that reached the experiment stage, those that have
  *ended their pilot*: *scaled* (reached scaling, whatever happened after) or *stopped as a pilot*
  (stopped without ever reaching scaling). Ratio = scaled ÷ (scaled + stopped as a pilot);
  experiments still running are left out because their outcome is not known yet; ``None`` when
  no pilot has ended.
- **Bottom-up share** (§8): initiatives whose initiator level is bottom-up (front-line staff,
  middle managers) ÷ initiatives with a recorded initiator level; senior and external initiators
  make up the rest.
- **Triggers** (§8): initiatives per trigger key; ``None`` for no recorded trigger.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from spaceforchange.analytics.portfolio.snapshot import (
    ACTIVE_STAGES,
    DEFAULT_VOCABULARY,
    PROGRESSION,
    Initiative,
    Stage,
    Vocabulary,
    highest_reached,
)

# Target shares are typed in by people; this much rounding in their sum is accepted.
TARGET_SUM_TOLERANCE = 1e-6


@dataclass(frozen=True)
class FormShare:
    """One change form's share of the portfolio beside its target."""

    form: str
    count: int
    share: float | None
    target: float
    deviation: float | None


@dataclass(frozen=True)
class FormMix:
    forms: tuple[FormShare, ...]
    counted: int
    unrecorded: int


@dataclass(frozen=True)
class FunnelStep:
    """Conversion from one stage of the trajectory to the next."""

    from_stage: Stage
    to_stage: Stage
    reached_from: int
    reached_to: int
    conversion: float | None


@dataclass(frozen=True)
class PilotToScale:
    scaled: int
    stopped_as_pilot: int
    running: int
    ratio: float | None


@dataclass(frozen=True)
class BottomUp:
    bottom_up: int
    senior: int
    other: int
    unrecorded: int
    share: float | None


@dataclass(frozen=True)
class PortfolioFigures:
    stage_form_counts: dict[Stage, dict[str | None, int]]
    mix: FormMix
    funnel: tuple[FunnelStep, ...]
    pilot_to_scale: PilotToScale
    bottom_up: BottomUp
    triggers: dict[str | None, int]


@dataclass(frozen=True)
class Profile:
    """All that the figures read of an initiative; initiatives with the same profile count together.

    ``furthest`` is ``highest_reached``: the furthest trajectory position it ever entered. Counting
    profiles instead of going through every initiative lets the caller count them where they are
    stored (a page of 20,000 initiatives has a few hundred distinct profiles).
    """

    stage: Stage
    change_form: str | None
    initiator_level: str | None
    trigger: str | None
    furthest: int | None


Profiles = Mapping[Profile, int]


def profile_of(initiative: Initiative) -> Profile:
    return Profile(
        initiative.stage,
        initiative.change_form,
        initiative.initiator_level,
        initiative.trigger,
        highest_reached(initiative),
    )


def profile_counts(initiatives: Iterable[Initiative]) -> Counter[Profile]:
    """How many initiatives have each profile."""
    return Counter(profile_of(initiative) for initiative in initiatives)


def _tally(profiles: Profiles, key: Callable[[Profile], Hashable]) -> Counter[Any]:
    counts: Counter[Any] = Counter()
    for profile, count in profiles.items():
        counts[key(profile)] += count
    return counts


def stage_form_counts(
    initiatives: Iterable[Initiative], forms: Iterable[str] = ()
) -> dict[Stage, dict[str | None, int]]:
    """Initiatives by current stage and change form; every stage and every form in ``forms`` present, zeros included."""
    return profile_stage_form_counts(profile_counts(initiatives), forms)


def profile_stage_form_counts(profiles: Profiles, forms: Iterable[str] = ()) -> dict[Stage, dict[str | None, int]]:
    counts = _tally(profiles, lambda profile: (profile.stage, profile.change_form))
    columns: list[str | None] = list(dict.fromkeys(forms))
    columns += sorted({form for _stage, form in counts if form is not None and form not in columns})
    columns.append(None)
    return {stage: {form: counts.get((stage, form), 0) for form in columns} for stage in Stage}


def form_mix(
    initiatives: Iterable[Initiative],
    target: Mapping[str, float],
    *,
    stages: Collection[Stage] = ACTIVE_STAGES,
) -> FormMix:
    """Each form's share among initiatives in ``stages`` with a recorded form, against the target mix."""
    return profile_form_mix(profile_counts(initiatives), target, stages=stages)


def profile_form_mix(
    profiles: Profiles, target: Mapping[str, float], *, stages: Collection[Stage] = ACTIVE_STAGES
) -> FormMix:
    _check_target(target)
    chosen = {profile: count for profile, count in profiles.items() if profile.stage in stages}
    counts = _tally(chosen, lambda profile: profile.change_form)
    counts.pop(None, None)
    counted = sum(counts.values())
    forms = list(target) + sorted(form for form in counts if form not in target)
    shares = [_form_share(form, counts.get(form, 0), counted, target.get(form, 0.0)) for form in forms]
    return FormMix(tuple(shares), counted, sum(chosen.values()) - counted)


def _form_share(form: str, count: int, counted: int, target: float) -> FormShare:
    share = count / counted if counted else None
    return FormShare(form, count, share, target, None if share is None else share - target)


def _check_target(target: Mapping[str, float]) -> None:
    if not target:
        raise ValueError("the target mix needs at least one form")
    if any(not 0 <= value <= 1 for value in target.values()):
        raise ValueError("each target share must lie between 0 and 1")
    if abs(sum(target.values()) - 1) > TARGET_SUM_TOLERANCE:
        raise ValueError("the target shares must add up to 1")


def funnel(initiatives: Iterable[Initiative]) -> tuple[FunnelStep, ...]:
    """Conversion between consecutive stages of the trajectory, from each initiative's furthest stage."""
    return profile_funnel(profile_counts(initiatives))


def profile_funnel(profiles: Profiles) -> tuple[FunnelStep, ...]:
    furthest = _tally(profiles, lambda profile: profile.furthest)
    reached = [
        sum(count for position, count in furthest.items() if position is not None and position >= step)
        for step in range(len(PROGRESSION))
    ]
    return tuple(
        FunnelStep(
            PROGRESSION[step],
            PROGRESSION[step + 1],
            reached[step],
            reached[step + 1],
            reached[step + 1] / reached[step] if reached[step] else None,
        )
        for step in range(len(PROGRESSION) - 1)
    )


def pilot_to_scale(initiatives: Iterable[Initiative]) -> PilotToScale:
    """Pilots that scaled ÷ pilots that ended (scaled or stopped before scaling)."""
    return profile_pilot_to_scale(profile_counts(initiatives))


def profile_pilot_to_scale(profiles: Profiles) -> PilotToScale:
    experiment, scaling = PROGRESSION.index(Stage.EXPERIMENT), PROGRESSION.index(Stage.SCALING)
    scaled = stopped = running = 0
    for profile, count in profiles.items():
        position = profile.furthest
        if position is None or position < experiment:
            continue
        if position >= scaling:
            scaled += count
        elif profile.stage is Stage.STOPPED:
            stopped += count
        else:
            running += count
    ended = scaled + stopped
    return PilotToScale(scaled, stopped, running, scaled / ended if ended else None)


def bottom_up(initiatives: Iterable[Initiative], vocabulary: Vocabulary = DEFAULT_VOCABULARY) -> BottomUp:
    """How many initiatives were initiated bottom-up, by senior people, by others, or by no one recorded."""
    return profile_bottom_up(profile_counts(initiatives), vocabulary)


def profile_bottom_up(profiles: Profiles, vocabulary: Vocabulary = DEFAULT_VOCABULARY) -> BottomUp:
    levels = _tally(profiles, lambda profile: profile.initiator_level)
    unrecorded = levels.pop(None, 0)
    ups = sum(count for level, count in levels.items() if level in vocabulary.bottom_up_levels)
    seniors = sum(count for level, count in levels.items() if level in vocabulary.senior_levels)
    recorded = sum(levels.values())
    return BottomUp(ups, seniors, recorded - ups - seniors, unrecorded, ups / recorded if recorded else None)


def trigger_counts(initiatives: Iterable[Initiative], triggers: Iterable[str] = ()) -> dict[str | None, int]:
    """Initiatives per trigger; every trigger in ``triggers`` present, zeros included, then ``None``."""
    return profile_trigger_counts(profile_counts(initiatives), triggers)


def profile_trigger_counts(profiles: Profiles, triggers: Iterable[str] = ()) -> dict[str | None, int]:
    counts = _tally(profiles, lambda profile: profile.trigger)
    keys: list[str | None] = list(dict.fromkeys(triggers))
    keys += sorted(key for key in counts if key is not None and key not in keys)
    keys.append(None)
    return {key: counts.get(key, 0) for key in keys}


def portfolio_figures(
    initiatives: Iterable[Initiative],
    target: Mapping[str, float],
    *,
    forms: Iterable[str] = (),
    triggers: Iterable[str] = (),
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> PortfolioFigures:
    """Every figure of the portfolio page at once; ``forms`` and ``triggers`` fix the column order."""
    return profile_figures(profile_counts(initiatives), target, forms=forms, triggers=triggers, vocabulary=vocabulary)


def profile_figures(
    profiles: Profiles,
    target: Mapping[str, float],
    *,
    forms: Iterable[str] = (),
    triggers: Iterable[str] = (),
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> PortfolioFigures:
    """``portfolio_figures`` over counted profiles instead of the initiatives themselves."""
    return PortfolioFigures(
        profile_stage_form_counts(profiles, tuple(forms) or tuple(target)),
        profile_form_mix(profiles, target),
        profile_funnel(profiles),
        profile_pilot_to_scale(profiles),
        profile_bottom_up(profiles, vocabulary),
        profile_trigger_counts(profiles, triggers),
    )
