"""``sfc budget optimize``: a scenario file in, an allocation out, without any database."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.unit.analytics.allocation.builders import example_document

SFC = Path(sys.executable).with_name("sfc")


def write(tmp_path: Path, document: object, name: str = "scenario.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def run(*arguments: str) -> str:
    out = io.StringIO()
    call_command("budget", "optimize", *arguments, stdout=out)
    return out.getvalue()


def test_json_output_names_status_objective_choice_cost_gap_and_time(tmp_path):
    document = json.loads(run(str(write(tmp_path, example_document())), "--format", "json"))
    assert document["status"] == "optimal"
    assert document["method"] == "optimal"
    assert document["objective"] == 460
    assert document["chosen"] == {"l1": "full", "l7": "full"}
    assert document["total_cost"] == 220000
    assert document["gap"] == pytest.approx(0, abs=1e-9)
    assert document["seconds"] >= 0
    assert document["conflicts"] == []
    assert document["figures"]["units"][1] == {
        "unit": "u2",
        "cost": 200000,
        "previous_cost": 0,
        "change": 200000,
        "floor": None,
        "ceiling": None,
    }
    assert document["figures"]["goals"] == [
        {"goal": "g1", "money": 20000, "previous_money": 20000},
        {"goal": "g2", "money": 200000, "previous_money": 0},
    ]


def test_greedy_and_current_methods(tmp_path):
    path = str(write(tmp_path, example_document()))
    greedy = json.loads(run(path, "--method", "greedy"))
    assert (greedy["method"], greedy["status"], greedy["chosen"], greedy["gap"]) == (
        "greedy",
        "feasible",
        {"l1": "full", "l7": "full"},
        None,
    )
    with pytest.raises(CommandError) as raised:
        run(path, "--method", "current")
    assert raised.value.returncode == 1


def test_text_output_for_people(tmp_path):
    text = run(str(write(tmp_path, example_document())), "--format", "text", "--time-limit", "5", "--gap", "0")
    assert text.splitlines()[0] == "Status: optimal (method: optimal)"
    assert "Total cost: 220,000 of a budget of 1,000,000 (previous total 20,000)" in text
    assert "  innovation: 20,000 (9.091 %; 100 %)" in text
    assert text.endswith("Chosen options:\n  l1: full\n  l7: full\n")


def test_an_infeasible_scenario_prints_its_conflict_and_exits_with_1(tmp_path):
    document = example_document()
    document["lines"][1]["locked_option"] = "none"
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("budget", "optimize", str(write(tmp_path, document)), stdout=out)
    assert raised.value.returncode == 1
    printed = json.loads(out.getvalue())
    assert printed["status"] == "infeasible"
    assert [conflict["key"] for conflict in printed["conflicts"]] == ["mandatory:l7", "lock:l7"]
    assert printed["narrowed"] is True
    assert printed["figures"] is None


def test_a_bad_file_lists_every_problem_and_exits_with_2(tmp_path):
    document = example_document()
    document["budget"] = -1
    document["lines"][0]["options"][2]["cost"] = "lots"
    with pytest.raises(CommandError) as raised:
        run(str(write(tmp_path, document)))
    assert raised.value.returncode == 2
    assert str(raised.value).splitlines()[1:] == [
        "  budget: must be at least 0, not -1",
        "  lines[0].options[2].cost: must be a number",
    ]
    assert "(2 problems)" in str(raised.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [("{not json", "is not valid JSON: line 1, column 2"), (None, "Cannot read")],
)
def test_unreadable_files_exit_with_2(tmp_path, content, expected):
    path = tmp_path / "scenario.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=expected) as raised:
        run(str(path))
    assert raised.value.returncode == 2


def test_the_command_line_reports_exit_statuses(tmp_path):
    """Run as an analyst would, in a process of its own, with no database configured."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SFC_", "DJANGO_"))}
    env["SFC_VAR_DIR"] = str(tmp_path / "var")  # no database file is created there
    good = write(tmp_path, example_document())
    bad = write(tmp_path, {"budget": 1}, "bad.json")
    statuses = []
    for path in (good, bad):
        completed = subprocess.run(
            [str(SFC), "manage", "budget", "optimize", str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        statuses.append(completed.returncode)
        if path == good:
            assert json.loads(completed.stdout)["status"] == "optimal"
        else:
            assert "goals: is required" in completed.stderr
    assert statuses == [0, 2]
    assert not (tmp_path / "var").exists() or not any((tmp_path / "var").rglob("*.sqlite3"))
