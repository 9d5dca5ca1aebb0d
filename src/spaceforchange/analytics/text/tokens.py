"""Words of a text, as :func:`spaceforchange.analytics.text.themes.tokenise` splits them, faster.

The same rule (runs of letters of any script, lowercased, joined by an apostrophe or a hyphen
inside a word; digits and punctuation dropped; typographic apostrophes made straight), but the
apostrophes are replaced with ``str.replace``: ``str.translate`` with a mapping costs about as
much as the whole regular expression, which matters when an index of 200,000 ideas is built.
"""

from __future__ import annotations

import re

# Runs of letters, joined by an apostrophe or a hyphen inside a word ("don't", "e-post").
WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_TYPOGRAPHIC_APOSTROPHES = ("’", "ʼ", "‘")


def tokens(text: str) -> list[str]:
    """The words of ``text``, lowercased, in order; typographic apostrophes become straight ones."""
    for apostrophe in _TYPOGRAPHIC_APOSTROPHES:
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return WORD.findall(text.lower())
