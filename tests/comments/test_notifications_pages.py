"""The Notifications settings page, following a discussion from the article
page, following on posting, and what the data export gets."""

import pytest

from comments import notifications, services
from comments.models import (
    CommentStatus,
    Delivery,
    Follow,
    NotificationSettings,
    WatchKind,
    WatchWord,
)

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/my/notifications/"


def follow_url(article):
    return f"/articles/{article.slug}/follow/"


def unfollow_url(article):
    return f"/articles/{article.slug}/unfollow/"


# The settings page ------------------------------------------------------------


def test_settings_page_sends_anonymous_visitors_to_log_in(client):
    response = client.get(SETTINGS_URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert client.post(SETTINGS_URL, {"replies": "on"}).status_code == 302
    assert NotificationSettings.objects.count() == 0


def test_settings_page_shows_a_member_only_their_own_switches(client, member):
    client.force_login(member)
    response = client.get(SETTINGS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="decisions"' in html
    assert 'name="replies"' in html
    # Both ways of delivery are offered, the default one chosen.
    assert 'name="follows_delivery" value="immediate"' in html
    assert 'name="follows_delivery" value="daily"' in html
    assert html.count("checked") == 5  # every switch on, and "at once"
    assert 'name="follow_on_post"' in html
    assert 'name="article_comments"' not in html
    assert 'name="moderation_reminders"' not in html
    assert "You don't follow any discussion yet" in html


def test_settings_page_shows_authors_their_articles_and_moderators_reminders(
    client, author, moderator, article
):
    client.force_login(author)
    html = client.get(SETTINGS_URL).content.decode()
    assert 'name="article_comments_delivery"' in html
    assert 'name="moderation_reminders"' not in html
    client.force_login(moderator)
    html = client.get(SETTINGS_URL).content.decode()
    assert 'name="moderation_reminders"' in html
    assert 'name="article_comments"' not in html


def test_settings_page_saves_choices(client, member):
    client.force_login(member)
    response = client.post(
        SETTINGS_URL,
        {
            "decisions": "on",
            "follows": "on",
            "follows_delivery": Delivery.DAILY,
            # replies and follow_on_post unticked
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Your email settings are saved." in response.content.decode()
    prefs = NotificationSettings.objects.get(member=member)
    assert prefs.decisions and prefs.follows
    assert not prefs.replies and not prefs.follow_on_post
    assert prefs.follows_delivery == Delivery.DAILY
    # What the form did not show is left as it was.
    assert prefs.moderation_reminders and prefs.article_comments


def test_settings_page_refuses_an_unknown_delivery_and_stores_nothing(client, member):
    client.force_login(member)
    response = client.post(
        SETTINGS_URL, {"replies": "on", "follows_delivery": "hourly"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your settings were not saved" in html
    assert "Select a valid choice" in html
    assert NotificationSettings.objects.count() == 0


def test_member_cannot_switch_on_moderator_reminders_by_posting_them(client, member):
    client.force_login(member)
    notifications.notification_settings_update(
        member=member, values={"moderation_reminders": False}
    )
    response = client.post(
        SETTINGS_URL,
        {"moderation_reminders": "on", "follows_delivery": Delivery.IMMEDIATE},
    )
    assert response.status_code == 302
    prefs = NotificationSettings.objects.get(member=member)
    assert not prefs.moderation_reminders
    assert prefs.follows_delivery == Delivery.IMMEDIATE


@pytest.mark.parametrize("size", [2, 40])
def test_settings_page_queries_do_not_grow_with_follows(
    client, member, article_factory, django_assert_max_num_queries, size
):
    for _ in range(size):
        notifications.follow_article(member=member, article=article_factory())
    client.force_login(member)
    # session, user, settings, is-author, moderator permission (2), follows
    with django_assert_max_num_queries(8):
        response = client.get(SETTINGS_URL)
    assert response.content.decode().count("Unfollow<span") == size


def test_unfollow_from_the_settings_page_returns_there(client, member, article):
    notifications.follow_article(member=member, article=article)
    client.force_login(member)
    html = client.get(SETTINGS_URL).content.decode()
    assert f'action="{unfollow_url(article)}"' in html
    response = client.post(unfollow_url(article), {"next": SETTINGS_URL})
    assert response.status_code == 302
    assert response.url == SETTINGS_URL
    assert not Follow.objects.filter(member=member).exists()


def test_unfollow_ignores_a_next_address_on_another_site(client, member, article):
    notifications.follow_article(member=member, article=article)
    client.force_login(member)
    response = client.post(unfollow_url(article), {"next": "https://evil.example/"})
    assert response.url == f"{article.get_absolute_url()}#comments"


# Following from the article page --------------------------------------------


def test_article_page_offers_members_a_follow_button_that_works_without_js(
    client, member, article
):
    client.force_login(member)
    html = client.get(article.get_absolute_url()).content.decode()
    form = html[html.index('class="follow-form') - 200 :]
    assert f'action="{follow_url(article)}"' in form[:400]
    assert 'name="csrfmiddlewaretoken"' in form[:600]
    response = client.post(follow_url(article))
    assert response.status_code == 302
    assert response.url == f"{article.get_absolute_url()}#comments"
    assert Follow.objects.filter(member=member, article=article).exists()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Unfollow this discussion" in html
    assert f'action="{unfollow_url(article)}"' in html
    # Following twice is still one follow.
    client.post(follow_url(article))
    assert Follow.objects.filter(member=member).count() == 1
    client.post(unfollow_url(article))
    assert not Follow.objects.filter(member=member).exists()


def test_article_page_shows_no_follow_button_to_readers(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "follow-form" not in html


def test_anonymous_visitor_cannot_follow(client, article):
    response = client.post(follow_url(article))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert Follow.objects.count() == 0


def test_follow_needs_a_post(client, member, article):
    client.force_login(member)
    assert client.get(follow_url(article)).status_code == 405
    assert Follow.objects.count() == 0


def test_follow_refuses_unverified_members(client, unverified, article):
    client.force_login(unverified)
    response = client.post(follow_url(article))
    assert response.status_code == 403
    assert "verify your email address" in response.content.decode()
    assert Follow.objects.count() == 0


def test_follow_of_a_draft_or_missing_article_is_a_404(client, member, article_factory):
    draft = article_factory(status="draft", published_at=None)
    client.force_login(member)
    assert client.post(follow_url(draft)).status_code == 404
    assert client.post("/articles/no-such-article/follow/").status_code == 404
    assert Follow.objects.count() == 0


@pytest.mark.parametrize("size", [5, 120])
def test_article_page_queries_for_a_follower_do_not_grow_with_thread(
    client, article, member, comment_factory, django_assert_max_num_queries, size
):
    comment_factory.create_thread(article=article, size=size, depth=4)
    notifications.follow_article(member=member, article=article)
    client.force_login(member)
    with django_assert_max_num_queries(8):
        response = client.get(article.get_absolute_url())
    assert "Unfollow this discussion" in response.content.decode()


# Following on posting ---------------------------------------------------------


def test_posting_a_comment_follows_the_discussion(client, member, article):
    client.force_login(member)
    client.post(f"/articles/{article.slug}/comments/", {"body": "My story."})
    assert Follow.objects.filter(member=member, article=article).exists()


def test_posting_follows_nothing_when_the_member_turned_it_off(client, member, article):
    notifications.notification_settings_update(
        member=member, values={"follow_on_post": False}
    )
    client.force_login(member)
    client.post(f"/articles/{article.slug}/comments/", {"body": "My story."})
    assert not Follow.objects.filter(member=member).exists()


def test_article_author_does_not_follow_their_own_article_by_posting(
    article, author, comment_factory
):
    comment_factory(article=article, author=author)
    assert not Follow.objects.filter(member=author).exists()


def test_comment_the_rules_mark_as_spam_follows_nothing(article, member):
    WatchWord.objects.create(phrase="casino", kind=WatchKind.BANNED)
    comment = services.comment_create(
        article=article, author=member, body="The best casino bonus is here."
    )
    assert comment.status == CommentStatus.SPAM
    assert not Follow.objects.exists()


# The data export ------------------------------------------------------------


def test_notification_data_lists_follows_and_settings(member, article):
    notifications.follow_article(member=member, article=article)
    notifications.notification_settings_update(member=member, values={"replies": False})
    data = notifications.notification_data_for(member)
    assert data["notification_settings"]["replies"] is False
    assert data["notification_settings"]["follows_delivery"] == Delivery.IMMEDIATE
    [follow] = data["follows"]
    assert follow["article"] == "LDN in MS"
    assert follow["url"] == "http://127.0.0.1:8000/articles/ldn-in-ms/"


def test_admin_lists_notifications_read_only(
    client, user_factory, sent_reply_notification
):
    admin_user = user_factory(staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.get("/admin/comments/notification/")
    assert response.status_code == 200
    assert "Sent" in response.content.decode()
    assert client.get("/admin/comments/notification/add/").status_code == 403


@pytest.fixture
def sent_reply_notification(article, member, author, comment_factory, committed):
    parent = comment_factory(article=article, author=member)
    with committed():
        comment_factory(article=article, author=author, parent=parent)
