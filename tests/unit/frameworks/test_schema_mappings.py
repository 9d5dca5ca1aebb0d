"""Instrument and statement keys may mirror another survey's codes; instruments may declare import mappings."""

from __future__ import annotations

import copy

import pytest

from spaceforchange.frameworks.domain import checksum_of, document_of
from spaceforchange.frameworks.schema import Pack, validate_pack_data
from tests.factories import pack_data


def _with_fevs_keys(**mapping: object) -> dict:
    data = pack_data("fevs_like")
    instrument = data["instruments"][0]
    instrument["key"] = "fevs-2018-innovation"
    instrument["statements"][0]["key"] = "Q3"
    instrument["mappings"] = [
        {
            "key": "fevs-2018",
            "name": {"en": "FEVS file", "nb": "FEVS-fil"},
            "statements": {"Q3": "Q3", "r2": "R2"},
            "attributes": {"AGENCY": "AGENCY"},
            "weight": "POSTWT",
            "dont_know": ["X"],
            **mapping,
        }
    ]
    return data


def test_survey_style_keys_and_a_mapping_validate():
    pack, errors = validate_pack_data("fevs.yaml", _with_fevs_keys())
    assert errors == []
    instrument = pack.instruments[0]
    assert (instrument.key, instrument.statements[0].key) == ("fevs-2018-innovation", "Q3")
    mapping = instrument.mapping("fevs-2018")
    assert (mapping.weight, mapping.attributes, mapping.dont_know) == ("POSTWT", {"AGENCY": "AGENCY"}, ["X"])
    assert instrument.mapping("other") is None


@pytest.mark.parametrize("key", ["3fevs", "-q", "Q 3", "q/3", "Ø1", "x" * 64])
def test_bad_instrument_and_statement_keys_are_refused(key):
    for place in ("instrument", "statement"):
        data = pack_data()
        target = data["instruments"][0] if place == "instrument" else data["instruments"][0]["statements"][0]
        target["key"] = key
        pack, errors = validate_pack_data("bad.yaml", data)
        assert pack is None and errors, (place, key)


def test_item_keys_keep_the_strict_pattern():
    data = pack_data()
    data["items"][0]["key"] = "Openness-2"
    pack, errors = validate_pack_data("bad.yaml", data)
    assert pack is None
    assert any(error.path == "items.0.key" for error in errors)


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"statements": {"Q9": "Q9"}}, "instruments.0.mappings.0.statements.Q9", "no statement 'Q9'"),
        ({"statements": {"Q3": "A", "r2": "A"}}, "instruments.0.mappings.0.statements", "more than one statement"),
        ({"name": {"en": "Only English"}}, "instruments.0.mappings.0.name.nb", "missing the 'nb' text"),
    ],
)
def test_mapping_consistency_is_checked(change, path, message):
    pack, errors = validate_pack_data("bad.yaml", _with_fevs_keys(**change))
    assert pack is None
    assert any(error.path == path and message in error.message for error in errors), errors


def test_mapping_shape_is_checked():
    for change in ({"statements": {}}, {"weight": ""}, {"dont_know": [""]}, {"extra": 1}, {"attributes": {"a b": "C"}}):
        pack, errors = validate_pack_data("bad.yaml", _with_fevs_keys(**change))
        assert pack is None and errors, change
    data = _with_fevs_keys()
    data["instruments"][0]["mappings"].append(copy.deepcopy(data["instruments"][0]["mappings"][0]))
    pack, errors = validate_pack_data("bad.yaml", data)
    assert any("mapping key 'fevs-2018' is used twice" in error.message for error in errors)


def test_an_instrument_without_mappings_dumps_and_checksums_as_before():
    data = pack_data("stable")
    pack = Pack.model_validate(data)
    assert "mappings" not in document_of(pack)["instruments"][0]
    assert Pack.model_validate(document_of(pack)) == pack
    with_empty = copy.deepcopy(data)
    with_empty["instruments"][0]["mappings"] = []
    assert checksum_of(Pack.model_validate(with_empty)) == checksum_of(pack)
    mapped, _errors = validate_pack_data("m.yaml", _with_fevs_keys())
    assert document_of(mapped)["instruments"][0]["mappings"][0]["key"] == "fevs-2018"
    assert Pack.model_validate(document_of(mapped)) == mapped
