"""Likely duplicates: TF-IDF cosine similarity over short documents in English and Norwegian bokmål.

A document is a title and a text (an idea's or an initiative's). Its words are those of
``themes.tokenise`` (:func:`~spaceforchange.analytics.text.tokens.tokens`, the same rule, faster)
after Unicode NFKC normalisation (so an "å" typed as "a" plus a combining ring is one letter, and
ligatures and full-width letters become plain ones); stop words of both languages and one-letter
words are left out, and each remaining word loses a common inflectional ending (see :func:`stem`),
so "søknaden", "søknader" and "søknad", or "parking" and "parked", are one term. The title
counts ``title_weight`` times.

Why stripped words and nothing more: on a labelled set of ideas retyped in other inflections
(in the unit tests), whole words put 13 of 18 duplicates first and 6 over the default threshold
of 0.3; stripped endings put all 18 first and over 0.3, while no unrelated idea reached 0.3.
Character 4-grams also put all 18 first, but scored unrelated ideas up to 0.45 (shared
fragments such as "ing>") and held five to six times as many entries, which costs memory and
query time. Word pairs were left out too: they lower the score of the same words reordered,
which is still the same idea.

Weights are the usual TF-IDF: sublinear term frequency (1 + ln tf), smoothed inverse document
frequency ln((1 + n) / (1 + df)) + 1, each document scaled to unit length, so the score of a
query against a document is their cosine, in [0, 1]. A query word the index has never seen keeps
the weight of a term with no documents: it matches nothing, but it lengthens the query, so text
with much new content is less of a duplicate than text made only of an idea's words.

The index is immutable. Build one per corpus (an organisation's ideas and initiatives) and build
it anew when the corpus changes: building is one pass over the texts, and :meth:`to_bytes` /
:meth:`from_bytes` let a built index be kept in a shared cache. A query touches only the postings
of its own terms (one score per document, then a partial sort), so it stays fast while the user
types, even over hundreds of thousands of documents.
"""

from __future__ import annotations

import functools
import io
import json
import math
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from spaceforchange.analytics.text.stopwords import STOP_WORDS
from spaceforchange.analytics.text.tokens import tokens

FORMAT = 1  # version of the layout written by ``to_bytes``
SCORE_DECIMALS = 6  # scores are rounded so that float noise neither breaks ties nor shows

# Endings stripped from a word, longest first: Norwegian definite and plural forms ("-ene",
# "-ane", "-er", "-en", "-et", "-a"), present participles ("-ende"), English plurals and verb
# forms ("-ings", "-ing", "-ed", "-es", "-s"), and a final "-e" shared by both ("skole"/"skoler",
# "service"/"services"); roughly the first step of the Snowball stemmers of both languages.
# Crude on purpose: it only has to make the inflected forms of one word meet, not produce a
# dictionary stem. A final "s" after "s", "u" or "i" belongs to the word ("sykehus", "bus",
# "crisis"), not to a plural.
_ENDINGS = ("ings", "ende", "ene", "ane", "ers", "ing", "ede", "er", "en", "et", "es", "ed", "s", "e", "a")
_KEEPS_S = ("ss", "us", "is")
_MIN_STEM = 3  # "bus" stays "bus", not "bu"
_MIN_WORD = 2


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    text: str = ""


@dataclass(frozen=True)
class Match:
    id: int
    score: float  # cosine similarity in [0, 1], rounded to six decimals


@dataclass(frozen=True)
class SimilarityParameters:
    title_weight: int = 2  # a title says what an idea is about; its words count this many times
    stemming: bool = True  # strip inflectional endings (see ``stem``); off only to compare

    def __post_init__(self) -> None:
        if not 1 <= self.title_weight <= 100:
            raise ValueError(f"title_weight must be between 1 and 100, not {self.title_weight}")


def stem(word: str) -> str:
    """``word`` without its longest common ending, when at least three letters stay."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            return word if ending == "s" and word.endswith(_KEEPS_S) else word[: -len(ending)]
    return word


def terms(text: str, *, stemming: bool = True) -> list[str]:
    """The index terms of ``text`` in order: normalised, stop words out, endings stripped."""
    words = tokens(unicodedata.normalize("NFKC", text))
    return [term for term in map(_stemmed_term if stemming else _plain_term, words) if term]


# Words repeat across documents, so each one's term is worked out once (per process, bounded).
@functools.lru_cache(maxsize=1 << 17)
def _stemmed_term(word: str) -> str:
    """The term of ``word``, or "" for a stop word or a one-letter word."""
    return stem(word) if _plain_term(word) else ""


@functools.lru_cache(maxsize=1 << 17)
def _plain_term(word: str) -> str:
    return word if len(word) >= _MIN_WORD and word not in STOP_WORDS else ""


def term_counts(title: str, text: str, parameters: SimilarityParameters) -> Counter[str]:
    """How often each term occurs in a document, a title's terms counting ``title_weight`` times."""
    counts = Counter(terms(text, stemming=parameters.stemming))
    for term in terms(title, stemming=parameters.stemming):
        counts[term] += parameters.title_weight
    return counts


class SimilarityIndex:
    """TF-IDF vectors of a fixed set of documents; see the module for the weighting."""

    def __init__(
        self,
        *,
        ids: npt.NDArray[np.int64],
        vocabulary: dict[str, int],
        idf: npt.NDArray[np.float64],
        matrix: sparse.csc_array,
        parameters: SimilarityParameters,
    ) -> None:
        # Documents are rows and terms are columns; CSC keeps each term's postings contiguous.
        self.ids = ids
        self.vocabulary = vocabulary
        self.idf = idf
        self.matrix = matrix
        self.parameters = parameters

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(
        cls, documents: Iterable[Document], parameters: SimilarityParameters = SimilarityParameters()
    ) -> SimilarityIndex:
        """The index of ``documents``; ids must be unique. Documents without terms match nothing."""
        vocabulary: dict[str, int] = {}
        ids: list[int] = []
        lengths: list[int] = []  # distinct terms per document
        columns: list[int] = []
        counts: list[int] = []
        for document in documents:
            ids.append(document.id)
            found = term_counts(document.title, document.text, parameters)
            lengths.append(len(found))
            columns.extend([vocabulary.setdefault(term, len(vocabulary)) for term in found])
            counts.extend(found.values())
        id_array = np.array(ids, dtype=np.int64)
        if len(np.unique(id_array)) != len(id_array):
            raise ValueError("document ids must be unique")
        row_array = np.repeat(np.arange(len(ids), dtype=np.int32), lengths)
        column_array = np.array(columns, dtype=np.int32)
        idf = np.log((1.0 + len(ids)) / (1.0 + np.bincount(column_array, minlength=len(vocabulary)))) + 1.0
        weights = (1.0 + np.log(np.array(counts, dtype=np.float64))) * idf[column_array]
        weights /= np.sqrt(np.bincount(row_array, weights=weights**2, minlength=len(ids)))[row_array]
        matrix = sparse.csc_array(
            (weights.astype(np.float32), (row_array, column_array)), shape=(len(ids), len(vocabulary))
        )
        return cls(ids=id_array, vocabulary=vocabulary, idf=idf, matrix=matrix, parameters=parameters)

    def similar(
        self,
        text: str,
        *,
        title: str = "",
        limit: int = 5,
        min_score: float = 0.3,
        exclude_ids: Iterable[int] = (),
    ) -> list[Match]:
        """The documents most like ``title`` and ``text``, best first, ties by ascending id.

        Only documents sharing at least one term and scoring at least ``min_score`` count;
        ``exclude_ids`` (e.g. the idea being edited) never appear.
        """
        if limit < 0:
            raise ValueError(f"limit must not be negative, not {limit}")
        if not 0.0 <= min_score <= 1.0:
            raise ValueError(f"min_score must be between 0 and 1, not {min_score}")
        scores = self._scores(term_counts(title, text, self.parameters))
        if scores is None or limit == 0:
            return []
        excluded = [int(identifier) for identifier in exclude_ids]
        if excluded:
            scores[np.isin(self.ids, excluded)] = 0.0
        return self._best(scores, limit, min_score)

    def _scores(self, counts: Counter[str]) -> npt.NDArray[np.float64] | None:
        """The rounded cosine of the query with every document, or None when the query has no terms."""
        if not counts:
            return None
        unseen_idf = math.log(1.0 + len(self.ids)) + 1.0
        columns: list[int] = []
        weights: list[float] = []
        squared_length = 0.0
        for term, count in sorted(counts.items()):
            column = self.vocabulary.get(term)
            weight = (1.0 + math.log(count)) * (unseen_idf if column is None else float(self.idf[column]))
            squared_length += weight * weight
            if column is not None:
                columns.append(column)
                weights.append(weight)
        if not columns:
            return None
        rows, values = self._postings(columns, weights)
        scores = np.bincount(rows, weights=values, minlength=len(self.ids)) / math.sqrt(squared_length)
        return np.clip(np.round(scores, SCORE_DECIMALS), 0.0, 1.0)

    def _postings(
        self, columns: list[int], weights: list[float]
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]:
        """The documents holding each term and their weights times the query's (in float64)."""
        indptr, indices, data = self.matrix.indptr, self.matrix.indices, self.matrix.data
        spans = [(int(indptr[column]), int(indptr[column + 1])) for column in columns]
        rows = np.concatenate([indices[start:end] for start, end in spans])
        values = np.concatenate(
            [data[start:end] * np.float64(weight) for (start, end), weight in zip(spans, weights, strict=True)]
        )
        return rows, values

    def _best(self, scores: npt.NDArray[np.float64], limit: int, min_score: float) -> list[Match]:
        candidates = np.flatnonzero((scores >= min_score) & (scores > 0.0))
        if len(candidates) > limit:
            # Keep every candidate tied with the limit-th best, so ties are broken by id, not by
            # where argpartition happened to leave them.
            threshold = np.partition(scores[candidates], len(candidates) - limit)[len(candidates) - limit]
            candidates = candidates[scores[candidates] >= threshold]
        order = np.lexsort((self.ids[candidates], -scores[candidates]))[:limit]
        chosen = candidates[order]
        return [
            Match(id=int(identifier), score=float(score))
            for identifier, score in zip(self.ids[chosen].tolist(), scores[chosen].tolist(), strict=True)
        ]

    def to_bytes(self) -> bytes:
        """The index as an ``.npz`` archive of plain arrays (no pickle), for a shared cache."""
        vocabulary = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        header = {
            "format": FORMAT,
            "title_weight": self.parameters.title_weight,
            "stemming": self.parameters.stemming,
        }
        buffer = io.BytesIO()
        np.savez(
            buffer,
            header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            vocabulary=np.frombuffer("\n".join(vocabulary).encode(), dtype=np.uint8),
            ids=self.ids,
            idf=self.idf,
            indptr=self.matrix.indptr,
            indices=self.matrix.indices,
            data=self.matrix.data,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> SimilarityIndex:
        """The index :meth:`to_bytes` wrote; ``ValueError`` for anything else."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in archive.files}
            header = json.loads(arrays["header"].tobytes().decode())
            words = arrays["vocabulary"].tobytes().decode()
        except (OSError, zipfile.BadZipFile, KeyError, ValueError, EOFError, UnicodeDecodeError) as error:
            raise ValueError(f"not a similarity index: {error}") from error
        parameters = _parameters_of(header)
        vocabulary = {word: column for column, word in enumerate(words.split("\n"))} if words else {}
        _check_layout(arrays, len(vocabulary))
        ids = arrays["ids"].astype(np.int64)
        matrix = sparse.csc_array(
            (arrays["data"].astype(np.float32), arrays["indices"].astype(np.int32), arrays["indptr"]),
            shape=(len(ids), len(vocabulary)),
        )
        idf = arrays["idf"].astype(np.float64)
        return cls(ids=ids, vocabulary=vocabulary, idf=idf, matrix=matrix, parameters=parameters)


def _parameters_of(header: object) -> SimilarityParameters:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError("not a similarity index of this version")
    title_weight, stemming = header.get("title_weight"), header.get("stemming")
    if type(title_weight) is not int or type(stemming) is not bool:
        raise ValueError("not a similarity index: bad parameters")
    try:
        return SimilarityParameters(title_weight=title_weight, stemming=stemming)
    except ValueError as error:
        raise ValueError(f"not a similarity index: {error}") from error


def _check_layout(arrays: dict[str, npt.NDArray[np.generic]], terms: int) -> None:
    """Refuse arrays that do not make a consistent documents × terms matrix."""
    ids, idf, indptr, indices, data = (arrays[name] for name in ("ids", "idf", "indptr", "indices", "data"))
    integers = all(np.issubdtype(array.dtype, np.integer) for array in (ids, indptr, indices))
    floats = all(np.issubdtype(array.dtype, np.floating) for array in (idf, data))
    consistent = (
        integers
        and floats
        and ids.ndim == 1
        and len(np.unique(ids)) == len(ids)
        and idf.shape == (terms,)
        and indptr.shape == (terms + 1,)
        and indices.ndim == 1
        and indices.shape == data.shape
        and bool(np.all(np.isfinite(idf)))
        and bool(np.all(np.isfinite(data)))
        and indptr[0] == 0
        and indptr[-1] == len(indices)
        and bool(np.all(np.diff(indptr) >= 0))
        and (len(indices) == 0 or (int(indices.min()) >= 0 and int(indices.max()) < len(ids)))
    )
    if not consistent:
        raise ValueError("not a similarity index: inconsistent arrays")
