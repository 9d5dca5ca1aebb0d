"""Parsing helpers and addresses of the change-programme page tests."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

ORG = "/o/northbay/change/"


def programme_url(programme: Any, page: str = "") -> str:
    return f"{ORG}{programme.pk}/{page + '/' if page else ''}"


def soup_of(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def text_of(soup: BeautifulSoup, selector: str) -> str:
    found = soup.select_one(selector)
    assert found is not None, selector
    return " ".join(found.get_text(" ").split())


def table_rows(soup: BeautifulSoup, selector: str) -> list[list[str]]:
    """The body rows of a table, each cell's text with its white space collapsed."""
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")]
        for row in soup.select(f"{selector} tbody tr")
    ]


def errors_of(response: Any) -> str:
    return text_of(soup_of(response), "#error-summary")
