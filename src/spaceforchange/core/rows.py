"""Model instances from hand-written SQL, for the few lookups that run on every request.

On every signed-in page the session, the person and their membership of the organisation in
the URL are looked up. Building those ORM queries cost more than running them (the query
compiler runs on each call), so these lookups use one fixed statement each. This module keeps
them honest: the statement names every concrete column of the model, and each value goes
through the same converters the ORM applies (SQLite's booleans and datetimes, for instance),
so the result is the model instance the ORM would have returned.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

ModelT = TypeVar("ModelT", bound=Model)
Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


def columns(model: type[Model], alias: str, using: str = "default") -> str:
    """``alias."col1", alias."col2", …`` for every concrete field, in the order ``build`` expects."""
    return _columns(model, alias, using)


def width(model: type[Model]) -> int:
    """How many values of a row belong to one instance of the model."""
    return len(model._meta.concrete_fields)


def build(model: type[ModelT], values: Sequence[Any], using: str = "default") -> ModelT:
    """The instance for ``values`` (one per concrete field), converted as the ORM converts them."""
    connection = connections[using]
    converted = [
        _convert(value, converters, connection)
        for value, converters in zip(values, _converters(model, using), strict=True)
    ]
    return model.from_db(using, _attnames(model), converted)


def attach_prefetched(instance: Model, related_name: str, objects: list[Any]) -> None:
    """Make ``instance.<related_name>.all()`` answer ``objects`` without a query.

    This is what ``prefetch_related`` leaves behind: the related manager's queryset with its
    results filled in, under the relation's cache name.
    """
    queryset = getattr(instance, related_name).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[related_name] = queryset


def _convert(value: Any, converters: tuple[tuple[Converter, Any], ...], connection: BaseDatabaseWrapper) -> Any:
    for converter, expression in converters:
        value = converter(value, expression, connection)
    return value


@functools.cache
def _columns(model: type[Model], alias: str, using: str) -> str:
    quote = connections[using].ops.quote_name
    # A concrete field always has a column; the stubs allow None for others.
    return ", ".join(f"{alias}.{quote(str(field.column))}" for field in model._meta.concrete_fields)


@functools.cache
def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


@functools.cache
def _converters(model: type[Model], using: str) -> tuple[tuple[tuple[Converter, Any], ...], ...]:
    """Per field, the backend's converters then the field's, as ``SQLCompiler.get_converters`` orders them."""
    connection = connections[using]
    table = model._meta.db_table
    per_field = []
    for field in model._meta.concrete_fields:
        expression = field.get_col(table)
        found = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        per_field.append(tuple((converter, expression) for converter in found))
    return tuple(per_field)
