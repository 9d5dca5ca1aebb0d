"""Survey scoring: means, intervals, shares and reliability per group, with anonymity suppression."""

from spaceforchange.analytics.survey.anonymity import suppress_hierarchy, suppress_partition
from spaceforchange.analytics.survey.scoring import (
    Figures,
    GroupScores,
    InstrumentShape,
    ScoringParameters,
    score,
)

__all__ = [
    "Figures",
    "GroupScores",
    "InstrumentShape",
    "ScoringParameters",
    "score",
    "suppress_hierarchy",
    "suppress_partition",
]
