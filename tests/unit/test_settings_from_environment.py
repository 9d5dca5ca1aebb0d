"""Settings read from SFC_ variables, checked in a fresh interpreter for each environment."""

import json
import os
import subprocess
import sys

import pytest

PROBE = (
    "import json; from spaceforchange import settings as s; "
    "print(json.dumps({'proxy': s.ALLAUTH_TRUSTED_PROXY_COUNT, 'ssl': s.SECURE_PROXY_SSL_HEADER, "
    "'session': getattr(s, 'SESSION_ENGINE', 'db'), 'cache': s.CACHES['default']['BACKEND'], "
    "'db_options': s.DATABASES['default'].get('OPTIONS', {})}))"
)


def settings_with(**environment: str) -> dict:
    """The settings a process with these SFC_ variables (and no others) would run with."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SFC_")}
    env.update(environment, SFC_VAR_DIR=environment.get("SFC_VAR_DIR", "/tmp/sfc-settings-probe"))
    output = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def test_defaults_trust_no_proxy_and_keep_sessions_in_the_database():
    found = settings_with()
    assert {key: found[key] for key in ("proxy", "ssl", "session", "cache")} == {
        "proxy": 0,
        "ssl": None,
        "session": "spaceforchange.core.session_store",
        "cache": "django.core.cache.backends.db.DatabaseCache",
    }


@pytest.mark.parametrize(("count", "expected"), [(None, 1), ("2", 2), ("0", 0)])
def test_behind_a_proxy_client_addresses_skip_the_trusted_proxies(count, expected):
    environment = {"SFC_BEHIND_PROXY": "1"} | ({"SFC_TRUSTED_PROXY_COUNT": count} if count else {})
    found = settings_with(**environment)
    assert found["proxy"] == expected
    assert found["ssl"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_redis_takes_the_cache_and_reads_sessions():
    found = settings_with(SFC_REDIS_URL="redis://127.0.0.1:6379/0")
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["session"] == "django.contrib.sessions.backends.cached_db"


POSTGRES = "postgres://postgres@127.0.0.1:5432/test"


def test_postgres_statements_are_prepared_by_default():
    options = settings_with(SFC_DATABASE_URL=POSTGRES)["db_options"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5


def test_prepared_statements_can_be_switched_off_for_transaction_pooling():
    options = settings_with(SFC_DATABASE_URL=POSTGRES, SFC_DATABASE_PREPARED="0")["db_options"]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_sqlite_has_no_postgres_options():
    options = settings_with()["db_options"]
    assert "server_side_binding" not in options
