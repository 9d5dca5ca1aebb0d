"""The culture pulse over time: one point per campaign, and the change between consecutive points.

A point is one closed (or open) culture-pulse campaign: its date, how many answered and the mean
of each dimension (None when the group was suppressed below the anonymity threshold or nobody
answered the dimension). Points are ordered by date; each carries the change of every dimension
from the previous point, computed by ``analytics.survey.trends`` so that a change also says
whether it is beyond the confidence interval when both campaigns have one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from spaceforchange.analytics.survey.trends import Change, TrendParameters, change_between

DEFAULT_PARAMETERS = TrendParameters()


@dataclass(frozen=True)
class DimensionFigure:
    """A dimension's mean and 95 % interval in one campaign (any of them may be missing)."""

    mean: float | None
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass(frozen=True)
class PulsePoint:
    campaign_id: int
    closed_on: date
    respondents: int
    figures: Mapping[str, DimensionFigure]
    suppressed: bool = False

    def mean(self, dimension: str) -> float | None:
        figure = self.figures.get(dimension)
        return None if self.suppressed or figure is None else figure.mean


@dataclass(frozen=True)
class TrendPoint:
    """A point of the trend with, per dimension, its mean and the change from the previous point."""

    campaign_id: int
    closed_on: date
    respondents: int
    suppressed: bool
    means: Mapping[str, float | None]
    changes: Mapping[str, Change | None] = field(default_factory=dict)


def culture_trend(
    points: Iterable[PulsePoint], dimensions: Sequence[str], parameters: TrendParameters = DEFAULT_PARAMETERS
) -> list[TrendPoint]:
    """The points oldest first (ties by campaign), each with its change from the one before.

    The first point has no changes (None per dimension); a change is between the means a person
    could see, so a suppressed point's dimensions have no change to or from it.
    """
    ordered = sorted(points, key=lambda point: (point.closed_on, point.campaign_id))
    trend: list[TrendPoint] = []
    previous: PulsePoint | None = None
    for point in ordered:
        changes: dict[str, Change | None] = {}
        for dimension in dimensions:
            if previous is None:
                changes[dimension] = None
                continue
            changes[dimension] = change_between(_visible(previous, dimension), _visible(point, dimension), parameters)
        trend.append(
            TrendPoint(
                campaign_id=point.campaign_id,
                closed_on=point.closed_on,
                respondents=point.respondents,
                suppressed=point.suppressed,
                means={dimension: point.mean(dimension) for dimension in dimensions},
                changes=changes,
            )
        )
        previous = point
    return trend


def _visible(point: PulsePoint, dimension: str) -> DimensionFigure | None:
    if point.suppressed:
        return None
    return point.figures.get(dimension)
