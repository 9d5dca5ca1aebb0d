"""Pure pack rules: identity, export round trip, display shapes and diffs."""

from __future__ import annotations

import copy

import yaml

from spaceforchange.frameworks.domain import (
    checksum_of,
    cross_pack_refs,
    diff_packs,
    digest_names,
    digest_of,
    grouped_items,
    language_of,
    localize,
    to_yaml,
)
from spaceforchange.frameworks.loader import parse_pack
from spaceforchange.frameworks.schema import Pack
from tests.factories import pack_data, pack_yaml


def pack(data: dict | None = None, key: str = "alpha") -> Pack:
    loaded, errors = parse_pack("pack.yaml", pack_yaml(key, data))
    assert errors == []
    return loaded.pack


def test_checksum_ignores_formatting_comments_and_key_order_but_not_content():
    data = pack_data("alpha")
    reordered = {key: data[key] for key in reversed(list(data))}
    text = "# a comment\n" + yaml.safe_dump(reordered, default_flow_style=True)
    same = parse_pack("other.yaml", text)[0].pack
    assert checksum_of(same) == checksum_of(pack(data))
    changed = copy.deepcopy(data)
    changed["items"][0]["name"]["nb"] = "Åpenhet!"
    assert checksum_of(pack(changed)) != checksum_of(pack(data))


def test_export_reimports_to_the_same_checksum_and_is_readable():
    original = pack(pack_data("alpha"))
    text = to_yaml(original)
    assert text.startswith("format: 1\nkey: alpha\nversion: 1.0.0\nlanguages:\n- en\n- nb\n")
    assert "Åpenhet" in text  # unicode written as is, not escaped
    assert "reverse: false" not in text  # defaults are left out
    again = parse_pack("export.yaml", text)[0].pack
    assert checksum_of(again) == checksum_of(original)


def test_export_writes_multi_line_texts_as_blocks():
    data = pack_data("alpha")
    data["items"][0]["description"]["en"] = "First line.\nSecond line."
    text = to_yaml(pack(data))
    assert "en: |-\n" in text
    assert parse_pack("x.yaml", text)[0].pack.items[0].description.en == "First line.\nSecond line."


def test_digest_summarises_without_the_whole_document():
    digest = digest_of(pack(pack_data("alpha", links=["beta:room"])))
    assert digest["name"] == {"en": "Framework alpha", "nb": "Rammeverk alpha"}
    assert digest["kinds"] == {"dimension": 2, "practice": 1, "warning_rule": 1}
    assert digest["provenance_counts"] == {"working-model": 2, "source-text": 1, "literature": 1}
    assert digest["statement_count"] == 4
    assert digest["items"]["room"] == {"kind": "dimension", "name": {"en": "Room", "nb": "Rom"}}
    assert digest["refs"] == [["open_dialogue", "beta:room"]]


def test_cross_pack_refs_lists_only_references_to_other_packs():
    data = pack_data("alpha", links=["beta:room"])
    data["items"][3]["answered_by"] = ["open_dialogue", "gamma:act"]
    assert cross_pack_refs(pack(data)) == [("open_dialogue", "beta:room"), ("too_closed", "gamma:act")]


def test_items_are_grouped_by_kind_in_file_order_and_sorted_by_order():
    groups = grouped_items(pack(pack_data("alpha")))
    assert [(kind, [item.key for item in items]) for kind, items in groups] == [
        ("dimension", ["room", "openness"]),
        ("practice", ["open_dialogue"]),
        ("warning_rule", ["too_closed"]),
    ]


def test_language_codes_map_to_pack_languages():
    assert [language_of(code) for code in ("nb", "nb-no", "en-gb", "de", None, "")] == [
        "nb",
        "nb",
        "en",
        "en",
        "en",
        "en",
    ]


def test_localize_picks_the_language_and_falls_back_to_english():
    data = pack_data("alpha", links=["beta:room"])
    data["languages"] = ["en"]
    data["items"][0]["name"] = {"en": "Openness"}
    names = {"beta": "Beta framework", "beta:room": "Beta room"}
    view = localize(pack(data), "nb", names)
    assert view.name == "Rammeverk alpha"
    dimension = view.groups[0].items
    assert [item.name for item in dimension] == ["Rom", "Openness"]
    practice = view.groups[1].items[0]
    assert practice.parent.name == "Openness" and practice.parent.same_pack
    assert [(ref.name, ref.pack_name, ref.same_pack) for ref in practice.links] == [
        ("Rom", None, True),
        ("Beta room", "Beta framework", False),
    ]
    assert practice.checklist == (("invite", "Inviter tidlig"),)
    rule = view.groups[2].items[0]
    assert (rule.severity, rule.thresholds[0].value, rule.thresholds[0].description) == (
        "warning",
        30.0,
        "Dager uten dialog",
    )
    scan = view.instruments[0]
    assert [group.dimension.item_key for group in scan.groups] == ["room", "openness"]
    assert [s.reverse for s in scan.groups[0].statements] == [False, True]
    assert scan.labels == ((1, "Uenig"), (5, "Enig"))
    assert scan.dont_know_label == "Vet ikke"


def test_unresolved_cross_pack_reference_has_no_name():
    view = localize(pack(pack_data("alpha", links=["beta:room"])), "en")
    assert view.groups[1].items[0].links[1].name is None


def test_digest_names_fall_back_to_english_and_keys():
    names = digest_names({"beta": {"name": {"en": "Beta"}, "items": {"x": {"name": {"en": "Ex", "nb": "Eks"}}}}}, "nb")
    assert names == {"beta": "Beta", "beta:x": "Eks"}


def test_diff_of_identical_packs_is_empty():
    assert diff_packs(pack(), pack()).is_empty


def test_diff_lists_added_removed_and_changed_items_and_statements():
    old_data = pack_data("alpha")
    new_data = copy.deepcopy(old_data)
    new_data["version"] = "1.1.0"
    new_data["items"][0]["name"]["nb"] = "Åpenhet i praksis"
    new_data["items"][2]["checklist"][0]["text"]["en"] = "Invite everyone early"
    del new_data["items"][3]  # the warning rule
    new_data["items"].append(
        {
            "key": "budget",
            "kind": "dimension",
            "provenance": "working-model",
            "name": {"en": "Budget", "nb": "Budsjett"},
        }
    )
    statements = new_data["instruments"][0]["statements"]
    statements[0]["reverse"] = True
    statements[1]["text"]["en"] = "Rules stop us."
    del statements[2]
    statements.append(
        {
            "key": "b1",
            "dimension": "budget",
            "provenance": "working-model",
            "text": {"en": "Money is there.", "nb": "Pengene finnes."},
        }
    )
    diff = diff_packs(pack(old_data), pack(new_data), "nb")
    assert [(change.field, change.old, change.new) for change in diff.framework] == [("version", "1.0.0", "1.1.0")]
    assert [(entry.key, entry.status) for entry in diff.items] == [
        ("openness", "changed"),
        ("open_dialogue", "changed"),
        ("budget", "added"),
        ("too_closed", "removed"),
    ]
    openness = diff.items[0]
    assert openness.label == "Åpenhet i praksis"
    assert [(c.field, c.old, c.new) for c in openness.changes] == [("name.nb", "Åpenhet", "Åpenhet i praksis")]
    assert [c.field for c in diff.items[1].changes] == ["checklist.invite.text.en"]
    [scan] = diff.instruments
    assert scan.status == "changed" and scan.changes == ()
    assert [(s.key, s.status, [c.field for c in s.changes]) for s in scan.statements] == [
        ("r1", "changed", ["reverse"]),
        ("r2", "changed", ["text.en"]),
        ("b1", "added", []),
        ("o1", "removed", []),
    ]
    assert (diff.count("added"), diff.count("removed"), diff.count("changed")) == (2, 2, 5)


def test_diff_of_a_whole_instrument_added():
    old_data = pack_data("alpha")
    new_data = copy.deepcopy(old_data)
    extra = copy.deepcopy(new_data["instruments"][0])
    extra["key"] = "pulse"
    new_data["instruments"].append(extra)
    diff = diff_packs(pack(old_data), pack(new_data))
    assert [(entry.key, entry.status) for entry in diff.instruments] == [("pulse", "added")]
