"""The framework pack format: pydantic models that validate a pack document.

A pack is one YAML file holding one framework: its items (dimensions, types, states,
strategies, tactics, factors, archetypes, practices, warning rules …) and its instruments
(survey statements on a scale, each scored into a dimension). Every item carries a stable key,
a provenance tag and its text in every language the pack declares.

The format is documented for authors in ``docs/reference/framework-packs.md``. This module is
pure: it imports no Django, so the CLI and tests can validate files without a database.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

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
# A reference to an item: "item_key" in the same pack, or "pack_key:item_key" in another.
ItemRef = Annotated[str, StringConstraints(pattern=r"^([a-z][a-z0-9_]{0,62}:)?[a-z][a-z0-9_]{0,62}$")]
Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]


class Provenance(StrEnum):
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


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class Text(BaseModel):
    """A text in several languages. English is always required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    en: Annotated[str, StringConstraints(min_length=1, max_length=4000, strip_whitespace=True)]
    nb: Annotated[str, StringConstraints(min_length=1, max_length=4000, strip_whitespace=True)] | None = None

    def get(self, language: str) -> str:
        value = getattr(self, language, None) if language in SUPPORTED_LANGUAGES else None
        return value or self.en

    def languages(self) -> set[str]:
        return {language for language in SUPPORTED_LANGUAGES if getattr(self, language, None)}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChecklistEntry(Strict):
    key: Key
    text: Text


class Threshold(Strict):
    key: Key
    value: float
    unit: Annotated[str, StringConstraints(max_length=40)] = ""
    description: Text


AttributeValue = str | int | float | bool


class Item(Strict):
    key: Key
    kind: ItemKind
    name: Text
    description: Text | None = None
    provenance: Provenance
    order: int | None = None
    parent: ItemRef | None = None
    links: list[ItemRef] = Field(default_factory=list)
    attributes: dict[Key, AttributeValue] = Field(default_factory=dict)
    checklist: list[ChecklistEntry] = Field(default_factory=list)
    # Warning rules only.
    area: Key | None = None
    severity: Severity | None = None
    thresholds: list[Threshold] = Field(default_factory=list)
    answered_by: list[ItemRef] = Field(default_factory=list)

    @model_validator(mode="after")
    def _warning_fields(self) -> Item:
        is_rule = self.kind is ItemKind.WARNING_RULE
        if is_rule and (self.area is None or self.severity is None):
            raise ValueError("a warning rule needs an area and a severity")
        if not is_rule and (self.area or self.severity or self.thresholds or self.answered_by):
            raise ValueError("area, severity, thresholds and answered_by belong to warning rules only")
        return self


class ScalePoint(Strict):
    value: int
    label: Text


class Scale(Strict):
    min: int = 1
    max: int = 5
    labels: list[ScalePoint] = Field(default_factory=list)
    dont_know_label: Text | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Scale:
        if self.min >= self.max:
            raise ValueError("the scale's min must be below its max")
        if self.max - self.min > 10:
            raise ValueError("a scale may have at most eleven points")
        for point in self.labels:
            if not self.min <= point.value <= self.max:
                raise ValueError(f"label value {point.value} lies outside the scale {self.min}–{self.max}")
        return self


class Statement(Strict):
    key: Key
    dimension: Key
    text: Text
    reverse: bool = False
    dont_know_allowed: bool = True
    provenance: Provenance


class Instrument(Strict):
    key: Key
    name: Text
    description: Text | None = None
    provenance: Provenance
    scale: Scale = Field(default_factory=Scale)
    statements: list[Statement] = Field(min_length=1)


class Framework(Strict):
    key: Key
    name: Text
    summary: Text
    provenance: Provenance
    sources: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] = Field(default_factory=list)


class Pack(Strict):
    """One framework pack document."""

    format: int = Field(1, ge=1, le=1)
    key: Key
    version: Version
    languages: list[str] = Field(default_factory=lambda: ["en"])
    framework: Framework
    items: list[Item] = Field(default_factory=list)
    instruments: list[Instrument] = Field(default_factory=list)

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
        return sorted(
            (item for item in self.items if item.kind == kind), key=lambda item: (item.order or 0, item.key)
        )


def _duplicates(keys: list[str]) -> list[str]:
    return sorted({key for key in keys if keys.count(key) > 1})


def _consistency_problems(pack: Pack) -> list[tuple[str, str]]:
    """Problems that span several fields, each as (path, message)."""
    problems: list[tuple[str, str]] = []
    if set(pack.languages) - set(SUPPORTED_LANGUAGES) or "en" not in pack.languages:
        problems.append(("languages", f"must include 'en' and only {list(SUPPORTED_LANGUAGES)}"))
    keys = [item.key for item in pack.items]
    problems += [("items", f"item key {key!r} is used twice") for key in _duplicates(keys)]
    known = set(keys)
    for index, item in enumerate(pack.items):
        for ref in [*([item.parent] if item.parent else []), *item.links, *item.answered_by]:
            if ":" not in ref and ref not in known:
                problems.append((f"items.{index}", f"item {item.key!r} refers to unknown item {ref!r}"))
    problems += [
        ("instruments", f"instrument key {key!r} is used twice")
        for key in _duplicates([instrument.key for instrument in pack.instruments])
    ]
    for index, instrument in enumerate(pack.instruments):
        where = f"instruments.{index}"
        problems += [
            (where, f"statement key {key!r} is used twice")
            for key in _duplicates([statement.key for statement in instrument.statements])
        ]
        problems += [
            (f"{where}.statements.{number}", f"statement {s.key!r} scores unknown item {s.dimension!r}")
            for number, s in enumerate(instrument.statements)
            if s.dimension not in known
        ]
    problems += [(where, f"missing the {language!r} text") for where, language in _missing_translations(pack)]
    return problems


def _texts(pack: Pack) -> list[tuple[str, Text]]:
    found: list[tuple[str, Text]] = [("framework.name", pack.framework.name), ("framework.summary", pack.framework.summary)]
    for item in pack.items:
        found += [(f"item {item.key}.name", item.name)]
        found += [(f"item {item.key}.description", item.description)] if item.description else []
        found += [(f"item {item.key}.checklist.{entry.key}", entry.text) for entry in item.checklist]
        found += [(f"item {item.key}.thresholds.{t.key}", t.description) for t in item.thresholds]
    for instrument in pack.instruments:
        found += [(f"instrument {instrument.key}.name", instrument.name)]
        found += [(f"instrument {instrument.key}.description", instrument.description)] if instrument.description else []
        found += [(f"instrument {instrument.key}.scale.{p.value}", p.label) for p in instrument.scale.labels]
        found += [(f"instrument {instrument.key}.scale.dont_know", instrument.scale.dont_know_label)] if instrument.scale.dont_know_label else []
        found += [(f"instrument {instrument.key}.statement {s.key}", s.text) for s in instrument.statements]
    return found


def _missing_translations(pack: Pack) -> list[tuple[str, str]]:
    return [
        (where, language)
        for where, text in _texts(pack)
        for language in pack.languages
        if language in SUPPORTED_LANGUAGES and language not in text.languages()
    ]


class PackError(BaseModel):
    """One problem found in a pack file: where it is and what is wrong."""

    model_config = ConfigDict(frozen=True)

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path or '(document)'}: {self.message}"


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
        return None, errors_from_validation(file, error)
    problems = _consistency_problems(pack)
    if problems:
        return None, [PackError(file=file, path=path, message=message) for path, message in problems]
    return pack, []
