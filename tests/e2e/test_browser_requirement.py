"""Without Debian's Chromium the browser tests skip, except in CI, where they fail."""

from __future__ import annotations

import pytest

from tests.e2e import conftest


@pytest.fixture
def no_chromium(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "chromium")


def test_missing_chromium_skips_with_a_message_on_a_workstation(no_chromium, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium"):
        conftest.require_chromium()


def test_missing_chromium_fails_in_ci(no_chromium, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium"):
        conftest.require_chromium()


def test_present_chromium_is_accepted(monkeypatch, tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("")
    monkeypatch.setattr(conftest, "CHROMIUM", browser)
    monkeypatch.setenv("CI", "true")
    conftest.require_chromium()
