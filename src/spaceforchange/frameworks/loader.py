"""Read pack files safely and validate them, alone or as an all-or-nothing batch.

Pack files come from administrators' uploads and the API as well as from the product, so the
parser treats every file as hostile: a size cap before parsing, strict UTF-8, YAML's safe
loader only (no Python tags), a cap on the size a document reaches once its aliases are
expanded (an "alias bomb" is tiny on disk and enormous in memory), refusal of self-referencing
anchors and of repeated mapping keys (YAML silently keeps the last one, which hides mistakes).

Every problem is reported as a :class:`PackError` with the file, the dotted path inside the
document and, where it can be found, the line. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from spaceforchange.frameworks.schema import Pack, PackError, validate_pack_data

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# A pack of the largest allowed size has well under this many nodes; only aliases reach it.
MAX_EXPANDED_NODES = 250_000
PACK_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LoadedPack:
    """A valid pack and the file it came from."""

    file: str
    pack: Pack
    root: yaml.Node | None = None

    def line_of(self, path: str) -> int | None:
        return line_of(self.root, path)


def default_max_bytes() -> int:
    """``settings.SFC_MAX_PACK_BYTES`` when Django is configured, else the documented default."""
    try:
        from django.conf import settings

        return int(getattr(settings, "SFC_MAX_PACK_BYTES", DEFAULT_MAX_BYTES))
    except Exception:  # settings not configured: the CLI's validate runs without them in tests
        return DEFAULT_MAX_BYTES


def _decode(file: str, content: bytes | str, max_bytes: int) -> tuple[str | None, list[PackError]]:
    size = len(content.encode("utf-8")) if isinstance(content, str) else len(content)
    if size > max_bytes:
        message = f"the file is {size} bytes; packs may be at most {max_bytes} bytes"
        return None, [PackError(file=file, path="", message=message)]
    if isinstance(content, str):
        return content, []
    try:
        return content.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        message = f"the file is not UTF-8 text (invalid byte at position {error.start})"
        return None, [PackError(file=file, path="", message=message)]


def _syntax_error(file: str, error: yaml.YAMLError) -> PackError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context = getattr(error, "context", None)
    if isinstance(error, yaml.constructor.ConstructorError):
        message = f"YAML tag not allowed: {problem}"
    else:
        message = f"YAML syntax error: {context + ': ' if context else ''}{problem}"
    return PackError(file=file, path="", message=message, line=mark.line + 1 if mark is not None else None)


def _compose(file: str, text: str) -> tuple[yaml.Node | None, list[PackError]]:
    loader = _Loader(text)
    try:
        return loader.get_single_node(), []
    except yaml.YAMLError as error:
        return None, [_syntax_error(file, error)]
    except RecursionError:  # the pure-Python parser (no libyaml) on absurdly deep nesting
        return None, [PackError(file=file, path="", message="the document is nested too deeply")]
    finally:
        loader.dispose()


def _children(node: yaml.Node) -> list[tuple[str | None, yaml.Node]]:
    """(key text, child) for a node's children; keys are listed as children too."""
    if isinstance(node, yaml.MappingNode):
        found: list[tuple[str | None, yaml.Node]] = []
        for key, value in node.value:
            found += [(None, key), (key.value if isinstance(key, yaml.ScalarNode) else None, value)]
        return found
    if isinstance(node, yaml.SequenceNode):
        return [(str(index), child) for index, child in enumerate(node.value)]
    return []


def _expanded_size(root: yaml.Node) -> int | None:
    """Nodes the document has once aliases are expanded; None if an anchor contains itself."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        ident = id(node)
        if children_done:
            on_path.discard(ident)
            sizes[ident] = min(1 + sum(sizes[id(child)] for _, child in _children(node)), MAX_EXPANDED_NODES + 1)
            continue
        if ident in sizes:
            continue
        if ident in on_path:
            return None
        on_path.add(ident)
        stack.append((node, True))
        stack.extend((child, False) for _, child in _children(node) if id(child) not in sizes)
    return sizes[id(root)]


def _repeated_keys(file: str, root: yaml.Node) -> list[PackError]:
    """Mapping keys written twice in one mapping, each node visited once."""
    errors: list[PackError] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key, _value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value in keys:
                    where = f"{path}.{key.value}" if path else key.value
                    message = f"the key {key.value!r} is written twice in the same mapping"
                    errors.append(PackError(file=file, path=where, message=message, line=key.start_mark.line + 1))
                keys.add(key.value if isinstance(key, yaml.ScalarNode) else "")
        stack.extend((child, f"{path}.{name}" if path else name) for name, child in _children(node) if name is not None)
    return sorted(errors, key=lambda error: error.line or 0)


def _check_shape(file: str, root: yaml.Node) -> list[PackError]:
    size = _expanded_size(root)
    if size is None:
        return [PackError(file=file, path="", message="an anchor refers to itself; recursive YAML is not allowed")]
    if size > MAX_EXPANDED_NODES:
        message = f"the document expands to more than {MAX_EXPANDED_NODES} values through its aliases (&/*)"
        return [PackError(file=file, path="", message=message)]
    return _repeated_keys(file, root)


def line_of(root: yaml.Node | None, path: str) -> int | None:
    """The line of the deepest node a dotted path reaches (1-based), or None."""
    if root is None:
        return None
    node, line = root, root.start_mark.line + 1
    for part in (part for part in path.split(".") if part):
        child = _child(node, part)
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def _child(node: yaml.Node, part: str) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
        child: yaml.Node = node.value[int(part)]
        return child
    if isinstance(node, yaml.MappingNode):
        return next((value for key, value in node.value if getattr(key, "value", None) == part), None)
    return None


def _construct(file: str, text: str, root: yaml.Node) -> tuple[Any, list[PackError]]:
    loader = _Loader(text)
    try:
        return loader.construct_document(root), []
    except yaml.YAMLError as error:  # unknown tags such as !!python/object end here
        return None, [_syntax_error(file, error)]
    except RecursionError:
        return None, [PackError(file=file, path="", message="the document is nested too deeply")]
    finally:
        loader.dispose()


def parse_pack(
    file: str, content: bytes | str, *, max_bytes: int | None = None
) -> tuple[LoadedPack | None, list[PackError]]:
    """Parse and validate one pack; return it or every error found, never both."""
    text, errors = _decode(file, content, default_max_bytes() if max_bytes is None else max_bytes)
    if text is None:
        return None, errors
    root, errors = _compose(file, text)
    if errors:
        return None, errors
    if root is None:
        return None, [PackError(file=file, path="", message="the file is empty; a pack must be a mapping")]
    errors = _check_shape(file, root)
    if errors:
        return None, errors
    data, errors = _construct(file, text, root)
    if errors:
        return None, errors
    pack, errors = validate_pack_data(file, data)
    if pack is None:
        return None, [_located(error, root) for error in errors]
    return LoadedPack(file=file, pack=pack, root=root), []


_NOT_TEXT = {
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "empty",
    "tag:yaml.org,2002:timestamp": "a date",
}


def _located(error: PackError, root: yaml.Node) -> PackError:
    """The error with its line, and a hint where YAML read a text as something else."""
    message = error.message
    node = _node_at(root, error.path)
    read_as = _NOT_TEXT.get(node.tag) if isinstance(node, yaml.ScalarNode) and not node.style else None
    if error.path == "version" and read_as:
        message += '; write the version in quotes, e.g. version: "1.0.0"'
    elif read_as and "valid string" in message:
        message += f"; YAML read {node.value!r} as {read_as}: put it in quotes"  # type: ignore[union-attr]
    return error.model_copy(update={"line": line_of(root, error.path), "message": message})


def _node_at(root: yaml.Node, path: str) -> yaml.Node | None:
    node: yaml.Node | None = root
    for part in (part for part in path.split(".") if part):
        node = _child(node, part) if node is not None else None
    return node


def pack_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[PackError]]:
    """The pack files named, with directories expanded to their ``*.yaml``/``*.yml`` files."""
    found: list[Path] = []
    errors: list[PackError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(child for child in path.iterdir() if child.is_file() and child.suffix in PACK_SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            errors.append(PackError(file=str(path), path="", message="no such file or directory"))
    return found, errors


def read_files(
    paths: Sequence[Path], *, max_bytes: int | None = None
) -> tuple[list[tuple[str, bytes]], list[PackError]]:
    """Read files, refusing any over the size cap before reading it."""
    limit = default_max_bytes() if max_bytes is None else max_bytes
    sources: list[tuple[str, bytes]] = []
    errors: list[PackError] = []
    for path in paths:
        try:
            size = path.stat().st_size
            if size > limit:
                message = f"the file is {size} bytes; packs may be at most {limit} bytes"
                errors.append(PackError(file=str(path), path="", message=message))
                continue
            sources.append((str(path), path.read_bytes()))
        except OSError as error:
            errors.append(PackError(file=str(path), path="", message=f"cannot read the file: {error.strerror}"))
    return sources, errors


def _reference_errors(loaded: LoadedPack, library: Mapping[str, Collection[str]]) -> list[PackError]:
    errors: list[PackError] = []
    for index, item in enumerate(loaded.pack.items):
        refs = [("parent", item.parent)] if item.parent else []
        refs += [(f"links.{number}", ref) for number, ref in enumerate(item.links)]
        refs += [(f"answered_by.{number}", ref) for number, ref in enumerate(item.answered_by)]
        for field, ref in refs:
            if ":" not in ref:
                continue
            pack_key, item_key = ref.split(":", 1)
            if pack_key not in library:
                message = f"item {item.key!r} refers to {ref!r}, but there is no pack {pack_key!r}"
            elif item_key not in library[pack_key]:
                message = f"item {item.key!r} refers to {ref!r}, but pack {pack_key!r} has no item {item_key!r}"
            else:
                continue
            path = f"items.{index}.{field}"
            errors.append(PackError(file=loaded.file, path=path, message=message, line=loaded.line_of(path)))
    return errors


def validate_batch(
    sources: Sequence[tuple[str, bytes | str]],
    *,
    library: Mapping[str, Collection[str]] | None = None,
    max_bytes: int | None = None,
) -> tuple[list[LoadedPack], list[PackError]]:
    """Validate several files together: every error in every file, or every pack and no error.

    ``library`` maps the pack keys already available to the importer to their item keys;
    references ``pack:item`` must resolve against it or against another pack of the batch.
    """
    loaded: list[LoadedPack] = []
    errors: list[PackError] = []
    for file, content in sources:
        result, problems = parse_pack(file, content, max_bytes=max_bytes)
        errors += problems
        loaded += [result] if result is not None else []
    first_file: dict[str, str] = {}
    for entry in loaded:
        if entry.pack.key in first_file:
            message = f"pack key {entry.pack.key!r} is also used by {first_file[entry.pack.key]}"
            errors.append(PackError(file=entry.file, path="key", message=message, line=entry.line_of("key")))
        first_file.setdefault(entry.pack.key, entry.file)
    known = {key: set(items) for key, items in (library or {}).items()}
    known.update({entry.pack.key: {item.key for item in entry.pack.items} for entry in loaded})
    for entry in loaded:
        errors += _reference_errors(entry, known)
    return ([] if errors else loaded), errors
