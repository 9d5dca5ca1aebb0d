"""The profile page: name, email, language, security links, organisations and roles."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.urls import reverse

from spaceforchange.core.services import add_member
from tests.factories import make_organization, make_unit, make_user

pytestmark = pytest.mark.django_db


def _page(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def _label_for(page, name):  # type: ignore[no-untyped-def]
    field = page.find(attrs={"name": name})
    return page.find("label", attrs={"for": field["id"]}).get_text(" ", strip=True)


def _content_links(page):  # type: ignore[no-untyped-def]
    """Links in the profile's own sections, not in the shared account navigation."""
    return [link for section in page.find_all("section") for link in section.find_all("a")]


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_shows_details_links_and_labelled_fields(client):
    user = make_user(email="kari@example.org", display_name="Kari N.", first_name="Kari", last_name="Nordmann")
    client.force_login(user)
    page = _page(client.get(reverse("profile")))

    assert page.find("h1").get_text(strip=True) == "Your profile"
    assert page.find(attrs={"data-testid": "profile-email"}).get_text(strip=True) == "kari@example.org"
    assert page.find(attrs={"name": "display_name"})["value"] == "Kari N."
    assert page.find(attrs={"name": "first_name"})["value"] == "Kari"
    assert page.find(attrs={"name": "last_name"})["value"] == "Nordmann"
    assert _label_for(page, "display_name").startswith("Display name")
    assert _label_for(page, "language").startswith("Language")
    languages = [option["value"] for option in page.find(attrs={"name": "language"}).find_all("option")]
    assert languages == [code for code, _name in django_settings.LANGUAGES]

    hrefs = {link.get("href") for link in _content_links(page)}
    assert {
        reverse("account_change_password"),
        reverse("mfa_index"),
        reverse("api_tokens"),
        reverse("account_email"),
    } <= hrefs
    assert page.find(attrs={"data-testid": "two-factor-status"}).get_text(strip=True) == "off"


def test_single_sign_on_person_without_password_is_offered_to_set_one(client):
    user = make_user()
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    hrefs = {link.get("href") for link in _content_links(_page(client.get(reverse("profile"))))}
    assert reverse("account_set_password") in hrefs
    assert reverse("account_change_password") not in hrefs


def test_profile_lists_organisations_and_roles(client):
    user = make_user()
    north = make_organization(name="Northtown", slug="northtown")
    add_member(organization=north, user=user, roles=["admin", "oversight"], unit=make_unit(north, name="Lab"))
    make_organization(name="Southtown", slug="southtown")
    client.force_login(user)
    page = _page(client.get(reverse("profile")))

    table = page.find("section", attrs={"aria-labelledby": "organisations-heading"}).find("table")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in table.tbody.find_all("tr")
    ]
    assert rows == [["Northtown", "Lab", "Oversight, Administrator"]]
    assert table.tbody.find("a")["href"] == reverse("core:dashboard", kwargs={"org_slug": "northtown"})


def test_profile_without_organisations_says_so(client):
    client.force_login(make_user())
    section = _page(client.get(reverse("profile"))).find("section", attrs={"aria-labelledby": "organisations-heading"})
    assert section.find("table") is None
    assert "not a member" in section.get_text()


def test_saving_the_profile_changes_names_and_language(client):
    user = make_user(first_name="Kari")
    client.force_login(user)
    response = client.post(
        reverse("profile"), {"display_name": " KN ", "first_name": "Kari", "last_name": "Nordmann", "language": "nb"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "nb"
    user.refresh_from_db()
    assert (user.display_name, user.first_name, user.last_name) == ("KN", "Kari", "Nordmann")

    page = _page(client.get(reverse("profile")))
    assert page.find("html")["lang"] == "nb"
    assert page.find(attrs={"name": "language"}).find("option", selected=True)["value"] == "nb"


def test_invalid_profile_changes_nothing_and_explains(client):
    user = make_user(first_name="Kari")
    client.force_login(user)
    response = client.post(
        reverse("profile"), {"display_name": "x" * 151, "first_name": "Changed", "last_name": "", "language": "xx"}
    )
    assert response.status_code == 200
    page = _page(response)
    errors = {tag["id"]: tag.get_text(strip=True) for tag in page.select(".usa-error-message")}
    assert "id_display_name_error" in errors
    assert "id_language_error" in errors
    user.refresh_from_db()
    assert (user.display_name, user.first_name) == ("", "Kari")
