"""Finishing touches to the generated OpenAPI document: the problem schema and the error responses.

Errors are produced in one place (``problems.py``), so they are documented in one place too:
every operation gets the error statuses it can answer, each pointing at the ``Problem`` schema.
"""

from __future__ import annotations

from typing import Any

from spaceforchange.api.problems import PROBLEM_CONTENT_TYPE, Problem

REF_TEMPLATE = "#/components/schemas/{model}"

ERROR_RESPONSES: dict[str, str] = {
    "400": "The request could not be read, for example a body that is not JSON.",
    "401": "No valid credentials: the token is missing, unknown, revoked or expired, or nobody is signed in.",
    "403": "Signed in, but not allowed to do this (or the CSRF token is missing from a session request).",
    "404": "Nothing here, or an organisation or object you cannot see.",
    "413": "The request body is too large.",
    "422": "Some values in the request are invalid; `errors` lists each one.",
    "500": "An unexpected error on the server; it has been logged.",
}
OPEN_ENDPOINT_ERRORS = {"400", "404", "413", "422", "500"}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# Path parameters every app's routes share, described once here.
COMMON_PARAMETERS: dict[str, str] = {
    "org_slug": "The organisation's short name, as in its web address /o/{org_slug}/. "
    "An organisation you are not an active member of answers 404.",
}


def _problem_schemas() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template=REF_TEMPLATE)
    definitions = schema.pop("$defs", {})
    return {"Problem": schema, **definitions}


def add_problem_responses(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {}).update(_problem_schemas())
    problem_ref = {"$ref": REF_TEMPLATE.format(model="Problem")}
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            _describe_common_parameters(operation)
            # Ninja keys its own responses by int; JSON would then hold "400" twice.
            responses = {str(status): value for status, value in operation.get("responses", {}).items()}
            operation["responses"] = responses
            statuses = (
                ERROR_RESPONSES
                if operation.get("security")
                else {status: text for status, text in ERROR_RESPONSES.items() if status in OPEN_ENDPOINT_ERRORS}
            )
            for status, description in statuses.items():
                responses.setdefault(
                    status, {"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": problem_ref}}}
                )


def _describe_common_parameters(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        description = COMMON_PARAMETERS.get(parameter.get("name", ""))
        if description and not parameter.get("description"):
            parameter["description"] = description
