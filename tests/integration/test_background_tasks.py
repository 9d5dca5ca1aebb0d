"""Background work runs through django-tasks: immediately in tests, by `sfc worker` in production."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks import task_backends

from spaceforchange.core.tasks import send_email

pytestmark = pytest.mark.django_db(transaction=True)


def test_immediate_backend_sends_in_tests():
    result = send_email.enqueue(subject="Hello", body="Body", recipients=["a@example.org"])
    assert result.return_value == 1
    assert [message.to for message in mail.outbox] == [["a@example.org"]]


def test_database_backend_queues_until_the_worker_runs_it(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    result = send_email.enqueue(subject="Queued", body="Body", recipients=["b@example.org"])
    assert mail.outbox == []
    assert task_backends["default"].get_result(result.id).status == "READY"
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 1
    assert [message.subject for message in mail.outbox] == ["Queued"]
