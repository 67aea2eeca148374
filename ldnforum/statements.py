"""Queries that Django compiles once per database connection, not once per
request.

A page that runs the same few query shapes with other values pays the ORM
each time to build and compile them: for the workbench's member records,
their last decisions and their notes, 6 to 9 ms of Python a page, more
than PostgreSQL spent running them; for a thread's comments, building
model instances cost as much again. A Statement builds its queryset
once, with a Slot where each value goes, and keeps the SQL and the
compiler; each run executes that SQL with the values in the slots' places,
and the compiler converts the rows as it would have (dates on SQLite).

A Slot stands wherever a value can; a list goes in through the `any_of`
lookup, which takes it as one parameter (`= ANY(%s)` on PostgreSQL, a JSON
array on SQLite), so that the SQL text is the same whatever its length.

On PostgreSQL each statement is also prepared on the server the first time
a connection runs it, so that later runs skip planning as well: a
millisecond a run for the moderator check and the member records.
"""

import inspect
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from weakref import ref as weak_ref

from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import (
    Expression,
    Field,
    ForeignObject,
    IntegerField,
    Lookup,
    QuerySet,
)
from django.db.models.query import _get_from_db, get_related_populators
from django.utils.asyncio import async_unsafe
from psycopg import Cursor as PsycopgCursor

_CACHE_ATTRIBUTE = "_ldnforum_statements"
# The Bounds this thread's compilation made, to check that each reached
# the parameters (threads compile on connections of their own).
_compiling = threading.local()


def _made(bound: "Bound") -> "Bound":
    made = getattr(_compiling, "bounds", None)
    if made is not None:
        made.append(bound)
    return bound


class Slot(Expression):
    """Where a Statement's value named `name` goes: an expression that
    compiles to one parameter, so it stands wherever a value can
    (`created_at__gte=since`); through `any_of`, a whole list."""

    def __init__(self, name: str, output_field: Field | None = None):
        super().__init__(output_field=output_field or IntegerField())
        self.name = name

    def as_sql(self, compiler, connection):
        field = self.output_field
        bound = Bound(
            self.name, lambda value: field.get_db_prep_value(value, connection, False)
        )
        return "%s", [_made(bound)]

    def __repr__(self) -> str:
        return f"Slot({self.name!r})"


class Bound:
    """A Slot among a compiled statement's parameters: `encode` turns the
    run's value into what the database takes, as the field would."""

    def __init__(self, name: str, encode: Callable[[Any], Any]):
        self.name = name
        self.encode = encode

    def value(self, values: dict[str, Any]) -> Any:
        return self.encode(values[self.name])


class AnyOf(Lookup):
    """field__any_of=[1, 2, 3] (or a Slot holding a list): the field equals
    one of them. One parameter whatever the list's length, unlike __in. On
    PostgreSQL the list may also be an array expression (ArraySubquery)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs
        if hasattr(values, "as_sql") and not isinstance(values, Slot):
            if connection.vendor != "postgresql":
                raise TypeError("any_of takes an array expression on PostgreSQL only.")
            array, array_params = compiler.compile(values)
            return f"{lhs} = ANY({array})", (*lhs_params, *array_params)
        field = self.lhs.output_field

        def prepared(values: Iterable) -> list:
            # Each value as the field stores it, as __in would: a model
            # instance as its key, a date as SQLite keeps it.
            return [
                field.get_db_prep_value(getattr(v, "pk", v), connection, False)
                for v in values
            ]

        if connection.vendor == "postgresql":
            sql, encode = f"{lhs} = ANY(%s)", prepared
        else:
            # SQLite (the embedded default): the list as a JSON array.
            sql = f"{lhs} IN (SELECT value FROM json_each(%s))"

            def encode(values: Iterable) -> str:
                return json.dumps(prepared(values))

        if isinstance(values, Slot):
            return sql, (*lhs_params, _made(Bound(values.name, encode)))
        return sql, (*lhs_params, encode(values))


Field.register_lookup(AnyOf)
# Relations keep lookups of their own, apart from Field's.
ForeignObject.register_lookup(AnyOf)


class _PreparedCursor(PsycopgCursor):
    """Binds its parameters on the server and prepares each query on the
    connection the first time it runs: later runs skip PostgreSQL's
    planning, a millisecond for some of these joins."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class _LoggedWithValues(CursorDebugWrapper):
    """Where queries are logged (DEBUG, the tests' and the bench's query
    captures), a prepared run is logged as Django logs its own: the SQL
    with the values in it, which `make bench` can EXPLAIN. Django's own
    wording for a server-bound query would be "QUERY = ... PARAMS = ..."."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return CursorWrapper.execute(self, sql, params)


@async_unsafe
def _cursor(connection):
    """A cursor for a statement's runs, logged and wrapped as Django's own
    (the query counts see them). On PostgreSQL a preparing one: a
    statement's SQL never changes on a connection, which is what makes
    preparing it pay. Django's own cursors bind on the client and prepare
    nothing, so that connection poolers in transaction mode keep working;
    behind one, DJANGO_DB_PREPARED_STATEMENTS=0 (ldnforum/settings.py)
    turns ours off too, and they run unprepared."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    # What Django's connection.cursor() does first: a connection the server
    # dropped since the last request is replaced, not used.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = _PreparedCursor(connection.connection)
    if connection.queries_logged:
        return _LoggedWithValues(raw, connection)
    return CursorWrapper(raw, connection)


def _run(connection, sql: str, params: list) -> list:
    with _cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _plan_outdated(error: Exception) -> bool:
    """PostgreSQL refuses a prepared statement whose result's types a
    migration changed (a column made longer, say), on every run, until the
    statement is prepared again."""
    return getattr(error.__cause__, "sqlstate", None) == "0A000"


def _forget_prepared(connection) -> None:
    # Through psycopg itself, which then forgets its own record of them.
    connection.connection.execute("DEALLOCATE ALL")


class Statement:
    """A values_list() queryset, built by `build` from one Slot per
    parameter it names, compiled once per connection. Run it with those
    names as keywords: `Statement(lambda members: ...).rows(members=[1, 2])`
    returns the rows as tuples in the values_list's order. A slot holds an
    integer (or, through any_of, a list) unless `fields` names its field:
    `Statement(lambda since: ..., fields={"since": DateTimeField()})`."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *,
        fields: dict[str, Field] | None = None,
        using: str = DEFAULT_DB_ALIAS,
    ):
        self.build = build
        self.names = list(inspect.signature(build).parameters)
        self.fields = fields or {}
        if unknown := set(self.fields) - set(self.names):
            raise TypeError(f"No slot named {', '.join(sorted(unknown))}.")
        self.using = using

    def _compiled(self):
        # Connections are per thread, so is what they compiled.
        connection = connections[self.using]
        cache = connection.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
        if self not in cache:
            slots = {name: Slot(name, self.fields.get(name)) for name in self.names}
            outer = getattr(_compiling, "bounds", None)
            _compiling.bounds = made = []
            try:
                compiler, sql, params = self._compile(slots)
            finally:
                # A statement compiled while another builds leaves it be.
                _compiling.bounds = outer
            kept = {id(p) for p in params}
            if lost := [b.name for b in made if id(b) not in kept]:
                # A lookup that rewrites its value as it compiles (SQLite's
                # iexact escapes it) would send the slot's own repr.
                raise TypeError(
                    f"A lookup rewrote slot {', '.join(lost)}: compare "
                    "exactly, or transform the field and the slot alike."
                )
            cache[self] = (connection, compiler, sql, params)
        return cache[self]

    def _queryset(self, slots: dict[str, Slot]) -> QuerySet:
        return self.build(**slots)

    def _compile(self, slots: dict[str, Slot]):
        queryset = self._queryset(slots).using(self.using)
        if not getattr(queryset, "_fields", None):
            raise TypeError("A Statement's queryset is a values_list().")
        # The SQL's columns come in values_list()'s order (Query.selected).
        compiler = queryset.query.get_compiler(using=self.using)
        return (compiler, *compiler.as_sql())

    def _bound(self, values: dict[str, Any]):
        if set(values) != set(self.names):
            raise TypeError(f"This statement takes {', '.join(self.names)}.")
        connection, compiler, sql, params = self._compiled()
        bound = [p.value(values) if isinstance(p, Bound) else p for p in params]
        return connection, compiler, sql, bound

    def sql_with_params(self, **values: Any) -> tuple[str, list]:
        """The compiled SQL and this run's parameters, to compose a query
        around it (as QuerySet.query.sql_with_params() gives a queryset's)."""
        _, _, sql, bound = self._bound(values)
        return sql, bound

    def _fetch(self, values: dict[str, Any]):
        connection, compiler, sql, bound = self._bound(values)
        try:
            return compiler, _run(connection, sql, bound)
        except NotSupportedError as error:
            if not _plan_outdated(error) or connection.in_atomic_block:
                # In a transaction, its rollback forgets the prepared
                # statements, and the next request prepares them afresh.
                raise
            _forget_prepared(connection)
            return compiler, _run(connection, sql, bound)

    def rows(self, **values: Any) -> list[tuple]:
        compiler, fetched = self._fetch(values)
        if compiler is None:
            return [tuple(row) for row in fetched]
        return list(compiler.results_iter(results=[fetched], tuple_expected=True))


class ModelStatement(Statement):
    """A Statement whose `build` returns a queryset of one model: its rows
    are that model's instances, every concrete field read, as the ORM
    would build them."""

    def _queryset(self, slots: dict[str, Slot]) -> QuerySet:
        queryset = self.build(**slots)
        self.model = queryset.model
        self.attnames = [f.attname for f in self.model._meta.concrete_fields]
        return queryset.values_list(*self.attnames)

    def rows(self, **values: Any) -> list:
        found = super().rows(**values)
        return [self.model.from_db(self.using, self.attnames, row) for row in found]


class SQLStatement(Statement):
    """A Statement whose `build` returns (sql, params) made from querysets'
    own SQL (sql_with_params()), for a query the ORM can't say in one
    queryset: a row of scalar subqueries, say. Its rows come as the
    database gives them, unconverted."""

    def _compile(self, slots: dict[str, Slot]):
        sql, params = self.build(**slots)
        return (None, sql, tuple(params))


class PageStatement(Statement):
    """A Statement whose `build` returns a queryset of model instances as a
    page lists them (select_related(), annotations, an order), unsliced.
    Run it with its slots and `limit` and `offset`: it returns the slice's
    instances, their related objects and annotations in place, as Django's
    ModelIterable builds them, without building or compiling the queryset
    again. The page's bounds are parameters too, so every page of a list
    shares one statement."""

    def __init__(self, build: Callable[..., QuerySet], **kwargs):
        super().__init__(build, **kwargs)
        self.slot_names = self.names
        self.names = [*self.names, "limit", "offset"]

    def _compile(self, slots: dict[str, Slot]):
        queryset = self.build(**{name: slots[name] for name in self.slot_names})
        queryset = queryset.using(self.using)
        if queryset.query.is_sliced or queryset._fields:
            raise TypeError("A PageStatement's queryset is unsliced, of instances.")
        self.fetch_mode = queryset._fetch_mode
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        page = (Bound("limit", int), Bound("offset", int))
        return compiler, f"{sql} LIMIT %s OFFSET %s", (*params, *page)

    def rows(self, **values: Any) -> list:
        compiler, fetched = self._fetch(values)
        return list(_instances(compiler, fetched, self.using, self.fetch_mode))


def _instances(compiler, fetched: list, db: str, fetch_mode) -> Iterator:
    """ModelIterable's loop (Django 6.1) over rows already fetched: the
    compiler's select, klass_info and annotation_col_map are those of the
    compilation the SQL came from."""
    select, klass_info = compiler.select, compiler.klass_info
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    from_db = _get_from_db(model, fetch_mode)
    populators = get_related_populators(klass_info, select, db, fetch_mode)
    annotations = compiler.annotation_col_map.items()
    peers = []
    for row in compiler.results_iter(results=[fetched]):
        obj = from_db(db, init_list, row[start:end])
        if fetch_mode.track_peers:
            peers.append(weak_ref(obj))
            obj._state.peers = peers
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotations:
            setattr(obj, name, row[position])
        yield obj
