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
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

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


def stage_form_counts(
    initiatives: Iterable[Initiative], forms: Iterable[str] = ()
) -> dict[Stage, dict[str | None, int]]:
    """Initiatives by current stage and change form; every stage and every form in ``forms`` present, zeros included."""
    counts = Counter((initiative.stage, initiative.change_form) for initiative in initiatives)
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
    _check_target(target)
    chosen = [initiative for initiative in initiatives if initiative.stage in stages]
    counts = Counter(initiative.change_form for initiative in chosen if initiative.change_form is not None)
    counted = sum(counts.values())
    forms = list(target) + sorted(form for form in counts if form not in target)
    shares = [_form_share(form, counts.get(form, 0), counted, target.get(form, 0.0)) for form in forms]
    return FormMix(tuple(shares), counted, len(chosen) - counted)


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
    furthest = Counter(highest_reached(initiative) for initiative in initiatives)
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
    experiment, scaling = PROGRESSION.index(Stage.EXPERIMENT), PROGRESSION.index(Stage.SCALING)
    scaled = stopped = running = 0
    for initiative in initiatives:
        position = highest_reached(initiative)
        if position is None or position < experiment:
            continue
        if position >= scaling:
            scaled += 1
        elif initiative.stage is Stage.STOPPED:
            stopped += 1
        else:
            running += 1
    ended = scaled + stopped
    return PilotToScale(scaled, stopped, running, scaled / ended if ended else None)


def bottom_up(initiatives: Iterable[Initiative], vocabulary: Vocabulary = DEFAULT_VOCABULARY) -> BottomUp:
    """How many initiatives were initiated bottom-up, by senior people, by others, or by no one recorded."""
    levels = Counter(initiative.initiator_level for initiative in initiatives)
    unrecorded = levels.pop(None, 0)
    ups = sum(count for level, count in levels.items() if level in vocabulary.bottom_up_levels)
    seniors = sum(count for level, count in levels.items() if level in vocabulary.senior_levels)
    recorded = sum(levels.values())
    return BottomUp(ups, seniors, recorded - ups - seniors, unrecorded, ups / recorded if recorded else None)


def trigger_counts(initiatives: Iterable[Initiative], triggers: Iterable[str] = ()) -> dict[str | None, int]:
    """Initiatives per trigger; every trigger in ``triggers`` present, zeros included, then ``None``."""
    counts = Counter(initiative.trigger for initiative in initiatives)
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
    chosen = list(initiatives)
    return PortfolioFigures(
        stage_form_counts(chosen, tuple(forms) or tuple(target)),
        form_mix(chosen, target),
        funnel(chosen),
        pilot_to_scale(chosen),
        bottom_up(chosen, vocabulary),
        trigger_counts(chosen, triggers),
    )
