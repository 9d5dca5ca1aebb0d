"""Recurring themes in short free-text comments.

A theme is a word or a two-word phrase that several comments use. Comments are split into words
(letters of any script, lowercased; digits and punctuation dropped), English and Norwegian bokmål
stop words are left out, and every remaining word and every pair of adjacent remaining words is
counted once per comment that holds it. Counting comments rather than occurrences keeps one
talkative respondent from making a theme alone.

The most widespread terms and phrases are the themes. A phrase ranks before its words when as many
comments hold it, and a word found only inside a phrase already chosen is not repeated. The result
depends only on the comments and their order (ties break alphabetically), so a page shows the same
themes on every visit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spaceforchange.analytics.text.stopwords import STOP_WORDS
from spaceforchange.analytics.text.tokens import tokens


@dataclass(frozen=True)
class ThemeParameters:
    max_themes: int = 6
    min_comments: int = 2  # a theme must recur: one comment alone is not a theme
    examples: int = 2  # indices of example comments kept per theme
    min_word_length: int = 2

    def __post_init__(self) -> None:
        for name in ("max_themes", "min_comments", "min_word_length"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.examples < 0:
            raise ValueError(f"examples must not be negative, not {self.examples}")


@dataclass(frozen=True)
class Theme:
    text: str  # the word or the two-word phrase
    comments: int  # how many distinct comments hold it
    examples: tuple[int, ...]  # indices of the first comments holding it, in input order


def tokenise(text: str) -> list[str]:
    """The words of ``text``, lowercased, in order; typographic apostrophes become straight ones."""
    return tokens(text)


def find_themes(comments: Sequence[str], parameters: ThemeParameters = ThemeParameters()) -> list[Theme]:
    """The most widespread words and phrases of ``comments``, most widespread first (see the module)."""
    holders: defaultdict[tuple[str, ...], set[int]] = defaultdict(set)
    for index, comment in enumerate(comments):
        for term in _terms(tokenise(comment), parameters.min_word_length):
            holders[term].add(index)
    candidates = sorted(
        (term for term, found in holders.items() if len(found) >= parameters.min_comments),
        key=lambda term: (-len(holders[term]), -len(term), term),
    )
    chosen: list[tuple[str, ...]] = []
    for term in candidates:
        if len(chosen) == parameters.max_themes:
            break
        if not _repeats(term, chosen, holders):
            chosen.append(term)
    return [
        Theme(
            text=" ".join(term),
            comments=len(holders[term]),
            examples=tuple(sorted(holders[term]))[: parameters.examples],
        )
        for term in chosen
    ]


def _terms(words: Sequence[str], min_length: int) -> Iterable[tuple[str, ...]]:
    """Each content word, and each pair of adjacent words that are both content words."""
    content = [len(word) >= min_length and word not in STOP_WORDS for word in words]
    for index, word in enumerate(words):
        if content[index]:
            yield (word,)
            if index + 1 < len(words) and content[index + 1]:
                yield (word, words[index + 1])


def _repeats(
    term: tuple[str, ...], chosen: Sequence[tuple[str, ...]], holders: dict[tuple[str, ...], set[int]]
) -> bool:
    """A word adds nothing when a chosen phrase holds it and every comment with the word has the phrase."""
    return len(term) == 1 and any(term[0] in phrase and holders[phrase] == holders[term] for phrase in chosen)
