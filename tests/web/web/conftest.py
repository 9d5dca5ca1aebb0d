"""Helpers for the layout tests: parsed pages and a fake ``reverse`` for sections not built yet."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from django.urls import NoReverseMatch
from django.urls import reverse as real_reverse

from spaceforchange.web import context_processors


def soup_of(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content.decode(), "html.parser")


@pytest.fixture
def all_sections_built(monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """Every primary-navigation URL resolves, whether or not its app has built the page yet."""

    def fake_reverse(name: str, kwargs: dict[str, str] | None = None) -> str:
        try:
            return real_reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            return f"/o/{(kwargs or {})['org_slug']}/{name.split(':')[-1]}/"

    monkeypatch.setattr(context_processors, "reverse", fake_reverse)
    return fake_reverse
