"""Innovator archetypes: placing one self-assessment on the two axes, and group mixes.

``classify`` reads one respondent's answers: reverse-worded statements are reversed
(``min + max - value``), each axis is averaged, and a mean above the axis's cut point places the
person on the axis's high pole (strictly above: a mean exactly at the cut point stays low). An
axis needs at least half its statements answered; otherwise there is no placement. The two
poles together name the archetype.

``group_mix`` turns archetype counts per group into what an organisation may see. A group with
fewer respondents than the threshold is suppressed (no counts, no shares, no size). With
``partition`` the groups partition a published total (units of a campaign), so complementary
suppression also hides the smallest visible groups until the hidden ones together hold at least
the threshold (``analytics.survey.anonymity.suppress_partition``); overlapping groups (teams)
get primary suppression only. Respondents are the classified respondents: a response too
incomplete to place adds nobody, which only makes groups smaller and suppression stricter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from spaceforchange.analytics.survey.anonymity import suppress_partition

BELOW_THRESHOLD = "below_threshold"
COMPLEMENTARY = "complementary"
NO_ANSWERS = "no_answers"


@dataclass(frozen=True)
class Axis:
    key: str
    cut_point: float
    low_pole: str
    high_pole: str


@dataclass(frozen=True)
class ArchetypeModel:
    """The axes, the archetypes (archetype → axis → pole), the statements (key → axis, reverse) and the scale."""

    axes: Sequence[Axis]
    archetypes: Mapping[str, Mapping[str, str]]
    statements: Mapping[str, tuple[str, bool]]
    scale_min: int
    scale_max: int

    def __post_init__(self) -> None:
        if self.scale_min >= self.scale_max:
            raise ValueError(f"the scale must run upwards, not from {self.scale_min} to {self.scale_max}")
        axis_keys = {axis.key for axis in self.axes}
        strays = sorted({axis for axis, _reverse in self.statements.values() if axis not in axis_keys})
        if strays:
            raise ValueError(f"statements name unknown axes: {', '.join(strays)}")
        for archetype, poles in self.archetypes.items():
            if set(poles) != axis_keys:
                raise ValueError(f"archetype {archetype!r} must name a pole on every axis")

    def statements_of(self, axis_key: str) -> list[str]:
        return [key for key, (axis, _reverse) in self.statements.items() if axis == axis_key]


@dataclass(frozen=True)
class Placement:
    """Where one respondent lands: the archetype and the mean on each axis (reverse items reversed)."""

    archetype: str
    axis_means: Mapping[str, float]
    poles: Mapping[str, str] = field(default_factory=dict)


def classify(model: ArchetypeModel, answers: Mapping[str, int | None]) -> Placement | None:
    """The respondent's placement, or None when an axis has fewer than half its statements answered."""
    means: dict[str, float] = {}
    poles: dict[str, str] = {}
    for axis in model.axes:
        keys = model.statements_of(axis.key)
        values = []
        for key in keys:
            value = answers.get(key)
            if value is None:
                continue
            if not model.scale_min <= value <= model.scale_max:
                raise ValueError(f"answer {value} to {key!r} is outside the scale {model.scale_min}–{model.scale_max}")
            reverse = model.statements[key][1]
            values.append(model.scale_min + model.scale_max - value if reverse else value)
        if not keys or 2 * len(values) < len(keys):
            return None
        means[axis.key] = sum(values) / len(values)
        poles[axis.key] = axis.high_pole if means[axis.key] > axis.cut_point else axis.low_pole
    archetype = next((key for key, wanted in model.archetypes.items() if dict(wanted) == poles), None)
    if archetype is None:
        return None
    return Placement(archetype=archetype, axis_means=means, poles=poles)


@dataclass(frozen=True)
class GroupMix:
    """What may be shown of one group: counts and shares per archetype, or nothing when suppressed.

    ``respondents`` is None when suppressed, since a hidden group's size is what the threshold
    hides; ``reason`` says why it is hidden (below the threshold, hidden to protect another small
    group, or no answers at all).
    """

    respondents: int | None
    counts: Mapping[str, int] | None
    shares: Mapping[str, float] | None
    suppressed: bool
    reason: str | None = None


def group_mix(
    counts_by_group: Mapping[str, Mapping[str, int]],
    threshold: int,
    *,
    partition: bool,
    archetypes: Iterable[str] = (),
) -> dict[str, GroupMix]:
    """Each group's mix, with the groups below ``threshold`` (and, with ``partition``, their complements) hidden.

    ``archetypes`` lists archetypes to show with a zero count when a group has none of them.
    """
    order = list(dict.fromkeys(archetypes))
    sizes: dict[str, int] = {}
    for group, counts in counts_by_group.items():
        if any(count < 0 for count in counts.values()):
            raise ValueError(f"archetype counts cannot be negative (group {group!r})")
        sizes[group] = sum(counts.values())
    hidden = suppress_partition(sizes, threshold, total_visible=partition)
    mixes: dict[str, GroupMix] = {}
    for group, counts in counts_by_group.items():
        size = sizes[group]
        if size == 0:
            mixes[group] = GroupMix(None, None, None, suppressed=True, reason=NO_ANSWERS)
        elif group in hidden:
            reason = BELOW_THRESHOLD if size < threshold else COMPLEMENTARY
            mixes[group] = GroupMix(None, None, None, suppressed=True, reason=reason)
        else:
            shown = {key: counts.get(key, 0) for key in [*order, *(key for key in counts if key not in order)]}
            shares = {key: count / size for key, count in shown.items()}
            mixes[group] = GroupMix(size, shown, shares, suppressed=False)
    return mixes


def whole_mix(counts: Mapping[str, int], threshold: int, *, archetypes: Iterable[str] = ()) -> GroupMix:
    """The mix of a published total (the organisation), suppressed when below the threshold."""
    return group_mix({"": counts}, threshold, partition=False, archetypes=archetypes)[""]


def compare_mix(group: GroupMix, reference: GroupMix) -> dict[str, float]:
    """Archetype → the group's share minus the reference's, in percentage points; empty if either is hidden."""
    if group.shares is None or reference.shares is None:
        return {}
    keys = list(dict.fromkeys([*reference.shares, *group.shares]))
    return {key: 100 * (group.shares.get(key, 0.0) - reference.shares.get(key, 0.0)) for key in keys}


def count_placements(placements: Iterable[Placement | None]) -> dict[str, int]:
    """Archetype → how many of the placements land there (unplaceable responses are left out)."""
    counts: dict[str, int] = {}
    for placement in placements:
        if placement is not None:
            counts[placement.archetype] = counts.get(placement.archetype, 0) + 1
    return counts
