"""``sfc worker`` hands its arguments to django-tasks-db's worker, which runs queued tasks."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.core import mail

from spaceforchange import cli
from spaceforchange.core.tasks import send_email

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_batch_runs_what_is_queued_and_exits(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    result = send_email.enqueue(subject="Via sfc", body="Body", recipients=["c@example.org"])
    assert mail.outbox == []
    outcome = CliRunner().invoke(cli.main, ["worker", "--batch", "--no-startup-delay", "--interval", "0"])
    assert outcome.exit_code == 0, outcome.output
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert [message.subject for message in mail.outbox] == ["Via sfc"]
