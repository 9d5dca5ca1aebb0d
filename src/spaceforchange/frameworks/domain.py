"""Pure rules about packs: identity (checksum), summaries, YAML export, display shapes, diffs.

No Django and no database here, so the CLI, the API and the pages share one behaviour and the
tests need no fixtures.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from spaceforchange.frameworks.schema import SUPPORTED_LANGUAGES, Instrument, Item, Pack, Text


def language_of(code: str | None) -> str:
    """The pack language for a Django language code (``nb-no`` → ``nb``); English otherwise."""
    base = (code or "en").split("-")[0].lower()
    return base if base in SUPPORTED_LANGUAGES else "en"


def document_of(pack: Pack) -> dict[str, Any]:
    """The validated pack as JSON-ready data: what a pack version stores."""
    return pack.model_dump(mode="json")


def checksum_of(pack: Pack) -> str:
    """sha256 of the canonical JSON of the validated pack.

    Canonical means sorted keys after validation, so comments, quoting, key order and
    whitespace in the YAML do not make a new version; any change of content does.
    """
    canonical = json.dumps(document_of(pack), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _text(value: Text | None) -> dict[str, str]:
    return value.model_dump(exclude_none=True) if value is not None else {}


def cross_pack_refs(pack: Pack) -> list[tuple[str, str]]:
    """(item key, ``pack:item``) for every reference an item makes to another pack."""
    found: list[tuple[str, str]] = []
    for item in pack.items:
        refs = [*([item.parent] if item.parent else []), *item.links, *item.answered_by]
        found += [(item.key, ref) for ref in refs if ":" in ref]
    return found


def digest_of(pack: Pack) -> dict[str, Any]:
    """A small summary stored beside each version, so lists never load whole documents."""
    return {
        "name": _text(pack.framework.name),
        "summary": _text(pack.framework.summary),
        "provenance": pack.framework.provenance.value,
        "version": pack.version,
        "item_count": len(pack.items),
        "instrument_count": len(pack.instruments),
        "statement_count": sum(len(instrument.statements) for instrument in pack.instruments),
        "kinds": dict(Counter(item.kind.value for item in pack.items)),
        "provenance_counts": dict(Counter(item.provenance.value for item in pack.items)),
        "items": {item.key: {"kind": item.kind.value, "name": _text(item.name)} for item in pack.items},
        "refs": [list(pair) for pair in cross_pack_refs(pack)],
    }


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(pack: Pack) -> str:
    """The pack as a YAML file an author can edit and import again (same checksum)."""
    head: dict[str, Any] = {
        "format": pack.format,
        "key": pack.key,
        "version": pack.version,
        "languages": pack.languages,
    }
    body = pack.model_dump(mode="json", exclude_defaults=True)
    data = {**head, **{key: value for key, value in body.items() if key not in head}}
    dumped: str = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return dumped


# --- Display shapes: one pack in one language ---------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A reference to an item, resolved to its name when the item is known."""

    ref: str
    pack_key: str
    item_key: str
    name: str | None
    pack_name: str | None = None
    same_pack: bool = True


@dataclass(frozen=True)
class ThresholdView:
    key: str
    value: float
    unit: str
    description: str


@dataclass(frozen=True)
class ItemView:
    key: str
    kind: str
    name: str
    description: str
    provenance: str
    order: int | None
    parent: Ref | None
    links: tuple[Ref, ...]
    attributes: tuple[tuple[str, str], ...]
    checklist: tuple[tuple[str, str], ...]
    area: str | None
    severity: str | None
    thresholds: tuple[ThresholdView, ...]
    answered_by: tuple[Ref, ...]


@dataclass(frozen=True)
class KindGroup:
    kind: str
    items: tuple[ItemView, ...]


@dataclass(frozen=True)
class StatementView:
    key: str
    text: str
    reverse: bool
    dont_know_allowed: bool
    provenance: str


@dataclass(frozen=True)
class DimensionStatements:
    dimension: Ref
    statements: tuple[StatementView, ...]


@dataclass(frozen=True)
class InstrumentView:
    key: str
    name: str
    description: str
    provenance: str
    scale_min: int
    scale_max: int
    labels: tuple[tuple[int, str], ...]
    dont_know_label: str
    groups: tuple[DimensionStatements, ...]
    statement_count: int


@dataclass(frozen=True)
class PackView:
    key: str
    name: str
    summary: str
    provenance: str
    sources: tuple[str, ...]
    version: str
    languages: tuple[str, ...]
    groups: tuple[KindGroup, ...]
    instruments: tuple[InstrumentView, ...]

    def item(self, key: str) -> ItemView | None:
        return next((item for group in self.groups for item in group.items if item.key == key), None)

    def children_of(self, key: str) -> list[ItemView]:
        return [item for group in self.groups for item in group.items if item.parent and item.parent.ref == key]

    def statements_scoring(self, key: str) -> list[tuple[InstrumentView, DimensionStatements]]:
        return [
            (instrument, group)
            for instrument in self.instruments
            for group in instrument.groups
            if group.dimension.item_key == key
        ]


def _text_in(value: Text | None, language: str) -> str:
    return value.get(language) if value is not None else ""


def _ref(ref: str, pack: Pack, language: str, names: Mapping[str, str]) -> Ref:
    if ":" in ref:
        pack_key, item_key = ref.split(":", 1)
        return Ref(ref, pack_key, item_key, names.get(ref), names.get(pack_key), same_pack=pack_key == pack.key)
    item = pack.item(ref)
    return Ref(ref, pack.key, ref, _text_in(item.name, language) if item else None)


def _item_view(item: Item, pack: Pack, language: str, names: Mapping[str, str]) -> ItemView:
    return ItemView(
        key=item.key,
        kind=item.kind.value,
        name=item.name.get(language),
        description=_text_in(item.description, language),
        provenance=item.provenance.value,
        order=item.order,
        parent=_ref(item.parent, pack, language, names) if item.parent else None,
        links=tuple(_ref(ref, pack, language, names) for ref in item.links),
        attributes=tuple((key, str(value)) for key, value in item.attributes.items()),
        checklist=tuple((entry.key, entry.text.get(language)) for entry in item.checklist),
        area=item.area,
        severity=item.severity.value if item.severity else None,
        thresholds=tuple(ThresholdView(t.key, t.value, t.unit, t.description.get(language)) for t in item.thresholds),
        answered_by=tuple(_ref(ref, pack, language, names) for ref in item.answered_by),
    )


def grouped_items(pack: Pack) -> list[tuple[str, list[Item]]]:
    """Items by kind: kinds in the order they first appear, items by ``order`` then file order."""
    kinds: dict[str, list[tuple[int, Item]]] = {}
    for position, item in enumerate(pack.items):
        kinds.setdefault(item.kind.value, []).append((position, item))
    return [
        (kind, [item for _, item in sorted(entries, key=lambda e: (e[1].order is None, e[1].order or 0, e[0]))])
        for kind, entries in kinds.items()
    ]


def _instrument_view(instrument: Instrument, pack: Pack, language: str) -> InstrumentView:
    by_dimension: dict[str, list[StatementView]] = {}
    for statement in instrument.statements:
        view = StatementView(
            statement.key,
            statement.text.get(language),
            statement.reverse,
            statement.dont_know_allowed,
            statement.provenance.value,
        )
        by_dimension.setdefault(statement.dimension, []).append(view)
    # Dimensions in the order the framework page shows its items.
    shown = [item.key for _, items in grouped_items(pack) for item in items]
    dimensions = sorted(by_dimension, key=lambda key: shown.index(key) if key in shown else len(shown))
    scale = instrument.scale
    return InstrumentView(
        key=instrument.key,
        name=instrument.name.get(language),
        description=_text_in(instrument.description, language),
        provenance=instrument.provenance.value,
        scale_min=scale.min,
        scale_max=scale.max,
        labels=tuple((point.value, point.label.get(language)) for point in scale.labels),
        dont_know_label=_text_in(scale.dont_know_label, language),
        groups=tuple(
            DimensionStatements(_ref(key, pack, language, {}), tuple(by_dimension[key])) for key in dimensions
        ),
        statement_count=len(instrument.statements),
    )


def localize(pack: Pack, language: str, names: Mapping[str, str] | None = None) -> PackView:
    """The pack in one language. ``names`` maps ``pack`` and ``pack:item`` to names in other packs."""
    known = names or {}
    return PackView(
        key=pack.key,
        name=pack.framework.name.get(language),
        summary=pack.framework.summary.get(language),
        provenance=pack.framework.provenance.value,
        sources=tuple(pack.framework.sources),
        version=pack.version,
        languages=tuple(pack.languages),
        groups=tuple(
            KindGroup(kind, tuple(_item_view(item, pack, language, known) for item in items))
            for kind, items in grouped_items(pack)
        ),
        instruments=tuple(_instrument_view(instrument, pack, language) for instrument in pack.instruments),
    )


def digest_names(digests: Mapping[str, Mapping[str, Any]], language: str) -> dict[str, str]:
    """``pack`` → framework name and ``pack:item`` → item name, from stored digests."""
    names: dict[str, str] = {}
    for pack_key, digest in digests.items():
        names[pack_key] = _name_in(digest.get("name", {}), language) or pack_key
        for item_key, entry in digest.get("items", {}).items():
            names[f"{pack_key}:{item_key}"] = _name_in(entry.get("name", {}), language) or item_key
    return names


def _name_in(text: Mapping[str, str], language: str) -> str:
    return text.get(language) or text.get("en") or ""


# --- Comparing two versions ---------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One field that differs; ``field`` is a dotted path such as ``name.nb`` or ``checklist.plan.text.en``."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class EntryChange:
    """An item, instrument or statement that was added, removed or changed."""

    key: str
    label: str
    status: str  # "added", "removed" or "changed"
    changes: tuple[FieldChange, ...] = ()
    statements: tuple[EntryChange, ...] = ()


@dataclass(frozen=True)
class PackDiff:
    framework: tuple[FieldChange, ...]
    items: tuple[EntryChange, ...]
    instruments: tuple[EntryChange, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.framework or self.items or self.instruments)

    def count(self, status: str) -> int:
        statements = [s for instrument in self.instruments for s in instrument.statements]
        return sum(1 for entry in [*self.items, *self.instruments, *statements] if entry.status == status)


def _flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """Nested data as ``dotted.path → text``; lists of keyed entries are addressed by key."""
    if isinstance(value, dict):
        flat: dict[str, str] = {}
        for key, child in value.items():
            if child is not None:
                flat.update(_flatten(child, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list) and value and all(isinstance(entry, dict) for entry in value):
        flat = {}
        for index, entry in enumerate(value):
            name = entry.get("key", entry.get("value", index))
            rest = {key: child for key, child in entry.items() if key not in ("key", "value")}
            flat.update(_flatten(rest, f"{prefix}.{name}"))
        return flat
    if isinstance(value, list):
        return {prefix: ", ".join(str(entry) for entry in value)} if value else {}
    return {prefix: str(value).lower() if isinstance(value, bool) else str(value)}


def _field_changes(old: Mapping[str, str], new: Mapping[str, str]) -> tuple[FieldChange, ...]:
    fields = [*old, *(key for key in new if key not in old)]
    return tuple(
        FieldChange(field, old.get(field, ""), new.get(field, ""))
        for field in fields
        if old.get(field) != new.get(field)
    )


def _entries(
    old: Mapping[str, Any], new: Mapping[str, Any], flat: Any, label: Any, nested: Any = None
) -> tuple[EntryChange, ...]:
    """Changes between two keyed collections, in the new order, removed entries last."""
    changes: list[EntryChange] = []
    for key, entry in new.items():
        if key not in old:
            changes.append(EntryChange(key, label(entry), "added", statements=nested(None, entry) if nested else ()))
            continue
        fields = _field_changes(flat(old[key]), flat(entry))
        inner = nested(old[key], entry) if nested else ()
        if fields or inner:
            changes.append(EntryChange(key, label(entry), "changed", fields, inner))
    changes += [
        EntryChange(key, label(entry), "removed", statements=nested(entry, None) if nested else ())
        for key, entry in old.items()
        if key not in new
    ]
    return tuple(changes)


def _statement_changes(old: Instrument | None, new: Instrument | None, language: str) -> tuple[EntryChange, ...]:
    if old is None or new is None:  # a whole instrument added or removed: its statements go with it
        return ()
    return _entries(
        {s.key: s for s in old.statements},
        {s.key: s for s in new.statements},
        lambda s: _flatten(s.model_dump(mode="json", exclude={"key"})),
        lambda s: s.text.get(language),
    )


def diff_packs(old: Pack, new: Pack, language: str = "en") -> PackDiff:
    """What changed from ``old`` to ``new``: framework fields, items, instruments and statements."""
    head_old = {"version": old.version, "languages": ", ".join(old.languages)}
    head_new = {"version": new.version, "languages": ", ".join(new.languages)}
    framework = _field_changes(
        {**head_old, **_flatten(old.framework.model_dump(mode="json", exclude={"key"}))},
        {**head_new, **_flatten(new.framework.model_dump(mode="json", exclude={"key"}))},
    )
    items = _entries(
        {item.key: item for item in old.items},
        {item.key: item for item in new.items},
        lambda item: _flatten(item.model_dump(mode="json", exclude={"key"})),
        lambda item: item.name.get(language),
    )
    instruments = _entries(
        {instrument.key: instrument for instrument in old.instruments},
        {instrument.key: instrument for instrument in new.instruments},
        lambda instrument: _flatten(instrument.model_dump(mode="json", exclude={"key", "statements"})),
        lambda instrument: instrument.name.get(language),
        lambda before, after: _statement_changes(before, after, language),
    )
    return PackDiff(framework, items, instruments)
