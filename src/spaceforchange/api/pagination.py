"""Limit/offset pagination for list endpoints, with its parameters and page fields described.

Ninja's ``LimitOffsetPagination`` pages the way we want but documents nothing, and the OpenAPI
document must describe every parameter and property. This subclass only adds descriptions:
defaults and bounds stay ninja's (``NINJA_PAGINATION_PER_PAGE`` and ``NINJA_PAGINATION_MAX_LIMIT``).

Use it as ``@paginate(LimitOffsetPagination)`` below the route decorator, with ``response=list[ItemOut]``;
the response becomes ``PagedItemOut`` (``items`` and ``count``).
"""

from math import isinf
from typing import Any, get_args

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination as NinjaLimitOffsetPagination
from pydantic import ConfigDict

MAX_LIMIT: int | None = None if isinf(settings.PAGINATION_MAX_LIMIT) else int(settings.PAGINATION_MAX_LIMIT)

LIMIT = f"The most items to return, 1 or more; default {settings.PAGINATION_PER_PAGE}." + (
    f" Larger values are refused (the maximum is {MAX_LIMIT})." if MAX_LIMIT is not None else ""
)
OFFSET = "How many items of the list to skip, 0 or more; default 0. The next page starts at offset + limit."
ITEMS = "The items on this page, in the list's order: at most `limit` of them, starting after `offset`."
COUNT = (
    "How many items the whole list has (with the same filters), not just this page; "
    "there are more pages while offset + limit < count."
)


class PageQuery(Schema):
    """Which slice of a list to return: up to `limit` items, after skipping the first `offset`."""

    limit: int = Field(settings.PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT, description=LIMIT)
    offset: int = Field(0, ge=0, description=OFFSET)


def _describe_page(schema: dict[str, Any], model: type[Any]) -> None:
    # Ninja builds each ``Paged<Item>`` with type(), overriding the ``items`` annotation: the
    # subclass has neither a docstring nor the field's description, so they are added here.
    item = get_args(model.model_fields["items"].annotation)
    name = getattr(item[0], "__name__", "") if item else ""
    schema.setdefault("description", f"One page of a list of {name or 'items'}, with the length of the whole list.")
    schema.get("properties", {}).get("items", {}).setdefault("description", ITEMS)


class Page(Schema):
    """One page of a list, with the length of the whole list."""

    model_config = ConfigDict(json_schema_extra=_describe_page)

    items: list[Any] = Field(description=ITEMS)
    count: int = Field(description=COUNT)


class LimitOffsetPagination(NinjaLimitOffsetPagination):
    """Ninja's limit/offset pagination, unchanged but for the descriptions of ``PageQuery`` and ``Page``."""

    # Plain assignments rather than nested ``class Input`` so that the OpenAPI components get telling
    # names; mypy sees ninja's nested classes as fixed types, hence the ignores.
    Input = PageQuery  # type: ignore[assignment]
    Output = Page  # type: ignore[assignment]
