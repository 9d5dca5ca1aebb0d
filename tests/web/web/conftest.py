"""Helpers for the layout tests: parsed pages."""

from __future__ import annotations

from bs4 import BeautifulSoup


def soup_of(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content.decode(), "html.parser")
