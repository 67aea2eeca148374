"""Queries that Django compiles once per database connection, not once per
request.

A page that runs the same few query shapes with other values pays the ORM
each time to build and compile them: for the workbench's member records,
their last decisions and their notes, that was 6 to 9 ms of Python a page,
more than PostgreSQL spent running them. A Statement builds its queryset
once, with a Slot where each value goes, and keeps the SQL and the
compiler; each run executes that SQL with the values in the slots' places,
and the compiler converts the rows as it would have (dates on SQLite).

Values go in through the `any_of` lookup, which takes a whole list as one
parameter (`= ANY(%s)` on PostgreSQL, a JSON array on SQLite), so that the
SQL text is the same whatever the list's length.
"""

import inspect
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, ForeignObject, Lookup, QuerySet

_CACHE_ATTRIBUTE = "_ldnforum_statements"


class Slot:
    """Where a Statement's value named `name` goes among the parameters.
    `encode` turns the value into what the database takes."""

    def __init__(self, name: str, encode: Callable[[Any], Any] | None = None):
        self.name = name
        self.encode = encode

    def value(self, values: dict[str, Any]) -> Any:
        value = values[self.name]
        return self.encode(value) if self.encode is not None else value

    def __repr__(self) -> str:
        return f"Slot({self.name!r})"


def _json_list(values: Iterable) -> str:
    return json.dumps(list(values))


class AnyOf(Lookup):
    """field__any_of=[1, 2, 3] (or a Slot): the field equals one of them.
    One parameter whatever the list's length, unlike __in."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs
        if connection.vendor == "postgresql":
            param = values if isinstance(values, Slot) else list(values)
            return f"{lhs} = ANY(%s)", (*lhs_params, param)
        # SQLite (the embedded default): the list as a JSON array.
        if isinstance(values, Slot):
            param = Slot(values.name, encode=_json_list)
        else:
            param = _json_list(values)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, param)


Field.register_lookup(AnyOf)
# Relations keep lookups of their own, apart from Field's.
ForeignObject.register_lookup(AnyOf)


class Statement:
    """A values_list() queryset, built by `build` from one Slot per
    parameter it names, compiled once per connection. Run it with those
    names as keywords: `Statement(lambda members: ...).rows(members=[1, 2])`
    returns the rows as tuples in the values_list's order."""

    def __init__(self, build: Callable[..., QuerySet], *, using=DEFAULT_DB_ALIAS):
        self.build = build
        self.names = list(inspect.signature(build).parameters)
        self.using = using

    def _compiled(self):
        # Connections are per thread, so is what they compiled.
        connection = connections[self.using]
        cache = connection.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
        if self not in cache:
            slots = {name: Slot(name) for name in self.names}
            queryset = self.build(**slots).using(self.using)
            fields = getattr(queryset, "_fields", None)
            if not fields:
                raise TypeError("A Statement's queryset is a values_list().")
            # The SQL's columns come in values_list()'s order (Query.selected).
            compiler = queryset.query.get_compiler(using=self.using)
            sql, params = compiler.as_sql()
            cache[self] = (connection, compiler, sql, params)
        return cache[self]

    def rows(self, **values: Any) -> list[tuple]:
        if set(values) != set(self.names):
            raise TypeError(f"This statement takes {', '.join(self.names)}.")
        connection, compiler, sql, params = self._compiled()
        bound = [p.value(values) if isinstance(p, Slot) else p for p in params]
        with connection.cursor() as cursor:
            cursor.execute(sql, bound)
            fetched = cursor.fetchall()
        return list(compiler.results_iter(results=[fetched], tuple_expected=True))
