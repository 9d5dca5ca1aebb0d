"""Free text: recurring themes in short comments, and likely duplicates among short documents."""

from spaceforchange.analytics.text.similarity import (
    Document,
    Match,
    SimilarityIndex,
    SimilarityParameters,
)
from spaceforchange.analytics.text.themes import Theme, ThemeParameters, find_themes, tokenise

__all__ = [
    "Document",
    "Match",
    "SimilarityIndex",
    "SimilarityParameters",
    "Theme",
    "ThemeParameters",
    "find_themes",
    "tokenise",
]
