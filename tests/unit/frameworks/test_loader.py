"""The loader refuses every kind of bad pack file with a located, readable error, and never crashes."""

from __future__ import annotations

import copy

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spaceforchange.frameworks.loader import MAX_EXPANDED_NODES, pack_files, parse_pack, read_files, validate_batch
from spaceforchange.frameworks.schema import PackError
from tests.factories import pack_data, pack_yaml


def errors_of(content, **options) -> list[PackError]:
    loaded, errors = parse_pack("pack.yaml", content, **options)
    assert (loaded is None) == bool(errors), "a result is either a pack or errors, never both"
    return errors


def paths(errors: list[PackError]) -> set[str]:
    return {error.path for error in errors}


def test_a_valid_pack_loads_with_its_items_and_instruments():
    loaded, errors = parse_pack("pack.yaml", pack_yaml("alpha"))
    assert errors == []
    assert loaded.pack.key == "alpha"
    assert [item.key for item in loaded.pack.items] == ["openness", "room", "open_dialogue", "too_closed"]
    assert loaded.pack.instruments[0].statements[1].reverse is True


def test_bytes_with_a_utf8_byte_order_mark_are_accepted():
    assert errors_of(b"\xef\xbb\xbf" + pack_yaml("alpha").encode()) == []


def test_yaml_syntax_error_reports_its_line():
    text = pack_yaml("alpha").replace("kind: practice", "kind: [practice", 1)
    [error] = errors_of(text)
    assert error.message.startswith("YAML syntax error")
    line = next(number for number, row in enumerate(text.splitlines(), 1) if "[practice" in row)
    assert error.line is not None and line <= error.line <= line + 2
    assert str(error).startswith(f"pack.yaml: line {error.line}: YAML syntax error")


@pytest.mark.parametrize("document", ["- a\n- b\n", "just text\n", "42\n"])
def test_a_document_that_is_not_a_mapping_is_refused(document):
    [error] = errors_of(document)
    assert error.message == "a pack must be a mapping at the top level"


def test_an_empty_file_is_refused():
    [error] = errors_of("")
    assert "empty" in error.message


def test_non_utf8_bytes_are_refused():
    [error] = errors_of(pack_yaml("alpha").encode("utf-16"))
    assert "not UTF-8" in error.message


def test_a_file_over_the_size_cap_is_refused_before_parsing():
    [error] = errors_of("a: [" * 10 + "x" * 200, max_bytes=100)
    assert "at most 100 bytes" in error.message


def test_the_size_cap_comes_from_settings(settings):
    settings.SFC_MAX_PACK_BYTES = 50
    [error] = errors_of(pack_yaml("alpha"))
    assert "at most 50 bytes" in error.message


def test_python_tags_are_refused_and_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = f"!!python/object/apply:os.system ['touch {marker}']\n"
    [error] = errors_of(text)
    assert "tag not allowed" in error.message
    assert not marker.exists()
    [error] = errors_of(pack_yaml("alpha") + "extra: !!python/name:os.system ''\n")
    assert "tag not allowed" in error.message


def test_an_alias_bomb_is_refused_without_expanding_it():
    rows = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    [error] = errors_of("\n".join(rows) + "\n")
    assert f"more than {MAX_EXPANDED_NODES} values" in error.message


def test_a_self_referencing_anchor_is_refused():
    [error] = errors_of("a: &loop [1, *loop]\n")
    assert "refers to itself" in error.message


def test_modest_anchors_and_aliases_are_allowed():
    text = pack_yaml("alpha").replace("  scale:\n    min: 1\n", "  scale: &agree\n    min: 1\n")
    assert "&agree" in text
    text += (
        "- key: second\n  name: {en: Second, nb: Andre}\n  provenance: working-model\n  scale: *agree\n"
        "  statements:\n  - {key: s1, dimension: room, provenance: working-model, text: {en: Agreed, nb: Enig}}\n"
    )
    loaded, errors = parse_pack("pack.yaml", text)
    assert errors == []
    first, second = loaded.pack.instruments
    assert second.scale == first.scale


def test_deep_nesting_is_refused_cleanly():
    [error] = errors_of("a: " + "[" * 5000 + "]" * 5000)
    assert "YAML syntax error" in error.message


def test_a_key_written_twice_in_one_mapping_is_refused_with_its_line():
    text = pack_yaml("alpha").replace("version: 1.0.0\n", "version: 1.0.0\nversion: 1.0.1\n")
    [error] = errors_of(text)
    assert error.path == "version"
    assert error.line == 4
    assert "written twice" in error.message


def test_wrong_types_report_the_pydantic_path_and_line():
    data = pack_data("alpha")
    data["items"][1]["order"] = "first"
    data["instruments"][0]["statements"][0]["reverse"] = "sometimes"
    errors = errors_of(pack_yaml(data=data))
    assert paths(errors) == {"items.1.order", "instruments.0.statements.0.reverse"}
    assert all(error.line for error in errors)


def test_an_unquoted_version_gets_a_hint():
    text = pack_yaml("alpha").replace("version: 1.0.0", "version: 1.0")
    [error] = errors_of(text)
    assert error.path == "version"
    assert 'version: "1.0.0"' in error.message


def test_a_text_yaml_reads_as_true_or_a_number_gets_a_quoting_hint():
    text = pack_yaml("alpha").replace("en: Rules leave room.", "en: yes").replace("nb: Reglene gir rom.", "nb: 12")
    errors = errors_of(text)
    assert paths(errors) == {"instruments.0.statements.0.text.en", "instruments.0.statements.0.text.nb"}
    assert all("put it in quotes" in error.message for error in errors)


def test_unknown_fields_and_kinds_and_provenance_are_refused():
    data = pack_data("alpha")
    data["items"][0]["colour"] = "blue"
    data["items"][1]["kind"] = "gizmo"
    data["items"][2]["provenance"] = "hearsay"
    assert paths(errors_of(pack_yaml(data=data))) == {"items.0.colour", "items.1.kind", "items.2.provenance"}


def test_missing_translations_are_listed_each_with_its_dotted_path():
    data = pack_data("alpha")
    del data["items"][3]["name"]["nb"]
    del data["instruments"][0]["statements"][2]["text"]["nb"]
    del data["instruments"][0]["scale"]["labels"][1]["label"]["nb"]
    errors = errors_of(pack_yaml(data=data))
    assert paths(errors) == {
        "items.3.name.nb",
        "instruments.0.statements.2.text.nb",
        "instruments.0.scale.labels.1.label.nb",
    }
    assert all(error.message == "missing the 'nb' text" for error in errors)
    assert all(error.line for error in errors)


def test_a_pack_declaring_only_english_needs_no_norwegian():
    data = pack_data("alpha")
    data["languages"] = ["en"]
    del data["items"][0]["name"]["nb"]
    assert errors_of(pack_yaml(data=data)) == []


def test_duplicate_keys_are_refused_at_the_second_use():
    data = pack_data("alpha")
    data["items"].append(copy.deepcopy(data["items"][0]))
    data["instruments"][0]["statements"][3]["key"] = "r1"
    errors = errors_of(pack_yaml(data=data))
    assert {(error.path, error.message) for error in errors} == {
        ("items.4.key", "item key 'openness' is used twice"),
        ("instruments.0.statements.3.key", "statement key 'r1' is used twice"),
    }


def test_unknown_references_inside_the_pack_are_refused():
    data = pack_data("alpha")
    data["items"][2]["parent"] = "nowhere"
    data["items"][3]["answered_by"] = ["open_dialogue", "ghost"]
    data["instruments"][0]["statements"][0]["dimension"] = "missing_dimension"
    errors = errors_of(pack_yaml(data=data))
    assert paths(errors) == {"items.2.parent", "items.3.answered_by.1", "instruments.0.statements.0.dimension"}


def test_warning_fields_belong_to_warning_rules_only():
    data = pack_data("alpha")
    data["items"][0]["severity"] = "critical"
    del data["items"][3]["area"]
    errors = errors_of(pack_yaml(data=data))
    assert paths(errors) == {"items.0", "items.3"}


def test_a_scale_label_outside_the_scale_is_refused():
    data = pack_data("alpha")
    data["instruments"][0]["scale"]["labels"][1]["value"] = 7
    [error] = errors_of(pack_yaml(data=data))
    assert error.path == "instruments.0.scale"
    assert "outside the scale" in error.message


def test_every_error_of_a_file_is_reported_at_once():
    data = pack_data("alpha")
    data["items"][0]["kind"] = "gizmo"
    data["framework"]["provenance"] = "rumour"
    data["instruments"][0]["statements"] = []
    assert len(errors_of(pack_yaml(data=data))) == 3


def test_type_errors_and_cross_field_problems_are_reported_in_the_same_pass():
    data = pack_data("alpha")
    data["items"][0]["kind"] = "gizmo"  # a type error in one item ...
    del data["items"][1]["name"]["nb"]  # ... does not hide a missing translation in another
    data["items"][2]["links"] = ["openness", "ghost"]  # "openness" is broken but written: not unknown
    data["instruments"][0]["statements"][1]["key"] = "r1"
    errors = errors_of(pack_yaml(data=data))
    assert paths(errors) == {"items.0.kind", "items.1.name.nb", "items.2.links.1", "instruments.0.statements.1.key"}


def test_batch_refuses_everything_when_one_file_is_bad_and_lists_all_errors():
    bad = pack_data("beta")
    bad["items"][0]["kind"] = "gizmo"
    loaded, errors = validate_batch(
        [("a.yaml", pack_yaml("alpha")), ("b.yaml", pack_yaml(data=bad)), ("c.yaml", "key: [")]
    )
    assert loaded == []
    assert {error.file for error in errors} == {"b.yaml", "c.yaml"}


def test_batch_refuses_two_files_with_the_same_pack_key():
    loaded, errors = validate_batch([("a.yaml", pack_yaml("alpha")), ("b.yaml", pack_yaml("alpha"))])
    assert loaded == []
    [error] = errors
    assert (error.file, error.path) == ("b.yaml", "key")
    assert "a.yaml" in error.message


def test_cross_pack_references_resolve_within_the_batch_or_the_library():
    alpha = pack_yaml("alpha", links=["beta:room", "gamma:room"])
    loaded, errors = validate_batch([("a.yaml", alpha), ("b.yaml", pack_yaml("beta"))], library={"gamma": {"room"}})
    assert errors == []
    assert [entry.pack.key for entry in loaded] == ["alpha", "beta"]


def test_unresolved_cross_pack_references_are_refused_with_their_path():
    alpha = pack_yaml("alpha", links=["beta:nothing", "nowhere:room"])
    loaded, errors = validate_batch([("a.yaml", alpha), ("b.yaml", pack_yaml("beta"))])
    assert loaded == []
    assert {(error.path, "no item" in error.message, "no pack" in error.message) for error in errors} == {
        ("items.2.links.1", True, False),
        ("items.2.links.2", False, True),
    }


def test_pack_files_expands_folders_and_reports_missing_paths(tmp_path):
    (tmp_path / "b.yaml").write_text(pack_yaml("beta"))
    (tmp_path / "a.yml").write_text(pack_yaml("alpha"))
    (tmp_path / "notes.txt").write_text("not a pack")
    found, errors = pack_files([tmp_path, tmp_path / "missing.yaml"])
    assert [path.name for path in found] == ["a.yml", "b.yaml"]
    assert [error.message for error in errors] == ["no such file or directory"]


def test_read_files_refuses_large_files_without_reading_them(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 2000)
    sources, errors = read_files([big], max_bytes=1000)
    assert sources == []
    assert "2000 bytes" in errors[0].message


def test_error_strings_read_file_path_message():
    error = PackError(file="f.yaml", path="items.2.kind", message="bad", line=7)
    assert str(error) == "f.yaml: items.2.kind: bad (line 7)"
    assert str(PackError(file="f.yaml", path="", message="empty")) == "f.yaml: (document): empty"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(max_size=400))
def test_arbitrary_input_never_raises(content):
    loaded, errors = parse_pack("fuzz.yaml", content, max_bytes=10_000)
    assert loaded is None or errors == []


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
        max_leaves=30,
    )
)
def test_arbitrary_yaml_structures_give_errors_not_exceptions(data):
    text = yaml.safe_dump(data)
    loaded, errors = parse_pack("fuzz.yaml", text)
    assert loaded is None and errors
