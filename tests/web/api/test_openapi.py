"""The OpenAPI document and the docs page."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db

HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture
def schema(client):  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):  # type: ignore[no-untyped-def]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield f"{method.upper()} {path}", operation


def test_openapi_is_public_and_names_the_api(schema):
    assert schema["info"]["title"] == "Space for Change API"
    assert "Bearer" in schema["info"]["description"]


def test_bearer_token_security_scheme(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"]["type"] == "http"
    assert schemes["TokenAuth"]["scheme"] == "bearer"
    assert schemes["TokenAuth"]["description"]
    assert schemes["SessionAuth"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": schemes["SessionAuth"]["description"],
    }


def test_every_operation_requires_auth_and_documents_problem_errors(schema):
    for name, operation in _operations(schema):
        assert operation["security"] == [{"TokenAuth": []}, {"SessionAuth": []}], name
        for status in ("401", "404", "422", "500"):
            content = operation["responses"][status]["content"]
            assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}, name


def test_core_routes_are_present(schema):
    names = {name for name, _operation in _operations(schema)}
    assert {
        "GET /api/v1/me",
        "PATCH /api/v1/me",
        "GET /api/v1/me/tokens",
        "POST /api/v1/me/tokens",
        "DELETE /api/v1/me/tokens/{token_id}",
        "GET /api/v1/organizations",
        "GET /api/v1/organizations/{org_slug}",
    } <= names


def test_problem_schema_is_documented(schema):
    problem = schema["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance", "errors"} <= set(problem["properties"])
    assert "ProblemFieldError" in schema["components"]["schemas"]


def test_every_operation_has_a_summary_and_a_description(schema):
    missing = [
        name
        for name, operation in _operations(schema)
        if not operation.get("summary") or not operation.get("description")
    ]
    assert missing == []


def test_every_parameter_is_described(schema):
    missing = [
        f"{name} {parameter['name']}"
        for name, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    assert missing == []


def test_every_schema_and_property_is_described(schema):
    missing = []
    for schema_name, definition in schema["components"]["schemas"].items():
        if not definition.get("description"):
            missing.append(schema_name)
        for property_name, prop in definition.get("properties", {}).items():
            if not prop.get("description"):
                missing.append(f"{schema_name}.{property_name}")
    assert missing == []


def test_docs_page_loads_only_local_assets_under_the_strict_csp(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp

    page = BeautifulSoup(response.content, "html.parser")
    scripts = page.find_all("script")
    executable = [script for script in scripts if script.get("type") != "application/json"]
    assert executable, "the docs page loads Swagger UI"
    assert all(script.get("src", "").startswith("/static/") for script in executable)
    assert not any(tag.get("style") for tag in page.find_all(True))
    stylesheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    assert stylesheets and all(href.startswith("/static/") for href in stylesheets)

    settings_json = json.loads(page.find("script", id="swagger-settings").string)
    assert settings_json["url"] == "/api/v1/openapi.json"

    for asset in [script["src"] for script in executable] + stylesheets:
        asset_response = client.get(asset)
        assert asset_response.status_code == 200, asset
        b"".join(asset_response.streaming_content if asset_response.streaming else [asset_response.content])
