"""Duplicate suggestion benchmark: ``analytics.text.SimilarityIndex`` against scikit-learn's TF-IDF.

A deterministic synthetic idea box (numpy ``default_rng``): 200,000 ideas, three in five in
Norwegian bokmål and two in five in English, each a title of 3–7 words and a text of 15–45. Words
come from a public-service vocabulary of both languages (base words plus Norwegian compounds
and English two-word terms, a long tail as in real text), drawn with Zipf-like frequencies, with
inflected forms ("søknaden", "permits"), stop words between them, and a topic per idea (one of
400, each with its own words) so that similar ideas exist. 1,000 queries imitate someone typing
a new idea: the title and the first 3–12 words of ideas from the same generator that are not in
the index.

The product is ``SimilarityIndex.build`` and ``index.similar(text, title=..., limit=5)``; the peer
is scikit-learn written the straightforward way: ``TfidfVectorizer().fit_transform`` on the same
title-and-text strings, and per query ``transform`` + ``linear_kernel`` + ``argsort`` for the top
five. Queries alternate between the two, so a slow spell of a shared machine falls on both. Two
JSON lines on stdout, one for building and one for querying (``product_s``/``peer_s`` are the
query p95 there)::

    {"benchmark": "duplicates", "case": "build 200000 ideas", "product_s": ..., "peer": "scikit-learn ...", ...}
    {"benchmark": "duplicates", "case": "query p95 over 200000 ideas", "product_s": ..., "p95_ms": ..., ...}

    bench-venv/bin/python benchmarks/duplicates.py [--ideas 200000] [--queries 1000]

Target: query p95 under 100 ms. The two rank with different words (the product drops stop words
of both languages and inflectional endings), so their answers are compared only as information:
``top1_agreement`` is the share of queries where both name the same best idea.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from spaceforchange.analytics.text import Document, SimilarityIndex

SEED = 4004
TARGET_P95_MS = 100.0
TOPICS = 400
TOPIC_WORDS = 12
TOPIC_SHARE = 0.5  # half of an idea's content words come from its topic
NORWEGIAN_SHARE = 0.6
LIMIT = 5


def words(text: str) -> list[str]:
    return text.split()


NB_NOUNS = words(
    """
    sykehus parkering søknad barnehage skole elev lærer vikar kantine møterom kalender rådhus bibliotek
    svømmehall garderobe skilting byggesak byggetillatelse skjema papir brev språk innbygger pasient
    lege fastlege time venteliste hjemmetjeneste sykepleier elbil ladepunkt strøm veg vei brøyting snø
    gatelys sykkel buss rute billett avfall sortering plast matavfall kontor leder ansatt medarbeider
    turnus vakt kompetanse kurs opplæring system saksbehandling arkiv journal nettside chat skatt
    gebyr faktura regnskap budsjett innkjøp kontrakt leverandør tjeneste tilbud bolig husleie
    sosialhjelp nav barnevern familie foreldre ungdom eldre sykehjem omsorg frivillighet lag forening
    idrett hall bane park lekeplass benk toalett renhold vaktmester vedlikehold tak vindu ventilasjon
    oppvarming energi solcelle data personvern tilgang passord skjerm utstyr mobil nett møte referat
    saksliste politiker ordfører kommunestyre høring medvirkning plan reguleringsplan kart tomt
    """
)
NB_VERBS = words(
    """
    forenkle digitalisere samle dele bestille melde søke varsle rydde flytte bygge åpne stenge bytte
    forbedre redusere øke automatisere planlegge koordinere informere lære måle prøve teste
    """
)
NB_ADJECTIVES = words("digital felles ny enkel rask lokal kommunal grønn trygg tydelig gratis lang kort tidlig sen")
EN_NOUNS = words(
    """
    hospital parking application kindergarten school pupil teacher substitute canteen meeting room
    calendar town hall library pool changing room signage building permit form paper letter language
    resident patient doctor appointment waiting list home care nurse electric car charger power road
    snow clearing street light bicycle bus route ticket waste recycling plastic food waste office
    manager staff employee rota shift skill course training system case handling archive record
    website chat tax fee invoice accounts budget procurement contract supplier service offer housing
    rent benefit welfare child protection family parent youth elderly care home volunteer club sport
    park playground bench toilet cleaning caretaker maintenance roof window ventilation heating energy
    solar panel data privacy access password screen equipment phone network minutes agenda councillor
    mayor council consultation participation plan zoning map plot
    """
)
EN_VERBS = words(
    """
    simplify digitise share book report apply notify clean move build open close replace improve
    reduce increase automate plan coordinate inform learn measure test pilot
    """
)
EN_ADJECTIVES = words("digital shared new simple quick local municipal green safe clear free long short early late")
NB_STOP = words("og i på for til av med som det er en et at ikke vi de har kan skal om fra ved")
EN_STOP = words("the and of to in for a on with is are we our it that at by from be can should")
NB_ENDINGS = ("", "", "", "en", "et", "er", "ene", "a", "s")
EN_ENDINGS = ("", "", "", "s", "es", "ing", "ed")


@dataclass(frozen=True)
class Language:
    words: np.ndarray  # content words, most frequent first
    stop: np.ndarray
    endings: np.ndarray
    cumulative: np.ndarray  # Zipf-like cumulative frequencies over ``words``


def language(
    nouns: list[str],
    verbs: list[str],
    adjectives: list[str],
    stop: list[str],
    endings: tuple[str, ...],
    rng: np.random.Generator,
    compound: str,
) -> Language:
    """Base words first, then compounds of two nouns (joined, or with a space in English): the long tail."""
    base = nouns + verbs + adjectives
    pairs = rng.integers(0, len(nouns), size=(30_000, 2))
    compounds = sorted({nouns[a] + compound + nouns[b] for a, b in pairs if a != b})
    rng.shuffle(compounds)
    words = np.array(base + compounds, dtype=object)
    frequencies = 1.0 / np.arange(1, len(words) + 1) ** 1.05
    cumulative = np.cumsum(frequencies) / frequencies.sum()
    return Language(words, np.array(stop, dtype=object), np.array(endings, dtype=object), cumulative)


def tokens(lang: Language, topic_table: np.ndarray, topic_of_token: np.ndarray, rng: np.random.Generator) -> list[str]:
    """One inflected content word per entry of ``topic_of_token``, half from that topic, some after a stop word."""
    size = len(topic_of_token)
    general = lang.words[np.minimum(np.searchsorted(lang.cumulative, rng.random(size)), len(lang.words) - 1)]
    topical = topic_table[topic_of_token, rng.integers(0, topic_table.shape[1], size=size)]
    chosen = np.where(rng.random(size) < TOPIC_SHARE, topical, general)
    endings = lang.endings[rng.integers(0, len(lang.endings), size=size)]
    stops = lang.stop[rng.integers(0, len(lang.stop), size=size)]
    with_stop = rng.random(size) < 0.5
    return [
        f"{stop} {word}{ending}" if before else f"{word}{ending}"
        for word, ending, stop, before in zip(
            chosen.tolist(), endings.tolist(), stops.tolist(), with_stop.tolist(), strict=True
        )
    ]


def synthetic_ideas(
    count: int, rng: np.random.Generator, languages: tuple[Language, Language], topics: list[np.ndarray]
) -> list[tuple[str, str]]:
    """(title, text) of ``count`` ideas: a title of 3-7 content words, a text of 15-45."""
    language_of = np.where(rng.random(count) < NORWEGIAN_SHARE, 0, 1)
    topic_of = rng.integers(0, TOPICS, size=count)
    title_lengths = rng.integers(3, 8, size=count)
    lengths = title_lengths + rng.integers(15, 46, size=count)
    owner = np.repeat(np.arange(count), lengths)
    words = np.empty(int(lengths.sum()), dtype=object)
    for which, lang in enumerate(languages):
        mine = np.flatnonzero(language_of[owner] == which)
        table = np.stack(topics[which * TOPICS : (which + 1) * TOPICS])
        words[mine] = tokens(lang, table, topic_of[owner[mine]], rng)
    ideas = []
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    for start, title_length, length in zip(starts.tolist(), title_lengths.tolist(), lengths.tolist(), strict=True):
        title = " ".join(words[start : start + title_length])
        text = " ".join(words[start + title_length : start + length])
        ideas.append((title[:1].upper() + title[1:], text + "."))
    return ideas


def corpus(ideas: int, queries: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    rng = np.random.default_rng(SEED)
    languages = (
        language(NB_NOUNS, NB_VERBS, NB_ADJECTIVES, NB_STOP, NB_ENDINGS, rng, ""),
        language(EN_NOUNS, EN_VERBS, EN_ADJECTIVES, EN_STOP, EN_ENDINGS, rng, " "),
    )
    topics = [
        rng.choice(lang.words[:3000], size=TOPIC_WORDS, replace=False) for lang in languages for _ in range(TOPICS)
    ]
    indexed = synthetic_ideas(ideas, rng, languages, topics)
    typed = synthetic_ideas(queries, rng, languages, topics)
    prefixes = rng.integers(3, 13, size=queries)
    # What the form holds while someone types: the title, and the first words of the text.
    return indexed, [
        (title, " ".join(text.split()[:words])) for (title, text), words in zip(typed, prefixes.tolist(), strict=True)
    ]


def percentiles(seconds: list[float]) -> dict[str, float]:
    values = np.array(seconds) * 1000
    return {f"p{q}_ms": round(float(np.percentile(values, q)), 3) for q in (50, 95, 99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, default=200_000, help="ideas in the index (default 200000)")
    parser.add_argument("--queries", type=int, default=1000, help="typed queries (default 1000)")
    options = parser.parse_args()
    started = time.perf_counter()
    ideas, queries = corpus(options.ideas, options.queries)
    generated_s = time.perf_counter() - started

    started = time.perf_counter()
    index = SimilarityIndex.build(Document(id=i + 1, title=title, text=text) for i, (title, text) in enumerate(ideas))
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    stored = index.to_bytes()
    to_bytes_s = time.perf_counter() - started
    started = time.perf_counter()
    SimilarityIndex.from_bytes(stored)
    from_bytes_s = time.perf_counter() - started

    started = time.perf_counter()
    vectorizer = TfidfVectorizer()
    matrix = vectorizer.fit_transform([f"{title} {text}" for title, text in ideas])
    peer_build_s = time.perf_counter() - started

    product_times, peer_times, agree, found = [], [], 0, 0
    for title, text in queries:
        started = time.perf_counter()
        matches = index.similar(text, title=title, limit=LIMIT)
        product_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        scores = linear_kernel(vectorizer.transform([f"{title} {text}"]), matrix).ravel()
        best = scores.argsort()[::-1][:LIMIT]
        peer_times.append(time.perf_counter() - started)
        found += bool(matches)
        agree += bool(matches) and matches[0].id == int(best[0]) + 1

    common = {
        "peer": "scikit-learn TfidfVectorizer + linear_kernel + argsort",
        "ideas": options.ideas,
        "vocabulary": len(index.vocabulary),
        "nonzeros": int(index.matrix.nnz),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "load_1m": round(os.getloadavg()[0], 2),
    }
    build = {
        "benchmark": "duplicates",
        "case": f"build {options.ideas} ideas",
        "product_s": round(build_s, 3),
        "peer_s": round(peer_build_s, 3),
        "ratio": round(peer_build_s / build_s, 2),
        "bytes": len(stored),
        "to_bytes_s": round(to_bytes_s, 4),
        "from_bytes_s": round(from_bytes_s, 4),
        "generate_s": round(generated_s, 2),
        **common,
    }
    product_p95 = float(np.percentile(product_times, 95))
    peer_p95 = float(np.percentile(peer_times, 95))
    query = {
        "benchmark": "duplicates",
        "case": f"query p95 over {options.ideas} ideas",
        "product_s": round(product_p95, 5),
        "peer_s": round(peer_p95, 5),
        "ratio": round(peer_p95 / product_p95, 2),
        **percentiles(product_times),
        "peer": common["peer"],
        "peer_ms": percentiles(peer_times),
        "queries": options.queries,
        "query_words": "title + 3-12 words of text",
        "limit": LIMIT,
        "min_score": 0.3,
        "with_suggestion": round(found / options.queries, 3),
        "top1_agreement": round(agree / options.queries, 3),
        "target_p95_ms": TARGET_P95_MS,
        "met": product_p95 * 1000 < TARGET_P95_MS,
        **{key: value for key, value in common.items() if key != "peer"},
    }
    print(json.dumps(build), flush=True)
    print(json.dumps(query), flush=True)
    if not query["met"]:
        print(f"p95 {product_p95 * 1000:.1f} ms is above the target of {TARGET_P95_MS} ms", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
