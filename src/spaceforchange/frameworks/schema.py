"""The framework pack format: pydantic models that validate a pack document.

A pack is one YAML file holding one framework: its items (dimensions, types, states,
strategies, tactics, factors, archetypes, practices, warning rules …) and its instruments
(survey statements on a scale, each scored into a dimension). Every item carries a stable key,
a provenance tag and its text in every language the pack declares.

The format is documented for authors in ``docs/reference/framework-packs.md``. This module is
pure: it imports no Django, so the CLI and tests can validate files without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)

SUPPORTED_LANGUAGES = ("en", "nb")

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
# Instruments and their statements often mirror another survey's codes (`fevs-2018-innovation`,
# `Q3`), so their keys may also hold capitals and hyphens; item keys stay as above.
SURVEY_KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,62}$"
SurveyKey = Annotated[str, StringConstraints(pattern=SURVEY_KEY_PATTERN)]
# A column heading of an imported file, as written in its first row.
ColumnName = Annotated[str, StringConstraints(min_length=1, max_length=255)]
DontKnowValue = Annotated[str, StringConstraints(min_length=1, max_length=50)]
# A reference to an item: "item_key" in the same pack, or "pack_key:item_key" in another.
ItemRef = Annotated[str, StringConstraints(pattern=r"^([a-z][a-z0-9_]{0,62}:)?[a-z][a-z0-9_]{0,62}$")]
Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]


class Provenance(StrEnum):
    """Where an item comes from; see docs/reference/framework-packs.md."""

    SOURCE_TEXT = "source-text"
    SOURCE_SUMMARY = "source-summary"
    LITERATURE = "literature"
    WORKING_MODEL = "working-model"


class ItemKind(StrEnum):
    """What an item is. Apps look items up by kind, so the list is closed and documented."""

    DIMENSION = "dimension"
    TYPE = "type"
    STATE = "state"
    STRATEGY = "strategy"
    TACTIC = "tactic"
    FACTOR = "factor"
    ARCHETYPE = "archetype"
    AXIS = "axis"
    PRACTICE = "practice"
    WARNING_RULE = "warning_rule"
    FAMILY = "family"
    OBJECT = "object"
    EFFECT = "effect"
    STATUS = "status"
    STAGE = "stage"
    PHASE = "phase"
    LEVEL = "level"
    TRIGGER = "trigger"
    INITIATOR = "initiator"
    COMMITMENT = "commitment"
    GOAL = "goal"
    MODE = "mode"
    FORM = "form"
    PURPOSE = "purpose"
    SIGNAL = "signal"
    ROLE = "role"
    ELEMENT = "element"
    RULE = "rule"
    PRINCIPLE = "principle"
    CRITERION = "criterion"


class Severity(StrEnum):
    """How serious a warning rule is."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class Text(BaseModel):
    """A text in several languages. English is always required."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    en: Annotated[str, StringConstraints(min_length=1, max_length=4000, strip_whitespace=True)]
    """The English text (always required)."""
    nb: Annotated[str, StringConstraints(min_length=1, max_length=4000, strip_whitespace=True)] | None = None
    """The Norwegian bokmål text; required when the pack declares `nb`."""

    def get(self, language: str) -> str:
        value = getattr(self, language, None) if language in SUPPORTED_LANGUAGES else None
        return value or self.en

    def languages(self) -> set[str]:
        return {language for language in SUPPORTED_LANGUAGES if getattr(self, language, None)}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class ChecklistEntry(Strict):
    """One entry of an item's evidence checklist."""

    key: Key
    """Stable key of the entry within its item."""
    text: Text
    """What to check, as evidence that the item is in place."""


class Threshold(Strict):
    """A value that triggers a warning rule."""

    key: Key
    """Stable key of the threshold, e.g. `days` or `min_started`."""
    value: float
    """The threshold value."""
    unit: Annotated[str, StringConstraints(max_length=40)] = ""
    """The unit of the value, e.g. `days`, `share` or `count`."""
    description: Text
    """What the threshold means."""


AttributeValue = str | int | float | bool


class Item(Strict):
    """One element of a framework: a dimension, practice, warning rule and so on."""

    key: Key
    """Stable key of the item within its pack; other packs refer to it as `pack_key:item_key`."""
    kind: ItemKind
    """What the item is (dimension, practice, warning_rule …); apps look items up by kind."""
    name: Text
    """The item's name."""
    description: Text | None = None
    """What it is, why it matters and how to recognise it."""
    provenance: Provenance
    """Where the item comes from: source-text, source-summary, literature or working-model."""
    order: int | None = None
    """Position among the items of its kind, when the order means something."""
    parent: ItemRef | None = None
    """The item this one belongs to, e.g. the dimension a practice widens."""
    links: list[ItemRef] = Field(default_factory=list)
    """Related items, in this pack (`key`) or another (`pack_key:item_key`)."""
    attributes: dict[Key, AttributeValue] = Field(default_factory=dict)
    """Further named values, e.g. an archetype's position on each axis."""
    checklist: list[ChecklistEntry] = Field(default_factory=list)
    """Evidence checklist: what shows that the item is in place."""
    # Warning rules only.
    area: Key | None = None
    """Warning rules only: the product area the warning belongs to."""
    severity: Severity | None = None
    """Warning rules only: how serious the warning is."""
    thresholds: list[Threshold] = Field(default_factory=list)
    """Warning rules only: the values that trigger the warning."""
    answered_by: list[ItemRef] = Field(default_factory=list)
    """Warning rules only: the practices, strategies or tactics that answer the warning."""

    @model_validator(mode="after")
    def _warning_fields(self) -> Item:
        is_rule = self.kind is ItemKind.WARNING_RULE
        if is_rule and (self.area is None or self.severity is None):
            raise ValueError("a warning rule needs an area and a severity")
        if not is_rule and (self.area or self.severity or self.thresholds or self.answered_by):
            raise ValueError("area, severity, thresholds and answered_by belong to warning rules only")
        return self


class ScalePoint(Strict):
    """A labelled point of an answer scale."""

    value: int
    """The point on the scale."""
    label: Text
    """The label shown for the point, e.g. “Strongly agree”."""


class Scale(Strict):
    """The answer scale of an instrument."""

    min: int = 1
    """The lowest answer."""
    max: int = 5
    """The highest answer (at most ten above the lowest)."""
    labels: list[ScalePoint] = Field(default_factory=list)
    """Labels of some or all points of the scale."""
    dont_know_label: Text | None = None
    """The label of the “don't know” answer, when one is offered."""

    @model_validator(mode="after")
    def _bounds(self) -> Scale:
        if self.min >= self.max:
            raise ValueError("the scale's min must be below its max")
        if self.max - self.min > 10:
            raise ValueError("a scale may have at most eleven points")
        for point in self.labels:
            if not self.min <= point.value <= self.max:
                raise ValueError(f"label value {point.value} lies outside the scale {self.min} to {self.max}")
        return self


class Statement(Strict):
    """A survey statement, scored into one item."""

    key: SurveyKey
    """Stable key of the statement within its instrument."""
    dimension: Key
    """Key of the item (in the same pack) the statement is scored into."""
    text: Text
    """The statement respondents agree or disagree with."""
    reverse: bool = False
    """Reverse-worded: agreement means a lower score for the item."""
    dont_know_allowed: bool = True
    """Whether respondents may answer “don't know”."""
    provenance: Provenance
    """Where the statement comes from."""


class ImportMapping(Strict):
    """How the columns of another survey tool's export map onto the instrument, for importing answers."""

    key: SurveyKey
    """Stable key of the mapping within its instrument, e.g. `fevs-2018`; imports name it."""
    name: Text
    """What the mapping reads, e.g. “FEVS 2018 public release data file”."""
    statements: dict[SurveyKey, ColumnName] = Field(min_length=1)
    """Statement key → the column holding its answers."""
    attributes: dict[SurveyKey, ColumnName] = Field(default_factory=dict)
    """Respondent attribute name (for `group_by=attribute:NAME`) → its column."""
    weight: ColumnName | None = None
    """The column holding each respondent's weight, if any."""
    unit: ColumnName | None = None
    """The column naming each respondent's unit, if any."""
    dont_know: list[DontKnowValue] = Field(default_factory=list)
    """Cell values that mean “don't know”, e.g. `X`."""


class Instrument(Strict):
    """A survey instrument: statements on a scale, each scored into an item."""

    key: SurveyKey
    """Stable key of the instrument within its pack."""
    name: Text
    """The instrument's name."""
    description: Text | None = None
    """What the instrument measures and who should answer it."""
    provenance: Provenance
    """Where the instrument comes from."""
    scale: Scale = Field(default_factory=Scale)
    """The answer scale shared by all statements."""
    statements: list[Statement] = Field(min_length=1)
    """The statements, each scored into one item."""
    # A pack's checksum is taken over its dump: an instrument without mappings must dump exactly as
    # it did before mappings existed, or every stored pack would look changed.
    mappings: list[ImportMapping] = Field(default_factory=list, exclude_if=lambda mappings: not mappings)
    """Column mappings for importing answers exported by other survey tools."""

    def mapping(self, key: str) -> ImportMapping | None:
        return next((mapping for mapping in self.mappings if mapping.key == key), None)


class Framework(Strict):
    """The framework a pack describes."""

    key: Key
    """The framework's key (the same as the pack's)."""
    name: Text
    """The framework's name."""
    summary: Text
    """What the framework is for, in a few sentences."""
    provenance: Provenance
    """Where the framework as a whole comes from."""
    sources: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] = Field(default_factory=list)
    """The articles and literature the framework is based on."""


class Pack(Strict):
    """One framework pack document."""

    format: int = Field(1, ge=1, le=1)
    """Version of the pack file format; 1."""
    key: Key
    """Stable key of the pack, e.g. `space_for_change`."""
    version: Version
    """The version the author declares, e.g. `1.0.0`."""
    languages: list[str] = Field(default_factory=lambda: ["en"])
    """The languages every text is written in; `en` always, `nb` optionally."""
    framework: Framework
    """The framework the pack describes."""
    items: list[Item] = Field(default_factory=list)
    """The framework's items."""
    instruments: list[Instrument] = Field(default_factory=list)
    """Survey instruments: statements on a scale, scored into items."""

    @model_validator(mode="after")
    def _consistency(self, info: ValidationInfo) -> Pack:
        # validate_pack_data reports these one by one, with their paths; it asks to skip here.
        if not (info.context or {}).get("defer_consistency"):
            problems = _consistency_problems(self)
            if problems:
                raise ValueError("; ".join(f"{path}: {message}" for path, message in problems))
        return self

    def item(self, key: str) -> Item | None:
        return next((item for item in self.items if item.key == key), None)

    def items_of(self, kind: ItemKind | str) -> list[Item]:
        return sorted((item for item in self.items if item.kind == kind), key=lambda item: (item.order or 0, item.key))


@dataclass(frozen=True)
class _Parts:
    """The parts of a document that are valid on their own, each with its index in the file.

    Cross-field checks run on these, so that a document with a type error in one item still
    gets its missing translations and unknown references reported in the same pass.
    """

    languages: list[str]
    framework: Framework | None
    items: list[tuple[int, Item]]
    instruments: list[tuple[int, Instrument]]
    # Keys of every item written, valid or not: a reference to a broken item is not "unknown".
    written_keys: set[str]

    @classmethod
    def of(cls, pack: Pack) -> _Parts:
        return cls(
            pack.languages,
            pack.framework,
            list(enumerate(pack.items)),
            list(enumerate(pack.instruments)),
            {item.key for item in pack.items},
        )

    @classmethod
    def salvage(cls, data: dict[str, Any]) -> _Parts:
        raw_items = data.get("items") if isinstance(data.get("items"), list) else []
        raw_instruments = data.get("instruments") if isinstance(data.get("instruments"), list) else []
        languages = data.get("languages", ["en"])
        written = {entry.get("key") for entry in raw_items or [] if isinstance(entry, dict)}
        return cls(
            [language for language in languages if isinstance(language, str)] if isinstance(languages, list) else [],
            _valid_or_none(Framework, data.get("framework")),
            _valid_entries(Item, raw_items or []),
            _valid_entries(Instrument, raw_instruments or []),
            {key for key in written if isinstance(key, str)},
        )


_Model = TypeVar("_Model", bound=BaseModel)


def _valid_or_none(model: type[_Model], value: Any) -> _Model | None:
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def _valid_entries(model: type[_Model], values: list[Any]) -> list[tuple[int, _Model]]:
    found = [(index, _valid_or_none(model, value)) for index, value in enumerate(values)]
    return [(index, entry) for index, entry in found if entry is not None]


def _duplicate_positions(keyed: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(index, key) of every repeat of a key after its first use."""
    seen: set[str] = set()
    repeats: list[tuple[int, str]] = []
    for index, key in keyed:
        if key in seen:
            repeats.append((index, key))
        seen.add(key)
    return repeats


def _item_refs(index: int, item: Item) -> list[tuple[str, str]]:
    """Every reference an item makes, with the dotted path where it is written."""
    where = f"items.{index}"
    refs = [(f"{where}.parent", item.parent)] if item.parent else []
    refs += [(f"{where}.links.{number}", ref) for number, ref in enumerate(item.links)]
    refs += [(f"{where}.answered_by.{number}", ref) for number, ref in enumerate(item.answered_by)]
    return refs


def _consistency_problems(pack: Pack | _Parts) -> list[tuple[str, str]]:
    """Problems that span several fields, each as (dotted path, message), paths as pydantic writes them."""
    parts = pack if isinstance(pack, _Parts) else _Parts.of(pack)
    problems: list[tuple[str, str]] = []
    if set(parts.languages) - set(SUPPORTED_LANGUAGES) or "en" not in parts.languages:
        problems.append(("languages", f"must include 'en' and only {list(SUPPORTED_LANGUAGES)}"))
    keyed = [(index, item.key) for index, item in parts.items]
    problems += [
        (f"items.{index}.key", f"item key {key!r} is used twice") for index, key in _duplicate_positions(keyed)
    ]
    known = parts.written_keys
    for index, item in parts.items:
        problems += [
            (where, f"item {item.key!r} refers to unknown item {ref!r}")
            for where, ref in _item_refs(index, item)
            if ":" not in ref and ref not in known
        ]
    problems += [
        (f"instruments.{index}.key", f"instrument key {key!r} is used twice")
        for index, key in _duplicate_positions([(index, instrument.key) for index, instrument in parts.instruments])
    ]
    for index, instrument in parts.instruments:
        where = f"instruments.{index}.statements"
        keyed = [(number, statement.key) for number, statement in enumerate(instrument.statements)]
        problems += [
            (f"{where}.{number}.key", f"statement key {key!r} is used twice")
            for number, key in _duplicate_positions(keyed)
        ]
        problems += [
            (f"{where}.{number}.dimension", f"statement {s.key!r} scores unknown item {s.dimension!r}")
            for number, s in enumerate(instrument.statements)
            if s.dimension not in known
        ]
        problems += _mapping_problems(index, instrument)
    problems += [
        (f"{where}.{language}", f"missing the {language!r} text") for where, language in _missing_translations(parts)
    ]
    return problems


def _mapping_problems(index: int, instrument: Instrument) -> list[tuple[str, str]]:
    where = f"instruments.{index}.mappings"
    statement_keys = {statement.key for statement in instrument.statements}
    problems = [
        (f"{where}.{number}.key", f"mapping key {key!r} is used twice")
        for number, key in _duplicate_positions([(number, m.key) for number, m in enumerate(instrument.mappings)])
    ]
    for number, mapping in enumerate(instrument.mappings):
        problems += [
            (f"{where}.{number}.statements.{key}", f"the instrument has no statement {key!r}")
            for key in mapping.statements
            if key not in statement_keys
        ]
        columns = list(mapping.statements.values())
        problems += [
            (f"{where}.{number}.statements", f"the column {column!r} is mapped to more than one statement")
            for column in sorted({column for column in columns if columns.count(column) > 1})
        ]
    return problems


def _item_texts(index: int, item: Item) -> list[tuple[str, Text]]:
    where = f"items.{index}"
    found: list[tuple[str, Text]] = [(f"{where}.name", item.name)]
    found += [(f"{where}.description", item.description)] if item.description else []
    found += [(f"{where}.checklist.{number}.text", entry.text) for number, entry in enumerate(item.checklist)]
    found += [(f"{where}.thresholds.{number}.description", t.description) for number, t in enumerate(item.thresholds)]
    return found


def _instrument_texts(index: int, instrument: Instrument) -> list[tuple[str, Text]]:
    where = f"instruments.{index}"
    scale = instrument.scale
    found: list[tuple[str, Text]] = [(f"{where}.name", instrument.name)]
    found += [(f"{where}.description", instrument.description)] if instrument.description else []
    found += [(f"{where}.scale.labels.{number}.label", point.label) for number, point in enumerate(scale.labels)]
    found += [(f"{where}.scale.dont_know_label", scale.dont_know_label)] if scale.dont_know_label else []
    found += [(f"{where}.statements.{number}.text", s.text) for number, s in enumerate(instrument.statements)]
    found += [(f"{where}.mappings.{number}.name", m.name) for number, m in enumerate(instrument.mappings)]
    return found


def _texts(parts: _Parts) -> list[tuple[str, Text]]:
    found: list[tuple[str, Text]] = []
    if parts.framework is not None:
        found += [("framework.name", parts.framework.name), ("framework.summary", parts.framework.summary)]
    for index, item in parts.items:
        found += _item_texts(index, item)
    for index, instrument in parts.instruments:
        found += _instrument_texts(index, instrument)
    return found


def _missing_translations(parts: _Parts) -> list[tuple[str, str]]:
    return [
        (where, language)
        for where, text in _texts(parts)
        for language in parts.languages
        if language in SUPPORTED_LANGUAGES and language not in text.languages()
    ]


class PackError(BaseModel):
    """One problem found in a pack file: where it is and what is wrong."""

    model_config = ConfigDict(frozen=True)

    file: str
    path: str
    message: str
    # The line in the file where the problem is, when the loader could locate it.
    line: int | None = None

    def __str__(self) -> str:
        if not self.path:
            return f"{self.file}: {f'line {self.line}' if self.line else '(document)'}: {self.message}"
        return f"{self.file}: {self.path}: {self.message}{f' (line {self.line})' if self.line else ''}"


def errors_from_validation(file: str, error: ValidationError) -> list[PackError]:
    return [
        PackError(file=file, path=".".join(str(part) for part in entry["loc"]), message=entry["msg"])
        for entry in error.errors()
    ]


def validate_pack_data(file: str, data: Any) -> tuple[Pack | None, list[PackError]]:
    """Validate a parsed document; return the pack or every error found, never both."""
    if not isinstance(data, dict):
        return None, [PackError(file=file, path="", message="a pack must be a mapping at the top level")]
    try:
        pack = Pack.model_validate(data, context={"defer_consistency": True})
    except ValidationError as error:
        # Also check what can be checked in the valid parts, so one pass reports every problem.
        found = errors_from_validation(file, error)
        seen = {(entry.path, entry.message) for entry in found}
        extra = [(path, message) for path, message in _consistency_problems(_Parts.salvage(data))]
        return None, found + [
            PackError(file=file, path=path, message=message) for path, message in extra if (path, message) not in seen
        ]
    problems = _consistency_problems(pack)
    if problems:
        return None, [PackError(file=file, path=path, message=message) for path, message in problems]
    return pack, []
