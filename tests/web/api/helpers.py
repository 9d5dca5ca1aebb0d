"""Helpers for API tests: issue tokens, send them, and check problem bodies."""

from __future__ import annotations

from typing import Any

from spaceforchange.api import services as token_services

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def issue_token(user: Any, name: str = "test token", **fields: Any) -> str:
    return token_services.create_api_token(user=user, name=name, **fields).plaintext


def bearer(plaintext: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plaintext}"}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with ``status``; returns its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["detail"]
    assert body["instance"] == response.wsgi_request.path
    return body
