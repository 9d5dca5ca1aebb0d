"""Shared test set-up: fast hashing, in-memory cache, immediate background tasks."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.utils import translation


@pytest.fixture(autouse=True)
def _test_settings(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-fragments"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Rate-limit counters live in the cache; no test may inherit another's.
    cache.clear()
    # Fragment keys name database ids, which a rolled-back test database hands out again.
    caches["fragments"].clear()
    # A request in Norwegian leaves Norwegian active in its thread; every test starts in English.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
