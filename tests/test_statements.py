"""ldnforum/statements.py: a query compiled once answers each run with that
run's values, as the ORM would, on SQLite and PostgreSQL alike."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import (
    NotSupportedError,
    close_old_connections,
    connection,
    connections,
    transaction,
)
from django.db.models import CharField, Count, DateTimeField, Q
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, CommentStatus, WatchWord
from ldnforum.statements import Statement

pytestmark = pytest.mark.django_db


def _by_author(authors):
    return (
        Comment.objects.filter(author_id__any_of=authors)
        .order_by("created_at", "pk")
        .values_list("author__display_name", "created_at", "body", "author_id")
    )


BY_AUTHOR = Statement(_by_author)
COUNTS = Statement(
    lambda members, status: (
        get_user_model()
        .objects.filter(pk__any_of=members)
        .annotate(
            shown=Count("comments", filter=Q(comments__status__any_of=status)),
        )
        .order_by("pk")
        .values_list("shown", "pk")
    )
)


@pytest.fixture
def three_members(article, user_factory, comment_factory):
    members = [user_factory(display_name=name) for name in ("Ann", "Bo", "Cy")]
    for n, member in enumerate(members):
        for i in range(n + 1):
            comment_factory(article=article, author=member, body=f"{member} {i}")
        comment_factory(
            article=article, author=member, body="waiting", status="pending"
        )
    return members


def test_each_run_answers_with_its_own_values_as_the_orm_does(three_members):
    ann, bo, cy = three_members
    for authors in ([ann.pk], [bo.pk, cy.pk], [cy.pk, ann.pk, bo.pk], [ann.pk]):
        assert BY_AUTHOR.rows(authors=authors) == list(_by_author(authors))
    rows = BY_AUTHOR.rows(authors=[bo.pk])
    assert [row[0] for row in rows] == ["Bo"] * 3
    # Dates come back as the ORM gives them (SQLite stores text).
    assert all(isinstance(row[1], datetime) and row[1].tzinfo for row in rows)


def test_values_that_match_nothing_give_no_rows(three_members):
    assert BY_AUTHOR.rows(authors=[]) == []
    assert BY_AUTHOR.rows(authors=[10**9]) == []


def test_several_values_each_take_their_place(three_members):
    ann, bo, cy = three_members
    members = [ann.pk, bo.pk, cy.pk]
    approved = [CommentStatus.APPROVED]
    assert COUNTS.rows(members=members, status=approved) == [
        (1, ann.pk),
        (2, bo.pk),
        (3, cy.pk),
    ]
    either = [CommentStatus.APPROVED, CommentStatus.PENDING]
    assert COUNTS.rows(members=[cy.pk], status=either) == [(4, cy.pk)]


def test_a_run_is_one_query_and_compiles_nothing_more(three_members, monkeypatch):
    ann, bo, _ = three_members
    BY_AUTHOR.rows(authors=[ann.pk])  # compiled here, if not before
    monkeypatch.setattr(
        BY_AUTHOR, "build", lambda **_: pytest.fail("compiled a second time")
    )
    with CaptureQueriesContext(connection) as queries:
        rows = BY_AUTHOR.rows(authors=[bo.pk])
    assert len(queries) == 1
    assert [row[2] for row in rows] == ["Bo 0", "Bo 1", "waiting"]


def test_the_any_of_lookup_takes_a_plain_list_too(three_members):
    ann, _, cy = three_members
    names = get_user_model().objects.filter(pk__any_of=[cy.pk, ann.pk])
    assert sorted(names.values_list("display_name", flat=True)) == ["Ann", "Cy"]


def test_a_run_with_missing_or_unknown_values_is_refused(three_members):
    with pytest.raises(TypeError, match="takes authors"):
        BY_AUTHOR.rows()
    with pytest.raises(TypeError, match="takes authors"):
        BY_AUTHOR.rows(authors=[1], status=["approved"])


def test_only_a_values_list_can_be_a_statement(db):
    statement = Statement(lambda members: Comment.objects.filter(pk__any_of=members))
    with pytest.raises(TypeError, match="values_list"):
        statement.rows(members=[1])


SINCE = Statement(
    lambda author, since, name: (
        Comment.objects.filter(
            author_id=author,
            created_at__gte=since,
            author__display_name=name,
        )
        .order_by("pk")
        .values_list("body", flat=False)
    ),
    fields={"since": DateTimeField(), "name": CharField()},
)


def test_a_slot_stands_for_a_date_or_a_text_as_the_field_stores_it(three_members):
    _, _, cy = three_members
    cy_bodies = list(
        Comment.objects.filter(author=cy).order_by("pk").values_list("body")
    )
    second = Comment.objects.filter(author=cy).order_by("pk")[1]
    assert (
        SINCE.rows(author=cy.pk, since=second.created_at, name="Cy") == (cy_bodies[1:])
    )
    earlier = second.created_at - timedelta(days=1)
    assert SINCE.rows(author=cy.pk, since=earlier, name="Cy") == cy_bodies
    assert SINCE.rows(author=cy.pk, since=earlier, name="Bo") == []


def test_a_field_for_no_slot_is_a_mistake():
    with pytest.raises(TypeError, match="No slot named since"):
        Statement(lambda author: Comment.objects.all(), fields={"since": CharField()})


def test_a_lookup_that_rewrites_its_value_refuses_a_slot(three_members):
    """SQLite's iexact escapes its value as it compiles (PostgreSQL's
    doesn't): the statement answers right or refuses, never wrongly."""
    statement = Statement(
        lambda name: (
            get_user_model()
            .objects.filter(display_name__iexact=name)
            .values_list("display_name")
        ),
        fields={"name": CharField()},
    )
    if connection.vendor == "sqlite":
        with pytest.raises(TypeError, match="rewrote slot name"):
            statement.rows(name="bo")
    else:
        assert statement.rows(name="bo") == [("Bo",)]


def test_any_of_takes_an_array_of_a_subquery_on_postgresql(three_members):
    """What the Reported tab asks: on PostgreSQL, ids from a subquery as one
    array; SQLite has no arrays, and says so rather than run it."""
    ann, bo, _ = three_members
    authors = get_user_model().objects.filter(pk__in=[ann.pk, bo.pk]).values("pk")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        shown = Comment.objects.filter(author_id__any_of=ArraySubquery(authors))
        assert shown.count() == 2 + 3
    else:
        from django.db.models import Subquery

        with pytest.raises(TypeError, match="PostgreSQL only"):
            list(Comment.objects.filter(author_id__any_of=Subquery(authors)))


def test_any_of_takes_values_as_in_would(three_members):
    """Members themselves, or dates, as __in takes them: each as its field
    stores it, on both databases."""
    ann, bo, _ = three_members
    by_member = Comment.objects.filter(author__any_of=[ann, bo])
    assert by_member.count() == Comment.objects.filter(author__in=[ann, bo]).count()
    first = Comment.objects.filter(author=bo).order_by("pk").first()
    at_that_moment = Comment.objects.filter(created_at__any_of=[first.created_at])
    assert list(at_that_moment.values_list("pk", flat=True)) == [first.pk]
    later = Statement(
        lambda moments: Comment.objects.filter(created_at__any_of=moments).values_list(
            "body"
        )
    )
    assert later.rows(moments=[first.created_at]) == [(first.body,)]


def test_a_model_statement_gives_instances_as_the_orm_does(three_members):
    """Every field read, and the instance saves as one the ORM loaded."""
    from ldnforum.statements import ModelStatement

    _, bo, _ = three_members
    mine = ModelStatement(
        lambda author: Comment.objects.filter(author_id=author).order_by("pk")
    )
    found = mine.rows(author=bo.pk)
    assert found == list(Comment.objects.filter(author=bo).order_by("pk"))
    assert [c.body_html for c in found] == [
        c.body_html for c in Comment.objects.filter(author=bo).order_by("pk")
    ]
    found[0].moderation_note = "Checked."
    found[0].save(update_fields=["moderation_note"])
    assert Comment.objects.get(pk=found[0].pk).moderation_note == "Checked."
    assert Comment.objects.count() == 9


def _threads_of(authors):
    return (
        Comment.objects.filter(author_id__any_of=authors)
        .select_related("article", "author")
        .defer("article__body")
        .annotate(author_total=Count("author__comments"))
        .order_by("created_at", "pk")
    )


def test_a_page_statement_gives_a_slice_s_instances_as_the_orm_does(
    three_members, django_assert_num_queries, monkeypatch
):
    """Related objects and annotations in place, deferred fields deferred,
    and every page of the list from one statement."""
    from ldnforum.statements import PageStatement

    ann, bo, cy = three_members
    pages = PageStatement(_threads_of)
    authors = [bo.pk, cy.pk]
    expected = list(_threads_of(authors))
    assert len(expected) == 3 + 4
    seen = []
    for offset in (0, 3, 6, 9):
        if offset:  # compiled for the first page, and for no other
            monkeypatch.setattr(
                pages, "build", lambda **_: pytest.fail("compiled a second time")
            )
        with django_assert_num_queries(1):
            page = pages.rows(authors=authors, limit=3, offset=offset)
            # Read without another query: the joined rows and the count.
            shown = [
                (c.pk, c.article.title, c.author.display_name, c.author_total)
                for c in page
            ]
        assert page == expected[offset : offset + 3]
        seen += shown
    assert seen == [
        (c.pk, c.article.title, c.author.display_name, c.author_total) for c in expected
    ]
    assert {c.author_total for c in expected} == {3, 4}
    assert "body" in expected[0].article.get_deferred_fields()
    assert page == []
    assert pages.rows(authors=[ann.pk], limit=10, offset=0) == list(
        _threads_of([ann.pk])
    )


def test_a_page_statement_takes_an_unsliced_queryset_of_instances(db):
    from ldnforum.statements import PageStatement

    for build in (
        lambda: Comment.objects.order_by("pk")[:5],
        lambda: Comment.objects.order_by("pk").values_list("pk"),
    ):
        with pytest.raises(TypeError, match="unsliced, of instances"):
            PageStatement(build).rows(limit=5, offset=0)


def _prepared_on_this_connection() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _preparing() -> bool:
    return settings.DATABASES["default"]["OPTIONS"].get("prepare_threshold") is not None


@ON_POSTGRESQL
def test_postgresql_prepares_a_statement_once_and_nothing_of_django_s(
    three_members,
):
    """Each run after the first skips planning; Django's own queries stay
    unprepared however often they run (a pooler in transaction mode can't
    keep them), and a connection told to prepare nothing still answers."""
    if not _preparing():
        pytest.skip("DJANGO_DB_PREPARED_STATEMENTS=0")
    ann, bo, cy = three_members
    for authors in ([ann.pk], [bo.pk, cy.pk], [cy.pk]):
        assert BY_AUTHOR.rows(authors=authors) == list(_by_author(authors))
    # Logged as Django logs its own queries, values in place: SQL that
    # make bench can EXPLAIN, and that finds the same rows.
    with CaptureQueriesContext(connection) as captured:
        BY_AUTHOR.rows(authors=[bo.pk, cy.pk])
    (logged,) = [q["sql"] for q in captured.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute(logged)
        assert cursor.fetchall() == list(_by_author([bo.pk, cy.pk]))
    orm = Comment.objects.filter(body="waiting", author=bo).values_list("pk")
    for _ in range(10):  # more than psycopg's threshold for preparing
        assert len(orm) == 1
        orm = orm.all()
    django_sql = str(orm.query.sql_with_params()[0])
    for n in (1, 2):
        django_sql = django_sql.replace("%s", f"${n}", 1)
    prepared = _prepared_on_this_connection()
    _, _, sql, _ = BY_AUTHOR._compiled()
    assert prepared.count(sql.replace("%s", "$1")) == 1
    assert django_sql not in prepared

    # As DJANGO_DB_PREPARED_STATEMENTS=0 leaves the connection.
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None
    try:
        waiting = Statement(
            lambda members: Comment.objects.filter(
                author_id__any_of=members, status=CommentStatus.PENDING
            ).values_list("body")
        )
        assert waiting.rows(members=[bo.pk]) == [("waiting",)]
        assert _prepared_on_this_connection() == prepared
    finally:
        connection.connection.prepare_threshold = threshold


PHRASES = Statement(lambda: WatchWord.objects.order_by("phrase").values_list("phrase"))


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_prepared_statement_survives_a_migration_that_changes_its_columns():
    """The old release's servers keep running while a new one migrates
    (README, Releasing): a column made longer changes the type of what a
    prepared statement returns, which PostgreSQL then refuses on every run.
    The statement is prepared again, once, and answers."""
    WatchWord.objects.create(kind="suspect", phrase="miracle cure")
    assert PHRASES.rows() == [("miracle cure",)]
    assert PHRASES.rows() == [("miracle cure",)]
    table = WatchWord._meta.db_table
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT character_maximum_length FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = 'phrase'",
            [table],
        )
        (length,) = cursor.fetchone()
    migrate = f'ALTER TABLE "{table}" ALTER COLUMN "phrase" TYPE varchar(%s)'
    # The migration runs elsewhere: on its own connection.
    release = connections.create_connection("default")
    try:
        with release.cursor() as cursor:
            cursor.execute(migrate % (length + 100))
        for _ in range(3):
            assert PHRASES.rows() == [("miracle cure",)]
        # Within a transaction the refusal stands (the transaction can't
        # go on), and its rollback leaves the next run to prepare afresh.
        with release.cursor() as cursor:
            cursor.execute(migrate % (length + 200))
        with pytest.raises(NotSupportedError), transaction.atomic():
            PHRASES.rows()
        assert PHRASES.rows() == [("miracle cure",)]
    finally:
        with release.cursor() as cursor:
            cursor.execute(migrate % length)
        release.close()
    assert PHRASES.rows() == [("miracle cure",)]


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_statement_first_in_a_request_replaces_a_dropped_connection():
    """As Django's own cursors do: the server ended the kept connection
    between two requests (a restart, an idle timeout), and the next
    request's first query is a statement."""
    WatchWord.objects.create(kind="suspect", phrase="miracle cure")
    assert PHRASES.rows() == [("miracle cure",)]
    killer = connections.create_connection("default")
    try:
        with killer.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(%s)",
                [connection.connection.info.backend_pid],
            )
    finally:
        killer.close()
    close_old_connections()  # the end of one request, the start of the next
    connection.health_check_done = False
    assert PHRASES.rows() == [("miracle cure",)]
