"""Settings read from SFC_ variables, checked in a fresh interpreter for each environment."""

import json
import os
import subprocess
import sys

import pytest

PROBE = (
    "import json; from spaceforchange import settings as s; "
    "print(json.dumps({'proxy': s.ALLAUTH_TRUSTED_PROXY_COUNT, 'ssl': s.SECURE_PROXY_SSL_HEADER, "
    "'session': getattr(s, 'SESSION_ENGINE', 'db'), 'cache': s.CACHES['default']['BACKEND']}))"
)


def settings_with(**environment: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SFC_")}
    env.update(environment, SFC_VAR_DIR=environment.get("SFC_VAR_DIR", "/tmp/sfc-settings-probe"))
    output = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def test_defaults_trust_no_proxy_and_keep_sessions_in_the_database():
    assert settings_with() == {
        "proxy": 0,
        "ssl": None,
        "session": "db",
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
