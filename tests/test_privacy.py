"""Privacy across the site: the privacy page and where it is linked, the
medical disclaimers, no IP address kept, and no member's email address on
any public page of the demo forum."""

import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from accounts.adapter import IP_HASH_PREFIX
from articles.models import Article
from comments.models import Comment

pytestmark = pytest.mark.django_db

PRIVACY = reverse("comments:privacy")
GUIDELINES = reverse("comments:guidelines")


# The privacy page and its links ----------------------------------------------


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_privacy_page_says_what_we_keep_and_links_the_members_tools(
    client, request, role
):
    if role:
        client.force_login(request.getfixturevalue(role))
    response = client.get(PRIVACY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "We don't store IP addresses." in html
    assert "No analytics" in html
    for url in [
        reverse("comments:data-export"),
        reverse("comments:account-delete"),
        reverse("accounts:profile-edit"),
    ]:
        assert f'href="{url}"' in html


def test_privacy_page_refuses_a_post(client):
    assert client.post(PRIVACY).status_code == 405


@pytest.mark.parametrize("url", ["/", PRIVACY, GUIDELINES, "/accounts/login/"])
def test_footer_links_privacy_and_guidelines(client, url):
    footer = client.get(url).content.decode().split('<footer class="site-footer')[1]
    assert f'href="{PRIVACY}"' in footer
    assert f'href="{GUIDELINES}"' in footer


def test_signup_form_links_privacy_and_guidelines(client):
    html = client.get(reverse("account_signup")).content.decode()
    notes = html.split('class="small text-body-secondary mt-3 signup-notes"')[1]
    assert f'href="{PRIVACY}"' in notes
    assert f'href="{GUIDELINES}"' in notes
    assert 'name="display_name"' in html


# Medical disclaimers ---------------------------------------------------------


def test_every_article_page_carries_the_medical_disclaimer(client, article_factory):
    for article in [article_factory(), article_factory(moderation_mode="closed")]:
        html = client.get(article.get_absolute_url()).content.decode()
        body = html.split('<div class="article-body">')[0]
        assert "not medical advice" in body
        assert "neurologist" in body


def test_medical_disclaimer_sits_beside_the_comment_form(client, article, member):
    client.force_login(member)
    html = client.get(article.get_absolute_url()).content.decode()
    form_section = html.split('id="comment-form"')[1].split("</section>")[0]
    assert "not medical advice" in form_section
    assert "neurologist" in form_section
    assert 'action="/articles/ldn-in-ms/comments/"' in form_section


def test_reply_page_carries_the_medical_disclaimer(
    client, article, member, comment_factory
):
    parent = comment_factory(article=article)
    client.force_login(member)
    html = client.get(reverse("comments:reply", args=[parent.pk])).content.decode()
    assert "not medical advice" in html


# No IP address kept ----------------------------------------------------------


def test_no_model_has_a_field_for_ip_addresses():
    ip_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.GenericIPAddressField)
        or "ip" in field.name.lower().split("_")
    ]
    assert ip_fields == []


def cache_keys() -> list[str]:
    return list(cache._cache.keys())  # the local-memory cache of the tests


def test_rate_limits_keep_a_keyed_hash_instead_of_the_address(client, member):
    cache.clear()
    client.post(
        reverse("account_login"),
        {"login": member.email, "password": "wrong"},
        REMOTE_ADDR="203.0.113.7",
    )
    keys = cache_keys()
    assert any(IP_HASH_PREFIX in key for key in keys)
    assert not any("203.0.113.7" in key for key in keys)
    cache.clear()


def test_rate_limits_still_tell_clients_apart_by_their_hashed_address(
    client, user_factory
):
    cache.clear()
    users = [user_factory() for _ in range(11)]

    def fail(user, ip):
        return client.post(
            reverse("account_login"),
            {"login": user.email, "password": "wrong"},
            REMOTE_ADDR=ip,
        ).content.decode()

    for user in users[:10]:
        assert "Too many failed" not in fail(user, "2001:db8::1")
    # The same /64 network counts as the same client, as allauth intends...
    assert "Too many failed" in fail(users[10], "2001:db8::ffff")
    # ...and another client is not held back.
    assert "Too many failed" not in fail(users[10], "198.51.100.1")
    cache.clear()


# The sweep: no member's email address on any public page ------------------


def public_urls() -> list[str]:
    urls = [
        "/",
        reverse("articles:list") + "?page=1",
        GUIDELINES,
        PRIVACY,
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
    ]
    urls += [a.get_absolute_url() for a in Article.objects.published()]
    urls += [c.get_absolute_url() for c in Comment.objects.approved()]
    urls += [
        reverse("comments:member-profile", args=[pk])
        for pk in get_user_model().objects.values_list("pk", flat=True)
    ]
    return urls


def email_patterns(users) -> list[re.Pattern]:
    patterns = []
    for user in users:
        local = user.email.split("@")[0]
        patterns.append(re.compile(re.escape(user.email), re.IGNORECASE))
        patterns.append(re.compile(re.escape(local) + r"\s*(@|&#64;|&#x40;|%40)", re.I))
    return patterns


THIRD_PARTY = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*"
    r"\b(?:src|href|data)=\"(?:https?:)?//",
    re.IGNORECASE,
)


def sweep(client, urls, patterns) -> tuple[int, list[str]]:
    found, pages = [], 0
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        pages += 1
        found += [f"{url}: {p.pattern}" for p in patterns if p.search(html)]
        found += [f"{url}: third-party {m}" for m in THIRD_PARTY.findall(html)]
    return pages, found


def test_no_public_page_of_the_demo_forum_shows_an_email_address(
    client, settings, member
):
    settings.DEBUG = True  # seed_demo runs only in development
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    member.bio = "Pat's bio, written freely."
    member.save()
    users = list(get_user_model().objects.all())
    assert len(users) >= 15
    urls = public_urls()
    assert len(urls) > 60
    pages, found = sweep(client, urls, email_patterns(users))
    assert pages == len(urls)
    assert found == []


def test_logged_in_members_see_no_other_members_email_address(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    me = get_user_model().objects.get(email="member@example.com")
    others = get_user_model().objects.exclude(pk=me.pk)
    client.force_login(me)
    urls = [
        *public_urls(),
        reverse("accounts:settings"),
        reverse("comments:my-comments"),
    ]
    _, found = sweep(client, urls, email_patterns(others))
    assert found == []
