"""Article pages: the list, the article with its references, drafts, and the
admin where authors write."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleStatus, Reference

pytestmark = pytest.mark.django_db


def test_home_lists_published_articles_newest_first_with_comment_counts(
    client, article_factory, comment_factory
):
    old = article_factory(
        title="Older piece", published_at=timezone.now() - timedelta(days=9)
    )
    new = article_factory(title="Newer piece")
    article_factory(title="Secret draft", status="draft", published_at=None)
    article_factory(
        title="Scheduled piece", published_at=timezone.now() + timedelta(days=2)
    )
    comment_factory(article=old)
    comment_factory(article=old)
    html = client.get("/").content.decode()
    assert html.index("Newer piece") < html.index("Older piece")
    assert "Secret draft" not in html
    assert "Scheduled piece" not in html
    assert "2 comments" in html
    assert "0 comments" in html
    assert new.get_absolute_url() in html


@pytest.mark.parametrize("size", [2, 25])
def test_home_queries_do_not_grow_with_article_count(
    client, article_factory, django_assert_num_queries, size
):
    for _ in range(size):
        article_factory()
    with django_assert_num_queries(2):  # count for pagination + the page
        assert client.get("/").status_code == 200


def test_article_page_shows_body_and_numbered_references_with_links(client, article):
    Reference.objects.create(
        article=article,
        position=2,
        authors="Gironi M et al",
        title="A pilot trial of low-dose naltrexone in primary progressive MS",
        journal="Multiple Sclerosis",
        year=2008,
        volume="14",
        issue="8",
        pages="1076-83",
    )
    Reference.objects.create(
        article=article,
        position=1,
        authors="Cree BA et al",
        title="Pilot trial of low-dose naltrexone and quality of life in MS",
        journal="Annals of Neurology",
        year=2010,
        volume="68",
        issue="2",
        pages="145-50",
        doi="10.1002/ana.22006",
        pmid="20695007",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<p>Body.</p>" in html
    assert html.index("Cree BA") < html.index("Gironi M")
    assert "2010;68(2):145-50" in html
    assert 'href="https://doi.org/10.1002/ana.22006"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/20695007/"' in html


def test_draft_is_404_for_public_and_members(client, article_factory, member):
    draft = article_factory(status="draft", published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_draft_is_previewable_by_staff(client, article_factory, author):
    draft = article_factory(title="Work in progress", status="draft", published_at=None)
    client.force_login(author)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this article is a draft" in response.content.decode()


def test_the_articles_folder_leads_to_the_list(client, db):
    response = client.get("/articles/")
    assert response.status_code == 301
    assert response["Location"] == reverse("articles:list")


def test_unknown_article_is_404_with_our_page(client, db):
    response = client.get("/articles/no-such-thing/")
    assert response.status_code == 404
    assert "We couldn" in response.content.decode()


def test_published_article_needs_a_publication_date(author):
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            title="x",
            slug="x",
            lede="x",
            body="x",
            author=author,
            status=ArticleStatus.PUBLISHED,
            published_at=None,
        )


def test_slug_is_unique(article_factory):
    article_factory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        article_factory(slug="same")


@pytest.mark.parametrize(
    ("field", "value"), [("pmid", "PMC123"), ("doi", "https://x.org/a")]
)
def test_reference_identifiers_are_checked_by_the_database(article, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        Reference.objects.create(
            article=article,
            authors="A",
            title="T",
            journal="J",
            year=2020,
            **{field: value},
        )


@pytest.fixture
def admin_client_(client, user_factory):
    admin = user_factory(staff=True, is_superuser=True)
    client.force_login(admin)
    return client, admin


def test_admin_creates_article_with_inline_references(admin_client_):
    client, admin = admin_client_
    data = {
        "title": "New article",
        "slug": "new-article",
        "lede": "Lede",
        "body": "<p>Body</p>",
        "author": admin.pk,
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "moderation_mode": "pre",
        "references-TOTAL_FORMS": "1",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
        "references-0-position": "1",
        "references-0-authors": "Younger J et al",
        "references-0-title": "LDN as a novel anti-inflammatory treatment",
        "references-0-journal": "Clinical Rheumatology",
        "references-0-year": "2014",
        "references-0-volume": "33",
        "references-0-issue": "4",
        "references-0-pages": "451-59",
        "references-0-doi": "https://doi.org/10.1007/s10067-014-2517-2",
        "references-0-pmid": "24526250",
    }
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="new-article")
    assert article.is_published
    assert article.references.get().doi == "10.1007/s10067-014-2517-2"


def test_admin_refuses_a_bad_pubmed_id_and_stores_nothing(admin_client_):
    client, admin = admin_client_
    data = {
        "title": "Bad ref",
        "slug": "bad-ref",
        "lede": "L",
        "body": "B",
        "author": admin.pk,
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "references-TOTAL_FORMS": "1",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
        "references-0-position": "1",
        "references-0-authors": "A",
        "references-0-title": "T",
        "references-0-journal": "J",
        "references-0-year": "2014",
        "references-0-pmid": "PMC99",
    }
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "A PubMed ID is digits only." in response.content.decode()
    assert not Article.objects.filter(slug="bad-ref").exists()


@pytest.mark.parametrize(
    "url",
    [
        "admin:articles_article_changelist",
        "admin:comments_comment_changelist",
        "admin:comments_moderationevent_changelist",
        "admin:accounts_user_changelist",
    ],
)
def test_admin_lists_open_for_superuser(admin_client_, url, article, comment_factory):
    client, _ = admin_client_
    comment_factory(article=article)
    assert client.get(reverse(url)).status_code == 200


def test_admin_is_closed_to_members(client, member):
    client.force_login(member)
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302


def article_form_data(**overrides):
    data = {
        "title": "Author's own",
        "slug": "authors-own",
        "lede": "L",
        "body": "<p>B</p>",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "moderation_mode": "pre",
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_author_writes_an_article_in_the_admin_credited_to_themselves(
    client, author, member
):
    client.force_login(author)
    add = reverse("admin:articles_article_add")
    assert client.get(add).status_code == 200
    # An author can't credit the article to someone else.
    response = client.post(add, article_form_data(author=member.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(slug="authors-own").author == author


def test_author_sees_only_their_own_articles_in_the_admin(
    client, author, article_factory, user_factory
):
    mine = article_factory(title="Mine")
    theirs = article_factory(title="Theirs", author=user_factory(staff=True))
    client.force_login(author)
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Mine" in html
    assert "Theirs" not in html
    change = reverse("admin:articles_article_change", args=[theirs.pk])
    assert client.get(change).status_code == 302  # admin: "doesn't exist"
    assert (
        client.get(reverse("admin:articles_article_change", args=[mine.pk])).status_code
        == 200
    )


def test_article_with_a_threaded_discussion_can_be_deleted(article, comment_factory):
    parent = comment_factory(article=article)
    comment_factory(article=article, parent=parent)
    article.delete()
    assert not Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("who", ["member", "author", "moderator", "unverified"])
def test_article_pages_open_for_every_role(client, request, article, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/").status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200
