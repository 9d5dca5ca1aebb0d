"""The shared page layout: skip link, navigation per role, switchers, user menu, messages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from spaceforchange.core import services
from spaceforchange.core.models import Organization
from tests.factories import PASSWORD, make_member, make_organization
from tests.web.web.conftest import soup_of

pytestmark = pytest.mark.django_db

ALL_SECTIONS = [
    "Dashboard",
    "Units",
    "Members",
    "Ideas",
    "Initiatives",
    "Assessments",
    "Legitimacy",
    "Policies",
    "Consultations",
    "Strategy",
    "Budgets",
    "People and teams",
    "Change programmes",
    "Warnings",
    "Framework library",
]


def dashboard_as(client, roles=("member",)):  # type: ignore[no-untyped-def]
    organization = make_organization(name="Northbay", slug="northbay")
    membership = make_member(organization, roles=roles)
    client.force_login(membership.user)
    return client.get(reverse("core:dashboard", kwargs={"org_slug": "northbay"})), membership


def nav_labels(soup) -> list[str]:  # type: ignore[no-untyped-def]
    nav = soup.find("nav", attrs={"aria-label": "Primary navigation"})
    return [link.get_text(strip=True) for link in nav.find_all("a")] if nav else []


def test_skip_link_is_first_and_targets_main(client):
    response, _ = dashboard_as(client)
    soup = soup_of(response)
    first_link = soup.body.find("a")
    assert first_link["href"] == "#main-content"
    assert "usa-skipnav" in first_link["class"]
    main = soup.find(id="main-content")
    assert main is not None and main.name == "main"
    assert soup.html["lang"] == "en"


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (("member",), [section for section in ALL_SECTIONS if section != "Legitimacy"]),
        (("innovation_lead", "leader"), ALL_SECTIONS),
        (("oversight",), [*ALL_SECTIONS, "Audit"]),
        # Administrators run the organisation, not its content: the legitimacy registers are not theirs.
        (("admin",), [*(section for section in ALL_SECTIONS if section != "Legitimacy"), "Audit"]),
    ],
)
def test_primary_navigation_depends_on_role(client, roles, expected):
    response, _ = dashboard_as(client, roles=roles)
    soup = soup_of(response)
    assert nav_labels(soup) == expected
    audit_url = reverse("core:audit", kwargs={"org_slug": "northbay"})
    assert bool(soup.find("a", href=audit_url)) == ("Audit" in expected)
    assert response.context["can_view_audit"] == ("Audit" in expected)


def test_navigation_marks_the_current_page_only(client):
    response, _ = dashboard_as(client)
    nav = soup_of(response).find("nav", attrs={"aria-label": "Primary navigation"})
    current = nav.find_all(attrs={"aria-current": "page"})
    assert [link.get_text(strip=True) for link in current] == ["Dashboard"]
    assert "usa-current" in current[0]["class"]


def test_no_primary_navigation_outside_an_organisation(client):
    organization = make_organization()
    other = make_organization()
    membership = make_member(organization)
    make_member(other, user=membership.user)
    client.force_login(membership.user)
    soup = soup_of(client.get(reverse("home")))
    assert soup.find("nav", attrs={"aria-label": "Primary navigation"}) is None


def test_language_switcher_posts_to_set_language(client):
    response, _ = dashboard_as(client)
    soup = soup_of(response)
    form = soup.find("form", action=reverse("set_language"))
    assert form is not None and form["method"] == "post"
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"}) is not None
    assert form.find("input", attrs={"name": "next"})["value"] == "/o/northbay/"
    select = form.find("select", attrs={"name": "language"})
    assert form.find("label", attrs={"for": select["id"]}).get_text(strip=True) == "Language"
    options = {option["value"]: option.get_text(strip=True) for option in select.find_all("option")}
    assert options == {"en": "English", "nb": "Norsk bokmål"}
    assert select.find("option", selected=True)["value"] == "en"
    assert form.find("button", type="submit") is not None


def test_switching_language_renders_the_page_in_norwegian(client):
    dashboard_as(client)
    response = client.post(reverse("set_language"), {"language": "nb", "next": "/o/northbay/"}, follow=True)
    soup = soup_of(response)
    assert response.redirect_chain[-1][0] == "/o/northbay/"
    assert soup.html["lang"] == "nb"
    assert soup.find("select", attrs={"name": "language"}).find("option", selected=True)["value"] == "nb"


def test_organisation_switcher_lists_only_the_persons_organisations(client):
    _, membership = dashboard_as(client)
    make_member(make_organization(name="Southport", slug="southport"), user=membership.user)
    make_organization(name="Elsewhere", slug="elsewhere")
    soup = soup_of(client.get("/o/northbay/"))
    switcher = soup.find("ul", attrs={"aria-label": "Switch organisation"})
    links = {link.get_text(strip=True): link["href"] for link in switcher.find_all("a")}
    assert links == {"Northbay": "/o/northbay/", "Southport": "/o/southport/"}
    assert switcher.find("a", attrs={"aria-current": "true"}).get_text(strip=True) == "Northbay"


def test_user_menu_logs_out_with_a_post_form(client):
    response, membership = dashboard_as(client)
    soup = soup_of(response)
    form = soup.find("form", action=reverse("account_logout"))
    assert form["method"] == "post"
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"}) is not None
    assert form.find("button").get_text(strip=True) == "Log out"
    summary = form.find_parent("details").find("summary")
    assert membership.user.email in summary.get_text()


def test_messages_are_shown_as_alerts(client):
    organization = make_organization(slug="northbay")
    membership = make_member(organization)
    response = client.post(
        reverse("account_login"), {"login": membership.user.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/o/northbay/"
    alerts = soup_of(response).select(".sfc-messages .usa-alert")
    assert len(alerts) == 1
    assert "usa-alert--success" in alerts[0]["class"]
    assert alerts[0]["role"] == "status"
    assert membership.user.email in alerts[0].get_text()


def test_sign_in_page_uses_the_site_layout_with_labelled_fields(client):
    soup = soup_of(client.get(reverse("account_login")))
    assert soup.find("a", class_="usa-skipnav")["href"] == "#main-content"
    inputs = soup.select("main form input.usa-input")
    assert {field["name"] for field in inputs} >= {"login", "password"}
    for field in inputs:
        assert soup.find("label", attrs={"for": field["id"]}) is not None
    assert soup.find("nav", attrs={"aria-label": "Primary navigation"}) is None


@pytest.mark.django_db
@pytest.mark.parametrize("open_signup", [False, True])
def test_login_page_offers_sign_up_only_when_it_is_open(client, settings, open_signup):
    settings.ACCOUNT_ALLOW_SIGNUPS = open_signup
    soup = soup_of(client.get("/accounts/login/"))
    offers_signup = soup.find("a", href="/accounts/signup/") is not None
    assert offers_signup is open_signup
    assert ("Ask your organisation's administrator" in soup.get_text()) is not open_signup


# --- Cached renderings: the header, the organisation switcher and the dashboard are cached per
# process under everything they show, so a change shows on the very next page.


def test_navigation_follows_a_change_of_roles_at_once(client):
    admin = make_member(make_organization(name="Northbay", slug="northbay"), roles=["admin"])
    response, membership = dashboard_as_member_of(client, admin.organization)
    assert "Audit" not in nav_labels(soup_of(response))

    services.set_member_roles(membership=membership, roles=["member", "oversight"])
    soup = soup_of(client.get(reverse("core:dashboard", kwargs={"org_slug": "northbay"})))

    assert nav_labels(soup) == [*ALL_SECTIONS, "Audit"]


def test_navigation_marks_the_section_of_each_page(client):
    dashboard_as(client)
    soup = soup_of(client.get(reverse("core:units", kwargs={"org_slug": "northbay"})))
    current = soup.find("nav", attrs={"aria-label": "Primary navigation"}).find_all(attrs={"aria-current": "page"})
    assert [link.get_text(strip=True) for link in current] == ["Units"]


def test_switcher_shows_a_renamed_organisation_at_once(client):
    _response, membership = dashboard_as(client)
    make_member(make_organization(name="Southport", slug="southport"), user=membership.user)
    assert "Southport" in switcher_text(client)

    Organization.objects.filter(slug="southport").update(name="Southport Agency")

    assert "Southport Agency" in switcher_text(client)


def test_header_and_switcher_follow_the_language(client):
    dashboard_as(client)
    client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    soup = soup_of(client.get(reverse("core:dashboard", kwargs={"org_slug": "northbay"})))
    assert soup.html["lang"] == "nb"
    nav = soup.find("nav", attrs={"aria-label": "Hovednavigasjon"})
    assert nav is not None
    assert nav.find("a").get_text(strip=True) == "Oversikt"
    assert soup.select_one(".sfc-toolbar").get_text(" ", strip=True).startswith("Organisasjon:")


def dashboard_as_member_of(client, organization):  # type: ignore[no-untyped-def]
    membership = make_member(organization, roles=["member"])
    client.force_login(membership.user)
    return client.get(reverse("core:dashboard", kwargs={"org_slug": organization.slug})), membership


def switcher_text(client) -> str:  # type: ignore[no-untyped-def]
    soup = soup_of(client.get(reverse("core:dashboard", kwargs={"org_slug": "northbay"})))
    return soup.select_one(".sfc-toolbar").get_text(" ", strip=True)
