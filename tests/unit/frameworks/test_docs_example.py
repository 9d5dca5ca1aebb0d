"""The example in docs/reference/framework-packs.md is a valid pack, and the kind list is complete."""

from __future__ import annotations

import re
from pathlib import Path

from spaceforchange.frameworks.loader import validate_batch
from spaceforchange.frameworks.schema import ItemKind, Provenance

DOC = Path(__file__).resolve().parents[3] / "docs" / "reference" / "framework-packs.md"


def test_the_documented_example_validates():
    text = DOC.read_text()
    example = re.search(r"```yaml\n(.*?)```", text, re.DOTALL).group(1)
    loaded, errors = validate_batch(
        [("example.yaml", example)], library={"gray_zone": {"register_with_accountability"}}
    )
    assert errors == []
    pack = loaded[0].pack
    assert {item.kind for item in pack.items} == {ItemKind.DIMENSION, ItemKind.PRACTICE, ItemKind.WARNING_RULE}
    assert pack.instruments[0].statements[1].reverse is True


def test_every_kind_and_provenance_tag_is_documented():
    text = DOC.read_text()
    assert all(f"| `{kind.value}` |" in text for kind in ItemKind)
    assert all(f"| `{tag.value}` |" in text for tag in Provenance)
