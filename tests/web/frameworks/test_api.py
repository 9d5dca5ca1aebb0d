"""The framework endpoints under /api/v1/organizations/{org_slug}/frameworks."""

from __future__ import annotations

import pytest
import yaml

from spaceforchange.frameworks import services
from spaceforchange.frameworks.domain import checksum_of
from spaceforchange.frameworks.loader import parse_pack
from spaceforchange.frameworks.models import FrameworkPack, PackVersion
from tests.factories import make_pack, pack_data, pack_yaml
from tests.web.api.helpers import assert_problem, bearer, issue_token

pytestmark = pytest.mark.django_db


def base(org) -> str:
    return f"/api/v1/organizations/{org.slug}/frameworks"


def test_list_frameworks_gives_both_languages_and_ownership(org, packs):
    services.create_override(organization=org.organization, key="web_pack")
    response = org.client("member").get(base(org))
    assert response.status_code == 200
    entries = {entry["key"]: entry for entry in response.json()}
    assert entries["web_base"]["name"] == {"en": "Framework web_base", "nb": "Rammeverk web_base"}
    assert (entries["web_base"]["overridden"], entries["web_pack"]["overridden"]) == (False, True)
    assert entries["web_pack"]["kinds"] == ["dimension", "practice", "warning_rule"]
    assert entries["web_pack"]["statement_count"] == 4


def test_get_framework_returns_the_effective_version_with_items_and_instruments(org, packs):
    body = org.client("member").get(f"{base(org)}/web_pack").json()
    assert body["current_version"]["id"] == packs["web_pack"].pk
    assert body["current_version"]["shipped"] is True
    assert [item["key"] for item in body["items"]] == ["openness", "room", "open_dialogue", "too_closed"]
    assert body["items"][2]["links"] == ["room", "web_base:room"]
    statements = body["instruments"][0]["statements"]
    assert [(s["key"], s["dimension"], s["reverse"]) for s in statements][:2] == [
        ("r1", "room", False),
        ("r2", "room", True),
    ]


def test_versions_list_and_detail(org, packs):
    own = services.save_override_version(
        organization=org.organization,
        key="web_pack",
        text=pack_yaml(data=pack_data("web_pack", version="1.2.0", links=["web_base:room"])),
    ).version
    client = org.client("member")
    versions = client.get(f"{base(org)}/web_pack/versions").json()
    assert [(v["id"], v["shipped"], v["source"]) for v in versions] == [
        (own.pk, False, "edit"),
        (packs["web_pack"].pk, True, "import"),
    ]
    assert versions[0]["derived_from_id"] == packs["web_pack"].pk
    detail = client.get(f"{base(org)}/web_pack/versions/{packs['web_pack'].pk}").json()
    assert detail["document"]["version"] == "1.0.0"
    assert detail["checksum"] == packs["web_pack"].checksum


def test_export_endpoints_return_yaml(org, packs):
    client = org.client("oversight")
    response = client.get(f"{base(org)}/web_pack/versions/{packs['web_pack'].pk}/export")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/yaml")
    assert checksum_of(parse_pack("x.yaml", response.content)[0].pack) == packs["web_pack"].checksum
    effective = client.get(f"{base(org)}/web_pack/export")
    assert yaml.safe_load(effective.content)["key"] == "web_pack"


def test_export_needs_the_export_permission(org, packs):
    assert_problem(org.client("member").get(f"{base(org)}/web_pack/export"), 403)


def test_import_creates_an_override_and_identical_import_changes_nothing(org, packs):
    client = org.client("admin")
    text = pack_yaml(data=pack_data("web_pack", version="2.0.0", links=["web_base:room"]))
    response = client.post(
        f"{base(org)}/import", {"yaml": text, "file_name": "mine.yaml"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    [outcome] = response.json()
    assert outcome["created"] is True and outcome["file"] == "mine.yaml"
    assert outcome["version"]["shipped"] is False and outcome["version"]["key"] == "web_pack"
    again = client.post(f"{base(org)}/import", {"yaml": text}, content_type="application/json")
    assert again.status_code == 201 and again.json()[0]["created"] is False


def test_a_refused_import_is_a_400_problem_listing_every_error_and_imports_nothing(org, packs):
    data = pack_data("web_new")
    data["items"][0]["kind"] = "gizmo"
    data["items"][2]["links"] = ["nowhere:room"]
    del data["items"][1]["name"]["nb"]
    before = (FrameworkPack.objects.count(), PackVersion.objects.count())
    response = org.client("admin").post(
        f"{base(org)}/import", {"yaml": pack_yaml(data=data)}, content_type="application/json"
    )
    body = assert_problem(response, 400)
    assert {error["path"] for error in body["errors"]} == {"items.0.kind", "items.1.name.nb"}
    assert body["errors"][0]["loc"][:2] == ["body", "yaml"]
    assert all(error["file"] == "upload.yaml" and error["line"] for error in body["errors"])
    assert (FrameworkPack.objects.count(), PackVersion.objects.count()) == before
    # With the types fixed, the unknown reference to another pack is reported.
    data["items"][0]["kind"] = "dimension"
    data["items"][1]["name"]["nb"] = "Rom"
    body = assert_problem(
        org.client("admin").post(
            f"{base(org)}/import", {"yaml": pack_yaml(data=data)}, content_type="application/json"
        ),
        400,
    )
    assert [error["path"] for error in body["errors"]] == ["items.2.links.0"]


@pytest.mark.parametrize("text", ["key: [", "- a list", "!!python/object/apply:os.system ['true']", ""])
def test_hostile_or_broken_yaml_is_a_400_problem(org, text):
    response = org.client("admin").post(f"{base(org)}/import", {"yaml": text}, content_type="application/json")
    assert assert_problem(response, 400)["errors"]


def test_import_needs_the_import_permission(org, packs):
    response = org.client("innovation_lead").post(
        f"{base(org)}/import", {"yaml": pack_yaml("web_x")}, content_type="application/json"
    )
    assert_problem(response, 403)
    assert not FrameworkPack.objects.filter(key="web_x").exists()


def test_token_authentication_works_for_import(org, packs):
    token = issue_token(org.people["admin"].user)
    from django.test import Client

    response = Client().post(
        f"{base(org)}/import", {"yaml": pack_yaml("web_token")}, content_type="application/json", headers=bearer(token)
    )
    assert response.status_code == 201
    assert FrameworkPack.objects.get(key="web_token").organization == org.organization


def test_other_organisations_are_404(org, other_org, packs):
    theirs = make_pack("web_secret", organization=other_org.organization)
    client = org.client("admin")
    for url in [
        f"{base(other_org)}",
        f"{base(org)}/web_secret",
        f"{base(org)}/web_secret/versions",
        f"{base(org)}/web_secret/export",
        f"{base(org)}/web_secret/versions/{theirs.pk}",
        f"{base(org)}/web_secret/versions/{theirs.pk}/export",
        f"{base(org)}/web_pack/versions/{theirs.pk}",
        f"{base(org)}/web_pack/versions/{packs['web_base'].pk}",
    ]:
        assert_problem(client.get(url), 404)
    assert_problem(
        client.post(f"{base(other_org)}/import", {"yaml": pack_yaml("web_x")}, content_type="application/json"), 404
    )
