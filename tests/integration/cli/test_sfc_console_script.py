"""The installed ``sfc`` console script, run as an operator would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SFC = Path(sys.executable).with_name("sfc")
GOOD_KEY = "k3P9v-Qz7x_Lr2mWc8YtN4bHs6JdFa0uEo1GiXyZpVqTnRlKwS"


def run_sfc(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("SFC_", "DJANGO_"))}
    clean |= {"SFC_VAR_DIR": str(tmp_path)} | env
    return subprocess.run([str(SFC), *args], capture_output=True, text=True, env=clean, timeout=120, check=False)


@pytest.fixture(autouse=True)
def _installed():
    if not SFC.exists():
        pytest.fail(f"{SFC} is missing: install the package (make install)")


def test_help_runs(tmp_path):
    result = run_sfc(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    assert "Space for Change" in result.stdout
    assert "seed-demo" in result.stdout


def test_check_refuses_the_development_defaults(tmp_path):
    result = run_sfc(tmp_path, "check")
    assert result.returncode == 1
    assert "sfc.E001" in result.stderr
    assert "sfc.E003" in result.stderr


def test_check_passes_with_production_environment_variables(tmp_path):
    result = run_sfc(
        tmp_path,
        "check",
        SFC_SECRET_KEY=GOOD_KEY,
        SFC_ALLOWED_HOSTS="innovation.example.org",
        SFC_SITE_URL="https://innovation.example.org",
        SFC_SECURE_COOKIES="1",
    )
    assert result.returncode == 0, result.stderr
    assert "passed the production checks" in result.stdout
