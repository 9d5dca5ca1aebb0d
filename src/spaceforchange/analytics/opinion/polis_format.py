"""The Polis open-data export format: read a conversation directory, and write one back.

A Polis export directory holds ``summary.csv`` (key,value rows), ``comments.csv`` (one row per
statement) and the votes, either as ``votes.csv`` (one row per vote event, re-votes included) or
as ``participants-votes.csv`` (one row per participant, one column per comment, the final vote in
each cell, and the opinion group Polis had assigned at export time). Votes are 1 agree, −1
disagree, 0 pass. Reading validates every file before returning anything and reports every
problem at once; text is kept exactly as written, formula-looking statements included, because
this is an interchange format read by programs (spreadsheet exports neutralise formulas instead).
Messages are plain English, as everywhere under ``analytics/``; callers translate around them.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spaceforchange.analytics.opinion.matrix import Vote

SUMMARY = "summary.csv"
COMMENTS = "comments.csv"
VOTES = "votes.csv"
PARTICIPANTS_VOTES = "participants-votes.csv"

COMMENT_COLUMNS = ("comment-id", "author-id", "moderated", "comment-body")
VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
PARTICIPANT_COLUMNS = ("participant", "group-id")
# Per-participant counts Polis derives from the votes; read past, recomputed on writing.
PARTICIPANT_DERIVED = ("xid", "n-comments", "n-votes", "n-agree", "n-disagree")

_INTEGER = re.compile(r"-?[0-9]{1,18}")
_VOTE_VALUES = {"1": 1, "-1": -1, "0": 0}
_BOOLEANS = {"true": True, "false": False, "": False}


@dataclass(frozen=True)
class PolisLimits:
    """Caps that keep a hostile or mistaken directory from exhausting memory or the reader's patience."""

    max_file_bytes: int = 256 * 1024 * 1024
    """Largest accepted file. Polis's biggest published exports are a few tens of MiB."""

    max_problems: int = 100
    """Problems listed in one error; the rest are counted."""


@dataclass(frozen=True)
class PolisComment:
    id: int
    text: str
    author: int | None
    """The author's participant id (Polis ``author-id``); None when the export leaves it empty."""
    moderated: int = 0
    """−1 rejected (moderated out), 0 not yet moderated, 1 accepted."""
    timestamp: int | None = None
    """Milliseconds since the Unix epoch, as Polis writes them."""
    agrees: int = 0
    disagrees: int = 0
    is_meta: bool = False
    is_seed: bool = False

    @property
    def created(self) -> datetime.datetime | None:
        if self.timestamp is None:
            return None
        return datetime.datetime.fromtimestamp(self.timestamp / 1000, tz=datetime.UTC)


@dataclass(frozen=True)
class PolisConversation:
    topic: str
    description: str
    comments: tuple[PolisComment, ...]
    votes: tuple[Vote, ...]
    """The last vote per participant and comment, sorted by participant then comment; ``at`` is
    the time in milliseconds since the epoch when the votes came from ``votes.csv``, else 0."""
    participants: tuple[int, ...] = ()
    """Every participant id the export lists (also those without votes), ascending."""
    groups: dict[int, int] = field(default_factory=dict)
    """Participant id → the opinion group Polis exported (``group-id``); only clustered participants."""
    timed_votes: bool = False
    """True when the votes carry their times (read from ``votes.csv``)."""
    summary: tuple[tuple[str, str], ...] = ()
    """The other ``summary.csv`` rows (url, views, voters …), in file order."""

    @property
    def statement_ids(self) -> tuple[int, ...]:
        return tuple(comment.id for comment in self.comments)

    @property
    def moderated_out(self) -> frozenset[int]:
        return frozenset(comment.id for comment in self.comments if comment.moderated == -1)

    @property
    def meta(self) -> frozenset[int]:
        return frozenset(comment.id for comment in self.comments if comment.is_meta)


@dataclass(frozen=True)
class PolisProblem:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


class PolisFormatError(ValueError):
    """The directory is not a readable Polis export; ``problems`` lists what is wrong."""

    def __init__(self, problems: Sequence[PolisProblem], more: int = 0) -> None:
        self.problems = tuple(problems)
        self.more = more
        lines = [str(problem) for problem in self.problems]
        if more:
            lines.append(f"… and {more} more problems")
        super().__init__("Not a valid Polis export:\n" + "\n".join(lines))


class _Problems:
    def __init__(self, limits: PolisLimits) -> None:
        self.limits = limits
        self.listed: list[PolisProblem] = []
        self.more = 0
        self.files: set[str] = set()

    def add(self, file: str, line: int | None, message: str) -> None:
        self.files.add(file)
        if len(self.listed) < self.limits.max_problems:
            self.listed.append(PolisProblem(file, line, message))
        else:
            self.more += 1

    def raise_any(self) -> None:
        if self.listed:
            raise PolisFormatError(self.listed, self.more)


def _rows(path: Path, problems: _Problems) -> Iterator[tuple[int, list[str]]]:
    """(first line number, fields) of every record; a record may span lines (quoted line breaks)."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as error:
        problems.add(name, None, f"cannot be read ({error.strerror})")
        return
    if size > problems.limits.max_file_bytes:
        problems.add(name, None, f"is {size:,} bytes, more than the {problems.limits.max_file_bytes:,} accepted")
        return
    line = 1
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            for record in reader:
                # PostgreSQL text cannot hold NUL, and no Polis export writes one.
                if "\x00" in "".join(record):
                    problems.add(name, line, "contains a NUL character")
                else:
                    yield line, record
                line = reader.line_num + 1
    except (csv.Error, UnicodeDecodeError, OSError) as error:
        reason = "is not UTF-8 text" if isinstance(error, UnicodeDecodeError) else f"cannot be parsed ({error})"
        problems.add(name, line, f"{reason}; the rest of the file was not read")


def _header(name: str, header: list[str], required: Sequence[str], problems: _Problems) -> dict[str, int] | None:
    columns = {column: position for position, column in enumerate(header)}
    missing = [column for column in required if column not in columns]
    duplicated = sorted({column for column in header if header.count(column) > 1})
    if missing:
        problems.add(name, 1, f"the header lacks the column(s) {', '.join(missing)}")
    if duplicated:
        problems.add(name, 1, f"the header repeats the column(s) {', '.join(duplicated)}")
    return None if missing or duplicated else columns


class _Reader:
    def __init__(self, directory: Path, limits: PolisLimits) -> None:
        self.directory = directory
        self.problems = _Problems(limits)

    def table(self, name: str, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
        rows = _rows(self.directory / name, self.problems)
        first = next(rows, None)
        if first is None:
            if name not in self.problems.files:
                self.problems.add(name, None, "is empty")
            return
        columns = _header(name, first[1], required, self.problems)
        if columns is None:
            return
        for line, record in rows:
            if len(record) != len(columns):
                self.problems.add(name, line, f"has {len(record)} fields where the header has {len(columns)}")
                continue
            yield line, {column: record[position] for column, position in columns.items()}

    def number(self, name: str, line: int, column: str, text: str, *, empty_ok: bool = False) -> int | None:
        value = int(text.strip()) if _INTEGER.fullmatch(text.strip()) else None
        if value is None and not (empty_ok and not text.strip()):
            self.problems.add(name, line, f"{column} must be a whole number, not {text[:40]!r}")
        return value

    def summary(self) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        pairs: dict[str, str] = {}
        for line, record in _rows(self.directory / SUMMARY, self.problems):
            if len(record) != 2:
                self.problems.add(SUMMARY, line, f"must have two fields (key,value), not {len(record)}")
            elif record[0] in pairs:
                self.problems.add(SUMMARY, line, f"repeats the key {record[0][:40]!r}")
            else:
                pairs[record[0]] = record[1]
        topic = pairs.pop("topic", "")
        description = pairs.pop("conversation-description", "")
        return topic, description, tuple(pairs.items())

    def comments(self) -> tuple[PolisComment, ...]:
        comments: dict[int, PolisComment] = {}
        for line, row in self.table(COMMENTS, COMMENT_COLUMNS):
            comment = self.comment(line, row)
            if comment is not None and comment.id in comments:
                self.problems.add(COMMENTS, line, f"comment-id {comment.id} appears twice")
            elif comment is not None:
                comments[comment.id] = comment
        return tuple(sorted(comments.values(), key=lambda comment: comment.id))

    def comment(self, line: int, row: dict[str, str]) -> PolisComment | None:
        numbers = {
            column: self.number(COMMENTS, line, column, row.get(column, ""), empty_ok=column != "comment-id")
            for column in ("comment-id", "author-id", "moderated", "timestamp", "agrees", "disagrees")
        }
        flags = {column: _BOOLEANS.get(row.get(column, "").strip().lower()) for column in ("is-meta", "is-seed")}
        bad_flags = [column for column, value in flags.items() if value is None]
        if bad_flags:
            self.problems.add(COMMENTS, line, f"{', '.join(bad_flags)} must be true or false")
        if numbers["moderated"] not in (-1, 0, 1, None):
            self.problems.add(COMMENTS, line, "moderated must be -1, 0 or 1")
            return None
        identifier = numbers["comment-id"]
        if identifier is None or bad_flags:
            return None
        return PolisComment(
            id=identifier,
            text=row["comment-body"],
            author=numbers["author-id"],
            moderated=numbers["moderated"] or 0,
            timestamp=numbers["timestamp"],
            agrees=numbers["agrees"] or 0,
            disagrees=numbers["disagrees"] or 0,
            is_meta=bool(flags["is-meta"]),
            is_seed=bool(flags["is-seed"]),
        )

    def vote_events(self, known: set[int]) -> list[Vote]:
        events: list[Vote] = []
        for line, row in self.table(VOTES, VOTE_COLUMNS):
            numbers = [self.number(VOTES, line, column, row[column]) for column in VOTE_COLUMNS[:3]]
            value = _VOTE_VALUES.get(row["vote"].strip())
            if value is None:
                self.problems.add(VOTES, line, f"vote must be 1, -1 or 0, not {row['vote'][:40]!r}")
            timestamp, statement, participant = numbers
            if statement is not None and statement not in known:
                self.problems.add(VOTES, line, f"comment-id {statement} is not in {COMMENTS}")
            elif timestamp is not None and participant is not None and statement is not None and value is not None:
                events.append(Vote(participant, statement, value, float(timestamp)))
        return events

    def participant_table(self, known: set[int], *, with_votes: bool) -> tuple[list[int], dict[int, int], list[Vote]]:
        """Participants, exported groups and (when ``with_votes``) the final votes of participants-votes.csv."""
        participants: list[int] = []
        groups: dict[int, int] = {}
        votes: list[Vote] = []
        rows = self.table(PARTICIPANTS_VOTES, PARTICIPANT_COLUMNS)
        comment_columns: list[tuple[str, int]] | None = None
        for line, row in rows:
            if comment_columns is None:
                comment_columns = self.comment_columns(row, known)
            participant = self.number(PARTICIPANTS_VOTES, line, "participant", row["participant"])
            group = self.number(PARTICIPANTS_VOTES, line, "group-id", row["group-id"], empty_ok=True)
            if participant is None:
                continue
            participants.append(participant)
            if group is not None:
                groups[participant] = group
            for column, statement in comment_columns if with_votes else ():
                cell = row[column].strip()
                if cell and cell not in _VOTE_VALUES:
                    self.problems.add(
                        PARTICIPANTS_VOTES, line, f"the vote on comment {column} must be 1, -1, 0 or empty"
                    )
                elif cell:
                    votes.append(Vote(participant, statement, _VOTE_VALUES[cell]))
        if len(set(participants)) != len(participants):
            self.problems.add(PARTICIPANTS_VOTES, None, "lists a participant more than once")
        return participants, groups, votes

    def comment_columns(self, row: dict[str, str], known: set[int]) -> list[tuple[str, int]]:
        columns = []
        for column in row:
            if column in PARTICIPANT_COLUMNS or column in PARTICIPANT_DERIVED:
                continue
            statement = int(column) if _INTEGER.fullmatch(column) else None
            if statement is None or statement not in known:
                self.problems.add(PARTICIPANTS_VOTES, 1, f"column {column[:40]!r} is not a comment-id of {COMMENTS}")
            else:
                columns.append((column, statement))
        return columns


def read_polis_export(directory: str | Path, *, limits: PolisLimits | None = None) -> PolisConversation:
    """Read and validate a Polis export directory; raise :class:`PolisFormatError` listing every problem.

    ``votes.csv`` is preferred when present (its times order re-votes: the last one wins); the
    exported groups come from ``participants-votes.csv``. An export without either vote file (some
    published conversations) reads as a conversation without votes.
    """
    path = Path(directory)
    if not path.is_dir():
        raise PolisFormatError([PolisProblem(str(directory), None, "is not a directory")])
    reader = _Reader(path, limits or PolisLimits())
    for name in (SUMMARY, COMMENTS):
        if not (path / name).is_file():
            reader.problems.add(name, None, "is missing")
    reader.problems.raise_any()
    topic, description, summary = reader.summary()
    comments = reader.comments()
    known = {comment.id for comment in comments}
    timed = (path / VOTES).is_file()
    events = reader.vote_events(known) if timed else []
    participants: list[int] = []
    groups: dict[int, int] = {}
    if (path / PARTICIPANTS_VOTES).is_file():
        participants, groups, untimed = reader.participant_table(known, with_votes=not timed)
        events = events or untimed
    reader.problems.raise_any()
    votes = _last_votes(events)
    return PolisConversation(
        topic=topic,
        description=description,
        comments=comments,
        votes=votes,
        participants=tuple(sorted(set(participants) | {int(vote.participant) for vote in votes})),
        groups=groups,
        timed_votes=timed,
        summary=summary,
    )


def _last_votes(events: list[Vote]) -> tuple[Vote, ...]:
    """The last vote per participant and comment: by time, then by file order for equal times."""
    latest: dict[tuple[int, int], Vote] = {}
    for vote in sorted(events, key=lambda vote: vote.at):
        latest[int(vote.participant), int(vote.statement)] = vote
    return tuple(latest[key] for key in sorted(latest))


def write_polis_export(conversation: PolisConversation, directory: str | Path) -> None:
    """Write ``conversation`` as a Polis export that :func:`read_polis_export` reads back identically.

    ``votes.csv`` is written only when the votes carry their times; ``participants-votes.csv``
    always (with the exported groups). The directory is created when missing; files are replaced.
    """
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    summary = [("topic", conversation.topic), *conversation.summary]
    summary.append(("conversation-description", conversation.description))
    _write(path / SUMMARY, None, summary)
    _write(path / COMMENTS, _COMMENT_HEADER, [_comment_row(comment) for comment in conversation.comments])
    if conversation.timed_votes:
        ordered = sorted(conversation.votes, key=lambda vote: (vote.at, vote.participant, vote.statement))
        rows = [(int(v.at), _polis_datetime(int(v.at)), v.statement, v.participant, v.value) for v in ordered]
        _write(path / VOTES, ("timestamp", "datetime", "comment-id", "voter-id", "vote"), rows)
    else:
        (path / VOTES).unlink(missing_ok=True)
    header, table = _participant_rows(conversation)
    _write(path / PARTICIPANTS_VOTES, header, table)


_COMMENT_COUNTS = ("timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated")
_COMMENT_HEADER = (*_COMMENT_COUNTS, "is-meta", "is-seed", "comment-body")


def _comment_row(comment: PolisComment) -> list[object]:
    stamp = comment.timestamp
    row: list[object] = ["", ""] if stamp is None else [stamp, _polis_datetime(stamp)]
    row += [comment.id, "" if comment.author is None else comment.author, comment.agrees, comment.disagrees]
    flags = ["true" if comment.is_meta else "false", "true" if comment.is_seed else "false"]
    return [*row, comment.moderated, *flags, comment.text]


def _polis_datetime(milliseconds: int) -> str:
    """Polis's human-readable column, in UTC (Polis writes its server's zone; readers ignore it)."""
    moment = datetime.datetime.fromtimestamp(milliseconds / 1000, tz=datetime.UTC)
    return moment.strftime("%a %b %d %H:%M:%S UTC %Y")


def _participant_rows(conversation: PolisConversation) -> tuple[list[str], list[list[object]]]:
    statements = [comment.id for comment in conversation.comments]
    position = {statement: index for index, statement in enumerate(statements)}
    authored = Counter(comment.author for comment in conversation.comments if comment.author is not None)
    cells: dict[int, list[object]] = {p: [""] * len(statements) for p in conversation.participants}
    for vote in conversation.votes:
        cells.setdefault(int(vote.participant), [""] * len(statements))[position[int(vote.statement)]] = vote.value
    table: list[list[object]] = []
    for participant in sorted(cells):
        row = cells[participant]
        counts = [sum(cell == value for cell in row) for value in (1, -1)]
        voted = sum(cell != "" for cell in row)
        group = conversation.groups.get(participant, "")
        table.append([participant, group, authored.get(participant, 0), voted, *counts, *row])
    header = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree", *map(str, statements)]
    return header, table


def _write(path: Path, header: Sequence[str] | None, rows: Sequence[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        # The csv module quotes only the line terminator's characters: a lone carriage return in
        # a statement would otherwise end the record when read back.
        quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)
        if header is not None:
            writer.writerow(header)
        for row in rows:
            lone_return = any(isinstance(cell, str) and "\r" in cell for cell in row)
            (quoted if lone_return else writer).writerow(row)
