"""With SFC_REDIS_URL the cache and session reads go to Redis; signing in must still work."""

import socket

import pytest
from django.core.cache import caches

from tests.factories import PASSWORD, make_member, make_organization

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_settings(settings):
    if not redis_answers():
        pytest.skip("Redis is not running at 127.0.0.1:6379; start it to test the Redis configuration")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "redis-test"},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    caches["default"].clear()


def test_sign_in_and_a_page_with_sessions_in_redis(client, redis_settings):
    membership = make_member(make_organization(slug="northbay"), roles=["member"])
    response = client.post("/accounts/login/", {"login": membership.user.email, "password": PASSWORD})
    assert response.status_code == 302
    session_key = client.cookies["sessionid"].value
    assert caches["default"].get(f"django.contrib.sessions.cached_db{session_key}") is not None
    assert client.get("/o/northbay/").status_code == 200
