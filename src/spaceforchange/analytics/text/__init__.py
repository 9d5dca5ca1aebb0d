"""Free text: recurring themes in short comments."""

from spaceforchange.analytics.text.themes import Theme, ThemeParameters, find_themes, tokenise

__all__ = ["Theme", "ThemeParameters", "find_themes", "tokenise"]
