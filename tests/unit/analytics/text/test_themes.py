"""Recurring themes in short comments: words and two-word phrases counted once per comment."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.analytics.text import Theme, ThemeParameters, find_themes, tokenise
from spaceforchange.analytics.text.stopwords import STOP_WORDS

COMMENTS = [
    "We never have time to try new things.",
    "No time for experiments; the budget is too tight.",
    "Budget cuts every year, and no time.",
    "Leaders support us, but the budget cuts hurt.",
    "Time, time, time!",
]


def test_tokenise_is_unicode_aware_and_lowercase():
    assert tokenise("Åpen DIALOG i Tromsø — don’t stop, e-post 2024!") == [
        "åpen",
        "dialog",
        "i",
        "tromsø",
        "don't",
        "stop",
        "e-post",
    ]


def test_words_and_phrases_are_counted_once_per_comment():
    themes = find_themes(COMMENTS)
    counts = {theme.text: theme.comments for theme in themes}
    assert counts["time"] == 4  # said three times in the last comment, counted once
    assert counts["budget"] == 3
    assert counts["budget cuts"] == 2
    assert themes[0] == Theme(text="time", comments=4, examples=(0, 1))


def test_stop_words_of_both_languages_never_make_a_theme():
    comments = ["Det er ikke lett og vi har for lite tid", "Det er ikke tid og vi har mye å gjøre", "the and of the"]
    themes = find_themes(comments)
    assert [theme.text for theme in themes] == ["tid"]
    assert not {theme.text for theme in themes} & STOP_WORDS


def test_a_phrase_comes_before_its_words_and_replaces_a_word_it_fully_covers():
    comments = ["Political backing is missing", "We lack political backing", "political backing, again"]
    themes = find_themes(comments)
    assert [(theme.text, theme.comments) for theme in themes] == [("political backing", 3)]


def test_a_word_that_also_stands_alone_stays_beside_its_phrase():
    comments = ["political backing", "political backing", "political games"]
    # "backing" never appears without "political", so the phrase says it already.
    assert [(theme.text, theme.comments) for theme in find_themes(comments)] == [
        ("political", 3),
        ("political backing", 2),
    ]


def test_one_comment_alone_is_no_theme():
    assert find_themes(["A very particular remark about the canteen"]) == []
    assert find_themes([]) == []


def test_ties_break_alphabetically_and_the_limit_holds():
    comments = ["alpha beta gamma delta", "delta gamma beta alpha"]
    themes = find_themes(comments, ThemeParameters(max_themes=3))
    assert [theme.text for theme in themes] == ["alpha", "beta", "delta"]


def test_examples_are_the_first_comments_holding_the_theme():
    comments = ["other", "rules block", "more", "rules again", "the rules"]
    [theme] = find_themes(comments, ThemeParameters(examples=2))
    assert theme == Theme(text="rules", comments=3, examples=(1, 3))
    assert find_themes(comments, ThemeParameters(examples=0))[0].examples == ()


@pytest.mark.parametrize("options", [{"max_themes": 0}, {"min_comments": 0}, {"examples": -1}, {"min_word_length": 0}])
def test_parameters_are_checked(options):
    with pytest.raises(ValueError, match=next(iter(options))):
        ThemeParameters(**options)


words = st.sampled_from(["tid", "budget", "time", "rules", "ledere", "the", "og", "støtte", "cuts", "Ære"])
comments_strategy = st.lists(st.lists(words, max_size=8).map(" ".join), max_size=12)


@given(comments_strategy)
def test_themes_are_deterministic_and_consistent(comments):
    themes = find_themes(comments)
    assert themes == find_themes(list(comments))
    assert len(themes) <= ThemeParameters().max_themes
    assert [theme.comments for theme in themes] == sorted((theme.comments for theme in themes), reverse=True)
    for theme in themes:
        assert 2 <= theme.comments <= len(comments)
        assert len(theme.examples) <= 2
        for index in theme.examples:
            words_of = tokenise(comments[index])
            pairs = [" ".join(pair) for pair in itertools.pairwise(words_of)]
            assert theme.text in words_of or theme.text in pairs
        assert not set(theme.text.split()) & STOP_WORDS


@given(comments_strategy, st.randoms(use_true_random=False))
def test_the_order_of_comments_changes_only_the_examples(comments, random):
    shuffled = list(comments)
    random.shuffle(shuffled)
    before = [(theme.text, theme.comments) for theme in find_themes(comments)]
    assert [(theme.text, theme.comments) for theme in find_themes(shuffled)] == before
