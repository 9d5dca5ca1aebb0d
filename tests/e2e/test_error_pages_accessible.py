"""The error pages a visitor can reach pass the axe scan and offer a way home."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_not_found_page_is_accessible(page):  # type: ignore[no-untyped-def]
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="Go to the start page").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
