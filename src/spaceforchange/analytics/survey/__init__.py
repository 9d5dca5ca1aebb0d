"""Survey scoring: means, intervals, shares and reliability per group, with anonymity suppression."""

from spaceforchange.analytics.survey.anonymity import suppress_hierarchy, suppress_partition
from spaceforchange.analytics.survey.scoring import (
    Figures,
    GroupScores,
    InstrumentShape,
    ScoringParameters,
    score,
)
from spaceforchange.analytics.survey.trends import Change, TrendParameters, change_between, compare

__all__ = [
    "Change",
    "Figures",
    "GroupScores",
    "InstrumentShape",
    "ScoringParameters",
    "TrendParameters",
    "change_between",
    "compare",
    "score",
    "suppress_hierarchy",
    "suppress_partition",
]
