"""Outer rate limits on commenting, reporting and sign-up, per member and
per client address (ldnforum/ratelimits.py): 429, a clear message, nothing
stored, and no address kept in the cache."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from comments.models import Comment, Flag
from tests.conftest import PASSWORD

ADDRESS = "203.0.113.77"
OTHER_ADDRESS = "198.51.100.5"


@pytest.fixture(autouse=True)
def generous_limits(settings):
    settings.RATE_LIMITS = {
        "comment": "100/10m/member,100/10m/ip",
        "report": "100/h/member,100/h/ip",
        "signup": "100/h/ip",
    }
    return settings.RATE_LIMITS


def _comment(client, article, body, address=ADDRESS):
    return client.post(
        f"/articles/{article.slug}/comments/", {"body": body}, REMOTE_ADDR=address
    )


def _signup(client, n, address=ADDRESS):
    return client.post(
        "/accounts/signup/",
        {
            "email": f"newcomer{n}@example.com",
            "display_name": f"Newcomer {n}",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        REMOTE_ADDR=address,
    )


def _assert_refused(response, words):
    page = response.content.decode()
    assert response.status_code == 429
    assert "Please slow down" in page
    assert words in page
    assert "Nothing was saved" in page
    assert int(response["Retry-After"]) > 0
    assert "Traceback" not in page


def test_comment_over_member_limit_is_refused_with_429_and_not_stored(
    client, member, article, generous_limits
):
    generous_limits["comment"] = "2/10m/member,100/10m/ip"
    client.force_login(member)

    for n in range(2):
        assert _comment(client, article, f"Week {n} on LDN.").status_code == 302
    response = _comment(client, article, "Week 3 on LDN.")

    _assert_refused(response, "You have posted a lot of comments in a short time")
    assert Comment.objects.filter(author=member).count() == 2


def test_comment_limit_of_one_member_leaves_another_member_free(
    client, member, other_member, article, generous_limits
):
    generous_limits["comment"] = "1/10m/member,100/10m/ip"
    client.force_login(member)
    _comment(client, article, "My first week.")
    assert _comment(client, article, "My second week.").status_code == 429

    client.force_login(other_member)
    response = _comment(client, article, "Ann's first week.")

    assert response.status_code == 302
    assert Comment.objects.filter(author=other_member).count() == 1


def test_comment_over_address_limit_is_refused_for_any_member_from_it(
    client, user_factory, article, generous_limits
):
    generous_limits["comment"] = "100/10m/member,2/10m/ip"
    for n in range(2):
        client.force_login(user_factory())
        assert _comment(client, article, f"Story {n}.").status_code == 302

    client.force_login(user_factory())
    refused = _comment(client, article, "Story from the same network.")
    elsewhere = _comment(client, article, "Story from elsewhere.", OTHER_ADDRESS)

    _assert_refused(refused, "You have posted a lot of comments")
    assert elsewhere.status_code == 302
    assert not Comment.objects.filter(body="Story from the same network.").exists()


def test_report_over_member_limit_is_refused_with_429_and_not_stored(
    client, member, other_member, article, comment_factory, generous_limits
):
    generous_limits["report"] = "1/h/member,100/h/ip"
    first, second = (comment_factory(article=article) for _ in range(2))
    client.force_login(member)
    data = {"reason": "spam"}
    assert client.post(f"/comments/{first.pk}/report/", data).status_code == 302

    refused = client.post(f"/comments/{second.pk}/report/", data)
    client.force_login(other_member)
    other = client.post(f"/comments/{second.pk}/report/", data)

    _assert_refused(refused, "You have sent a lot of reports in a short time")
    assert other.status_code == 302
    assert list(Flag.objects.values_list("comment", "reporter")) == [
        (first.pk, member.pk),
        (second.pk, other_member.pk),
    ]


def test_signup_over_address_limit_is_refused_and_creates_no_account(
    client, db, generous_limits
):
    generous_limits["signup"] = "2/h/ip"
    for n in range(2):
        assert _signup(client, n).status_code == 302

    refused = _signup(client, 3)
    elsewhere = _signup(client, 4, OTHER_ADDRESS)

    _assert_refused(refused, "Many accounts have been created from your network")
    assert elsewhere.status_code == 302
    emails = set(get_user_model().objects.values_list("email", flat=True))
    assert emails == {f"newcomer{n}@example.com" for n in (0, 1, 4)}


def test_rate_limit_keys_hold_a_hash_never_the_address(client, member, article):
    client.force_login(member)
    _comment(client, article, "Counted by member and by address.")
    client.logout()
    assert _signup(client, 1).status_code == 302

    keys = [key for key in cache._cache if "ratelimit:" in key]

    assert {"comment", "signup"} <= {key.split(":")[3] for key in keys}
    assert any(":ip:" in key and "iphash-" in key for key in keys)
    assert not any(ADDRESS in key for key in cache._cache)


def test_get_of_report_page_does_not_count_towards_the_limit(
    client, member, article, comment_factory, generous_limits
):
    generous_limits["report"] = "1/h/member,100/h/ip"
    comment = comment_factory(article=article)
    client.force_login(member)
    for _ in range(3):
        assert client.get(f"/comments/{comment.pk}/report/").status_code == 200

    response = client.post(f"/comments/{comment.pk}/report/", {"reason": "spam"})

    assert response.status_code == 302


def test_address_limit_tells_clients_apart_behind_a_trusted_proxy(
    client, settings, db, generous_limits
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    generous_limits["signup"] = "1/h/ip"

    def through_proxy(n, forwarded_for):
        return client.post(
            "/accounts/signup/",
            {
                "email": f"proxied{n}@example.com",
                "display_name": f"Proxied {n}",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    assert through_proxy(1, ADDRESS).status_code == 302
    assert through_proxy(2, OTHER_ADDRESS).status_code == 302
    assert through_proxy(3, ADDRESS).status_code == 429
