"""Acceptance test of the content shipped in ``frameworks/packs/``.

Every pack file loads and validates, the fixed keys other code relies on exist with the right
kind, every ``pack:item`` reference resolves, the instruments are complete enough to score, and
the provenance tags follow FRAMEWORKS.md wherever it states one unambiguously.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest

from spaceforchange.frameworks.loader import LoadedPack, pack_files, parse_pack, read_files, validate_batch
from spaceforchange.frameworks.schema import Pack
from spaceforchange.frameworks.services import SHIPPED_PACKS_DIR

EXPECTED = [
    "space_for_change",
    "legitimacy",
    "legitimation",
    "gray_zone",
    "policy_management",
    "change_management",
    "first_step",
    "who_innovates",
    "innovator_archetypes",
    "forms_of_change",
    "strategic_allocation",
    "self_managed_teams",
    "ai_practices",
    "warnings",
    "fevs_2018",
    "idea_evaluation",
]

# Keys other packs and apps refer to: pack → kind → keys (a list means the order 1..n is fixed too).
FIXED_KEYS: dict[str, dict[str, list[str] | set[str]]] = {
    "space_for_change": {
        "dimension": [
            "regulatory_room",
            "political_backing",
            "institutional_fit",
            "organizational_support",
            "cognitive_openness",
            "resources",
            "stakeholder_backing",
            "resilience",
        ],
        "practice": {
            "experimental_clause",
            "navigate_gray_zone_accountably",
            "secure_political_cover",
            "reframe_to_fit_norms",
            "secure_management_mandate",
            "open_dialogue_and_stories",
            "reallocate_resources",
            "build_coalition",
            "frame_as_experiment",
        },
        "family": {"regulatory", "political", "institutional", "organizational", "cognitive"},
        "object": {"norm", "value", "belief", "rule", "definition"},
        "effect": {"halts", "dilutes", "complicates"},
        "status": {"active", "removed", "deprioritized", "redefined"},
    },
    "legitimacy": {
        "type": {"regulatory", "normative", "cognitive", "pragmatic"},
        "state": [
            "legitimate",
            "conditional_legitimacy",
            "unknown_legitimacy",
            "conditional_illegitimacy",
            "illegitimate",
        ],
        "element": {"conditions", "mitigating_factors", "cause_of_unknown", "review_date"},
    },
    "legitimation": {
        "strategy": [
            "engage_in_dialogue",
            "storytelling",
            "symbolic_actions",
            "strategic_affiliations",
            "demonstrate_results",
            "choose_receptive_arena",
        ],
        "goal": {"acquire", "maintain", "repair"},
        "mode": {"conform", "shape"},
    },
    "gray_zone": {
        "tactic": {"distancing", "circumventing", "mystifying"},
        "element": {"rule_concerned", "rationale", "risks", "accountable_person", "second_approval", "review_date"},
        "practice": {"register_with_accountability"},
    },
    "policy_management": {
        "role": {"policy_manager", "policy_enforcer"},
        "level": ["aligned", "latent_tension", "manifest_tension", "escalating", "crisis"],
        "practice": {"appoint_policy_manager", "scrutinize_policy", "consult_on_tension", "close_the_tension"},
    },
    "change_management": {
        "factor": [
            "ensure_need",
            "provide_plan",
            "build_internal_support",
            "ensure_top_management_support",
            "build_external_support",
            "provide_resources",
            "institutionalize_change",
            "pursue_comprehensive_change",
        ],
    },
    "first_step": {
        "phase": ["start", "liminal", "scale", "integrate"],
        "stage": ["idea", "experiment", "scaling", "integrated", "stopped"],
        "commitment": ["verbal", "formal_mandate", "budget", "political_cover"],
        "practice": {"reduce_cognitive_constraints", "organize_backing"},
        "rule": {"no_scaling_without_backing"},
    },
    "who_innovates": {
        "initiator": {"front_line_staff", "middle_manager", "senior_leader", "politician", "external_partner"},
        "trigger": {"proactive", "crisis", "failure", "external_shock", "budget_cut", "technology_opportunity"},
        "practice": {"back_bottom_up_strategically"},
    },
    "innovator_archetypes": {
        "axis": {"stance_towards_rules", "innovation_drive"},
        "archetype": {"magistrate", "bohemian", "crusader", "revolutionist"},
        "principle": {"calculated_risk_taking", "experimentation", "learning_from_failure"},
        "practice": {"balance_the_mix", "keep_innovators_engaged"},
    },
    "forms_of_change": {
        "form": {"incremental_change", "bold_experimentation", "strategic_transformation"},
        "principle": {"responsibility", "autonomy", "trust"},
        "practice": {"blend_the_portfolio", "use_strategy_to_balance"},
    },
    "idea_evaluation": {"criterion": ["public_value", "feasibility", "strategic_fit"]},
    "strategic_allocation": {
        "purpose": {"innovation", "operational_efficiency", "service_delivery"},
        "signal": {
            "share_linked_to_goals",
            "carry_over_share",
            "purpose_mix",
            "units_without_contribution",
            "unchanged_budget_structure",
        },
        "practice": {
            "link_budget_to_goals",
            "question_carry_over",
            "demonstrate_contribution_or_change",
            "balance_purposes",
        },
    },
    "self_managed_teams": {
        "element": {"risk_taking", "learning_from_mistakes", "strategic_alignment"},
        "role": {
            "paradoxical_leadership",
            "protect_exploration",
            "regular_strategic_alignment",
            "shape_risk_and_learning_climate",
        },
        "signal": {
            "autonomy_level",
            "exploration_share",
            "last_alignment_session",
            "transition_status",
            "leader_roles_covered",
        },
        "practice": {"schedule_alignment_sessions", "protect_exploration_time", "support_the_transition"},
    },
    "ai_practices": {
        "practice": [
            "accumulate_strategy",
            "legitimate_ai_use",
            "protected_experimentation",
            "invest_in_foundations",
            "scale_deliberately",
        ],
        "level": ["level_1", "level_2", "level_3", "level_4"],
    },
}

# Practices of space_for_change: the dimension they widen and the links they must carry.
SPACE_PRACTICES = {
    "experimental_clause": ("regulatory_room", set()),
    "navigate_gray_zone_accountably": ("regulatory_room", {"gray_zone:register_with_accountability"}),
    "secure_political_cover": (
        "political_backing",
        {"legitimation:strategic_affiliations", "legitimation:symbolic_actions"},
    ),
    "reframe_to_fit_norms": ("institutional_fit", set()),
    "secure_management_mandate": ("organizational_support", {"first_step:organize_backing"}),
    "open_dialogue_and_stories": (
        "cognitive_openness",
        {"legitimation:engage_in_dialogue", "legitimation:storytelling", "first_step:reduce_cognitive_constraints"},
    ),
    "reallocate_resources": ("resources", {"strategic_allocation:link_budget_to_goals"}),
    "build_coalition": ("stakeholder_backing", {"legitimation:strategic_affiliations"}),
    "frame_as_experiment": ("resilience", {"ai_practices:protected_experimentation"}),
}

# (pack, item keys, allowed provenance tags) where FRAMEWORKS.md states the tag.
PROVENANCE = [
    ("space_for_change", FIXED_KEYS["space_for_change"]["dimension"], {"working-model"}),
    ("space_for_change", ["regulatory", "political", "institutional", "organizational"], {"source-text"}),
    ("space_for_change", sorted(FIXED_KEYS["space_for_change"]["object"]), {"source-text"}),
    ("space_for_change", sorted(FIXED_KEYS["space_for_change"]["effect"]), {"source-text"}),
    ("space_for_change", ["removed", "deprioritized", "redefined"], {"source-text"}),
    ("legitimacy", ["regulatory", "normative", "cognitive", "pragmatic"], {"source-text"}),
    ("legitimation", ["engage_in_dialogue"], {"source-text"}),
    ("legitimation", ["storytelling", "symbolic_actions", "strategic_affiliations"], {"source-summary"}),
    ("legitimation", ["demonstrate_results", "choose_receptive_arena"], {"working-model"}),
    ("legitimation", ["acquire", "maintain", "repair", "conform", "shape"], {"source-text"}),
    # Names are source-summary, meanings working-model: either tag is faithful.
    ("gray_zone", ["distancing", "circumventing", "mystifying"], {"source-summary", "working-model"}),
    ("policy_management", ["policy_manager", "policy_enforcer"], {"source-summary"}),
    ("policy_management", FIXED_KEYS["policy_management"]["level"], {"working-model"}),
    ("change_management", FIXED_KEYS["change_management"]["factor"], {"literature"}),
    ("first_step", ["reduce_cognitive_constraints", "organize_backing"], {"source-text"}),
    ("first_step", ["no_scaling_without_backing"], {"working-model"}),
    ("who_innovates", ["front_line_staff", "middle_manager", "senior_leader", "politician"], {"source-text"}),
    ("who_innovates", ["crisis", "failure"], {"source-text"}),
    ("innovator_archetypes", sorted(FIXED_KEYS["innovator_archetypes"]["archetype"]), {"source-text"}),
    ("innovator_archetypes", ["stance_towards_rules", "innovation_drive"], {"working-model"}),
    ("forms_of_change", sorted(FIXED_KEYS["forms_of_change"]["form"]), {"source-text", "source-summary"}),
    ("strategic_allocation", sorted(FIXED_KEYS["strategic_allocation"]["purpose"]), {"source-text"}),
    ("self_managed_teams", ["risk_taking", "learning_from_mistakes", "strategic_alignment"], {"source-text"}),
    ("ai_practices", ["accumulate_strategy"], {"source-text"}),
    (
        "ai_practices",
        ["legitimate_ai_use", "protected_experimentation", "invest_in_foundations", "scale_deliberately"],
        {"working-model"},
    ),
]

# Instruments: pack, key, kind of the items scored, minimum statements per item, reverse needed per item?
INSTRUMENTS = [
    ("space_for_change", "space_for_change_scan", "dimension", 4, "each"),
    ("change_management", "change_readiness", "factor", 3, "some"),
    ("innovator_archetypes", "archetype_self_assessment", "axis", 5, "some"),
    ("innovator_archetypes", "culture_pulse", "principle", 4, None),
    ("self_managed_teams", "team_enablement", "element", 4, None),
    ("ai_practices", "ai_practices_check", "practice", 3, None),
    ("fevs_2018", "fevs-2018-innovation", "dimension", 4, None),
]

WARNING_AREAS = {
    "portfolio": 4,
    "first_step": 4,
    "legitimacy": 5,
    "policy": 3,
    "change_programme": 5,
    "money": 2,
    "people_teams": 6,
    "ai": 2,
}


@cache
def shipped() -> dict[str, LoadedPack]:
    sources, errors = read_files(pack_files([SHIPPED_PACKS_DIR])[0])
    assert errors == []
    loaded = [parse_pack(name, content)[0] for name, content in sources]
    return {entry.pack.key: entry for entry in loaded if entry is not None}


def pack(key: str) -> Pack:
    if key not in shipped():
        pytest.fail(f"the shipped pack {key!r} is missing or invalid")
    return shipped()[key].pack


def test_all_shipped_pack_files_exist():
    names = sorted(path.stem for path in pack_files([SHIPPED_PACKS_DIR])[0])
    assert sorted(EXPECTED) == names


def test_every_shipped_pack_validates_together_with_its_references():
    sources, read_errors = read_files(pack_files([SHIPPED_PACKS_DIR])[0])
    loaded, errors = validate_batch(sources)
    assert read_errors == []
    assert [str(error) for error in errors] == []
    assert sorted(entry.pack.key for entry in loaded) == sorted(EXPECTED)


@pytest.mark.parametrize("key", EXPECTED)
def test_pack_header_file_name_and_languages(key):
    entry = shipped().get(key)
    assert entry is not None, f"{key}.yaml is missing or invalid"
    assert entry.file.endswith(f"/{key}.yaml")
    assert (entry.pack.format, entry.pack.languages, entry.pack.framework.key) == (1, ["en", "nb"], key)
    assert entry.pack.framework.sources, "cite the source article(s) and literature"


@pytest.mark.parametrize("key", sorted(FIXED_KEYS))
def test_fixed_keys_exist_with_their_kind_and_order(key):
    items = {item.key: item for item in pack(key).items}
    for kind, keys in FIXED_KEYS[key].items():
        for item_key in keys:
            assert item_key in items, f"{key}:{item_key} is missing"
            assert items[item_key].kind == kind, f"{key}:{item_key} should be a {kind}"
        if isinstance(keys, list):
            orders = [items[item_key].order for item_key in keys]
            start = 0 if key == "policy_management" and kind == "level" else 1
            assert orders == list(range(start, start + len(keys))), f"{key} {kind} order"


def test_every_cross_pack_reference_resolves():
    known = {key: {item.key for item in entry.pack.items} for key, entry in shipped().items()}
    missing = []
    for key, entry in shipped().items():
        for item in entry.pack.items:
            for ref in [*([item.parent] if item.parent else []), *item.links, *item.answered_by]:
                if ":" in ref:
                    other, target = ref.split(":", 1)
                    if target not in known.get(other, set()):
                        missing.append(f"{key}:{item.key} → {ref}")
    assert missing == []


def test_space_for_change_practices_widen_their_dimension_and_link_onwards():
    items = {item.key: item for item in pack("space_for_change").items}
    for practice, (dimension, links) in SPACE_PRACTICES.items():
        assert items[practice].parent == dimension, practice
        assert links <= set(items[practice].links), practice


def statements_by_item(instrument) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for statement in instrument.statements:
        grouped.setdefault(statement.dimension, []).append(statement)
    return grouped


@pytest.mark.parametrize(("key", "instrument_key", "kind", "minimum", "reverse"), INSTRUMENTS)
def test_instruments_cover_every_scored_item(key, instrument_key, kind, minimum, reverse):
    source = pack(key)
    instrument = next((entry for entry in source.instruments if entry.key == instrument_key), None)
    assert instrument is not None, f"{key} has no instrument {instrument_key}"
    targets = {item.key for item in source.items_of(kind)}
    if key == "ai_practices":
        targets = set(FIXED_KEYS["ai_practices"]["practice"])
    grouped = statements_by_item(instrument)
    assert targets <= set(grouped), f"{instrument_key} scores no statement into {targets - set(grouped)}"
    for target in targets:
        assert len(grouped[target]) >= minimum, f"{instrument_key}: {target} has {len(grouped[target])} statements"
    reversed_by = {target for target in targets if any(statement.reverse for statement in grouped[target])}
    if reverse == "each":
        assert reversed_by == targets, f"{instrument_key}: no reverse-worded statement for {targets - reversed_by}"
    elif reverse == "some":
        assert reversed_by, f"{instrument_key} has no reverse-worded statement"


def test_space_for_change_scan_has_a_labelled_scale_with_dont_know():
    scan = next(entry for entry in pack("space_for_change").instruments if entry.key == "space_for_change_scan")
    assert (scan.scale.min, scan.scale.max) == (1, 5)
    assert sorted(point.value for point in scan.scale.labels) == [1, 2, 3, 4, 5]
    assert scan.scale.dont_know_label is not None
    assert all(statement.dont_know_allowed for statement in scan.statements)


def test_the_algorithmic_impact_assessment_scores_into_risk_areas():
    source = pack("ai_practices")
    assessment = next((entry for entry in source.instruments if entry.key == "algorithmic_impact_assessment"), None)
    assert assessment is not None
    dimensions = {item.key for item in source.items_of("dimension")}
    assert dimensions and {statement.dimension for statement in assessment.statements} <= dimensions
    assert all("min_score" in item.attributes for item in source.items_of("level"))


def test_every_change_factor_has_an_evidence_checklist():
    for factor in pack("change_management").items_of("factor"):
        assert 3 <= len(factor.checklist) <= 5, f"{factor.key} has {len(factor.checklist)} checklist entries"


def test_policy_escalation_levels_carry_their_level_number():
    levels = {item.key: item for item in pack("policy_management").items_of("level")}
    keys = FIXED_KEYS["policy_management"]["level"]
    assert [levels[key].attributes.get("level") for key in keys] == [0, 1, 2, 3, 4]


def test_archetypes_sit_on_the_two_axes():
    archetypes = {item.key: item.attributes for item in pack("innovator_archetypes").items_of("archetype")}
    expected = {
        "magistrate": ("within", "low"),
        "bohemian": ("challenge", "low"),
        "crusader": ("within", "high"),
        "revolutionist": ("challenge", "high"),
    }
    for key, (stance, drive) in expected.items():
        assert (archetypes[key].get("stance_towards_rules"), archetypes[key].get("innovation_drive")) == (stance, drive)


@pytest.mark.parametrize(("key", "item_keys", "allowed"), PROVENANCE)
def test_provenance_follows_frameworks_md(key, item_keys, allowed):
    items = {item.key: item for item in pack(key).items}
    wrong = {
        item_key: items[item_key].provenance.value
        for item_key in item_keys
        if items[item_key].provenance not in allowed
    }
    assert wrong == {}, f"expected {sorted(allowed)}"


def test_every_warning_of_frameworks_md_is_a_rule_answered_by_a_practice():
    rules = pack("warnings").items_of("warning_rule")
    assert len(rules) >= sum(WARNING_AREAS.values())
    per_area = Counter(rule.area for rule in rules)
    assert set(per_area) <= set(WARNING_AREAS)
    for area, minimum in WARNING_AREAS.items():
        assert per_area[area] >= minimum, f"{area}: {per_area[area]} warning rules"
    for rule in rules:
        assert rule.answered_by, f"{rule.key} names no practice that answers it"
        assert rule.description is not None, f"{rule.key} does not say what triggers it"


def test_named_warning_thresholds():
    rules = {item.key: item for item in pack("warnings").items_of("warning_rule")}
    thresholds = {key: {t.key: t.value for t in rule.thresholds} for key, rule in rules.items()}
    assert thresholds["pilot_graveyard"].get("min_started") == 5
    assert thresholds["pilot_graveyard"].get("max_scaled_share") == 0.2
    assert thresholds["challenged_without_action"].get("days") == 30
    assert thresholds["strategic_drift"].get("months") == 6


def test_fevs_pack_mirrors_the_codebook_and_maps_the_public_release_file():
    instrument = pack("fevs_2018").instruments[0]
    statements = {statement.key: statement for statement in instrument.statements}
    assert list(statements) == ["Q3", "Q8", "Q30", "Q32"]
    assert statements["Q3"].text.en == "I feel encouraged to come up with new and better ways of doing things."
    assert statements["Q32"].text.en == "Creativity and innovation are rewarded."
    # The codebook offers "Do Not Know" (X) on Q30 and Q32 only.
    assert [statement.dont_know_allowed for statement in statements.values()] == [False, False, True, True]
    assert (instrument.scale.min, instrument.scale.max, len(instrument.scale.labels)) == (1, 5, 5)
    mapping = instrument.mapping("fevs-2018")
    assert mapping is not None
    assert mapping.statements == {"Q3": "Q3", "Q8": "Q8", "Q30": "Q30", "Q32": "Q32"}
    assert (mapping.weight, mapping.attributes["AGENCY"], mapping.dont_know) == ("POSTWT", "AGENCY", ["X"])
