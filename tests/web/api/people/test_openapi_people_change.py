"""The people and change endpoints in the OpenAPI document, mounted beside every other router: each
operation has a summary and a description, every parameter, schema and property is described, and no
schema name is taken twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

HTTP_METHODS = {"get", "put", "post", "delete", "patch"}
OURS = ("/teams", "/people/", "/change-programmes")


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def ours(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in schema["paths"].items()
        if any(part in path for part in OURS)
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def test_the_people_and_change_operations_are_present(schema: dict[str, Any]) -> None:
    names = {name for name, _operation in ours(schema)}
    assert {
        "GET /api/v1/organizations/{org_slug}/teams",
        "POST /api/v1/organizations/{org_slug}/teams",
        "GET /api/v1/organizations/{org_slug}/teams/{team_id}/composition",
        "PUT /api/v1/organizations/{org_slug}/teams/{team_id}/leader-roles/{role_key}",
        "PUT /api/v1/organizations/{org_slug}/teams/{team_id}/exploration-shares/{period}",
        "GET /api/v1/organizations/{org_slug}/people/archetype-mix",
        "GET /api/v1/organizations/{org_slug}/people/archetype-mix/export",
        "GET /api/v1/organizations/{org_slug}/people/culture-trend",
        "GET /api/v1/organizations/{org_slug}/change-programmes",
        "GET /api/v1/organizations/{org_slug}/change-programmes/{programme_id}/readiness",
        "POST /api/v1/organizations/{org_slug}/change-programmes/{programme_id}/readiness/from-campaign",
        "PUT /api/v1/organizations/{org_slug}/change-programmes/{programme_id}/evidence/{item_key}",
        "GET /api/v1/organizations/{org_slug}/change-programmes/export",
    } <= names


def test_every_operation_is_summarised_described_and_documents_its_problems(schema: dict[str, Any]) -> None:
    for name, operation in ours(schema):
        assert operation.get("summary") and operation.get("description"), name
        assert operation["security"] == [{"TokenAuth": []}, {"SessionAuth": []}], name
        for status in ("401", "404", "422", "500"):
            assert "application/problem+json" in operation["responses"][status]["content"], name
        parameters = operation.get("parameters", [])
        assert [parameter["name"] for parameter in parameters if not parameter.get("description")] == [], name


def test_every_schema_and_property_of_the_whole_document_is_described(schema: dict[str, Any]) -> None:
    missing = []
    for schema_name, definition in schema["components"]["schemas"].items():
        if not definition.get("description"):
            missing.append(schema_name)
        for property_name, prop in definition.get("properties", {}).items():
            if not prop.get("description"):
                missing.append(f"{schema_name}.{property_name}")
    assert missing == []


def test_no_schema_name_of_people_or_change_is_taken_by_another_app() -> None:
    from ninja import Schema

    from spaceforchange.change import api as change_api
    from spaceforchange.people import api as people_api

    def schemas(module: Any) -> dict[str, Any]:
        return {
            name: value
            for name, value in vars(module).items()
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__
        }

    mine = schemas(people_api) | schemas(change_api)
    assert not set(schemas(people_api)) & set(schemas(change_api))
    modules = {people_api.__name__, change_api.__name__}
    others = {
        cls.__name__
        for cls in _all_subclasses(Schema)
        if cls.__module__.startswith("spaceforchange.") and cls.__module__ not in modules
    }
    assert len(mine) > 40
    assert set(mine) & others == set()


def _all_subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    for child in cls.__subclasses__():
        found.add(child)
        found |= _all_subclasses(child)
    return found
