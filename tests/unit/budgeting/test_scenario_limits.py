"""A scenario run from a page or the API must answer before the request's 60 s timeout."""

from __future__ import annotations

from spaceforchange.budgeting.scenario_services import INTERACTIVE_PARAMETERS
from spaceforchange.cli import gunicorn_argv


def test_optimisation_and_diagnosis_together_fit_in_one_request() -> None:
    argv = gunicorn_argv(host="127.0.0.1", port=8000, workers=1, threads=1, timeout=60, access_log=False)
    assert argv[argv.index("--timeout") + 1] == "60"
    budget = INTERACTIVE_PARAMETERS.time_limit_s + INTERACTIVE_PARAMETERS.diagnosis_time_limit_s
    assert budget == 40.0 and budget < 60
