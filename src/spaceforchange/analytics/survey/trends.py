"""Change between two campaigns of one instrument, and whether it is beyond the confidence interval.

Each campaign's mean comes with a 95 % interval. Read as a normal interval, its half-width is
1.96 standard errors, so ``se = (ci_high - ci_low) / (2 × 1.96)``. The two campaigns ask different
(or independent) samples, so the standard error of the difference is ``sqrt(se₁² + se₂²)``, and a
change is beyond the interval when ``|current - previous| > 1.96 × sqrt(se₁² + se₂²)``. Asking
instead whether the two intervals overlap would demand ``1.96 × (se₁ + se₂)`` and miss real changes.

Anything missing gives None rather than a guess: no mean, no change; no interval on either side,
no verdict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


class Estimate(Protocol):
    """What a comparison needs of a figure; ``Figures`` has it."""

    @property
    def mean(self) -> float | None: ...

    @property
    def ci_low(self) -> float | None: ...

    @property
    def ci_high(self) -> float | None: ...


@dataclass(frozen=True)
class TrendParameters:
    interval_z: float = 1.96  # the normal quantile the campaigns' intervals were drawn with (95 %)
    test_z: float = 1.96  # the quantile a change must exceed, in standard errors of the difference

    def __post_init__(self) -> None:
        for name in ("interval_z", "test_z"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)}")


@dataclass(frozen=True)
class Change:
    previous: float | None  # mean in the earlier (or other) campaign
    current: float | None
    change: float | None  # current - previous
    beyond_interval: bool | None  # None when either side has no interval


def change_between(
    previous: Estimate | None, current: Estimate | None, parameters: TrendParameters = TrendParameters()
) -> Change:
    """The change from ``previous`` to ``current`` (either may be missing altogether)."""
    before = None if previous is None else previous.mean
    after = None if current is None else current.mean
    if before is None or after is None:
        return Change(previous=before, current=after, change=None, beyond_interval=None)
    difference = after - before
    errors = [_standard_error(estimate, parameters.interval_z) for estimate in (previous, current)]
    if errors[0] is None or errors[1] is None:
        return Change(previous=before, current=after, change=difference, beyond_interval=None)
    margin = parameters.test_z * math.hypot(errors[0], errors[1])
    return Change(previous=before, current=after, change=difference, beyond_interval=abs(difference) > margin)


def compare(
    previous: Mapping[str, Estimate],
    current: Mapping[str, Estimate],
    parameters: TrendParameters = TrendParameters(),
) -> dict[str, Change]:
    """Per key (dimension or statement): the change; keys of ``current`` first, then those only in ``previous``."""
    keys = list(current) + [key for key in previous if key not in current]
    return {key: change_between(previous.get(key), current.get(key), parameters) for key in keys}


def _standard_error(estimate: Estimate | None, z: float) -> float | None:
    if estimate is None or estimate.ci_low is None or estimate.ci_high is None:
        return None
    width = estimate.ci_high - estimate.ci_low
    if not math.isfinite(width) or width < 0:
        return None
    return width / (2 * z)
