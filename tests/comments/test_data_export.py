"""Data export: a member downloads everything we hold about them, and
nothing about anyone else."""

import json

import pytest
from django.urls import reverse

from comments import notifications
from comments.privacy import export_member_data

pytestmark = pytest.mark.django_db

PAGE = reverse("comments:data-export")
DOWNLOAD = reverse("comments:data-export-download")


def test_export_holds_every_section_and_every_item_of_the_member(
    member, member_history
):
    data = export_member_data(member=member)

    account = data["account"]
    assert account["email"] == member.email
    assert account["display_name"] == "Patient Pat"
    assert account["date_joined"] == member.date_joined.isoformat()
    assert "last_login" in account
    assert account["email_addresses"] == [
        {"email": member.email, "verified": True, "primary": True}
    ]

    assert data["profile"] == {"bio": "", "url": f"/members/{member.pk}/"}
    assert data["standing"]["level"] == "untrusted"
    assert data["standing"]["reason"] == "Links to shops."
    assert [n["text"] for n in data["moderator_notes"]] == ["Pat: keep an eye."]

    by_id = {c["id"]: c for c in data["comments"]}
    assert set(by_id) == {c.pk for c in member_history["mine"]}
    for comment in member_history["mine"]:
        exported = by_id[comment.pk]
        assert exported["body"] == comment.body
        assert exported["status"] == comment.status
        assert exported["created_at"] == comment.created_at.isoformat()
        assert exported["article"]["title"] == "LDN in MS"
        assert exported["history"], "every comment has at least its creation"
    assert by_id[member_history["reply_by_pat"].pk]["parent_id"] == (
        member_history["anns"].pk
    )
    rejected = by_id[member_history["rejected"].pk]
    assert rejected["status"] == "rejected"
    assert rejected["moderation_reason"] == "Off topic for this article"
    assert rejected["url"] is None
    assert rejected["history"][-1]["to_status"] == "rejected"
    assert rejected["history"][-1]["decided_by"] == "a moderator"
    edited = by_id[member_history["edited"].pk]
    assert edited["body"] == "Pat's typo fixed."
    assert [v["body"] for v in edited["earlier_versions"]] == ["Pat's typo here."]
    assert by_id[member_history["waiting"].pk]["status"] == "pending"
    approved = by_id[member_history["commented"].pk]
    assert approved["url"] == f"/comments/{approved['id']}/"

    [report] = data["reports"]
    assert report == {
        "comment_id": member_history["anns"].pk,
        "article": "LDN in MS",
        "comment_url": f"/comments/{member_history['anns'].pk}/",
        "reason": "Something else (please explain)",
        "note": "Pat reports this.",
        "created_at": member_history["report"].created_at.isoformat(),
        "resolved_at": None,
    }
    assert data["export"]["not_included"]


def test_export_names_no_other_member_and_no_moderator(
    member, other_member, moderator, member_history
):
    text = json.dumps(export_member_data(member=member))
    for other in (other_member, moderator):
        assert other.email not in text
        assert other.display_name not in text
        assert other.email.split("@")[0] + "@" not in text
    # Replies to Pat and the comment Pat reported are Ann's, not Pat's.
    assert "Ann replies." not in text
    assert "Ann's story." not in text


def test_export_holds_the_members_follows_and_notification_settings(
    member, article_factory
):
    followed = [article_factory(), article_factory()]
    for article in followed:
        notifications.follow_article(member=member, article=article)
    notifications.notification_settings_update(
        member=member, values={"replies": False, "follows_delivery": "daily"}
    )
    data = export_member_data(member=member)["notifications"]
    assert sorted(f["article"] for f in data["follows"]) == sorted(
        a.title for a in followed
    )
    assert all(
        f["url"].endswith(a.get_absolute_url())
        for f, a in zip(
            sorted(data["follows"], key=lambda f: f["article"]),
            sorted(followed, key=lambda a: a.title),
            strict=True,
        )
    )
    settings = data["notification_settings"]
    assert (settings["replies"], settings["follows_delivery"]) == (False, "daily")
    assert settings["decisions"] is True


# The pages ----------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_export_pages_send_anonymous_visitors_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_export_page_links_the_download(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(PAGE)
    assert response.status_code == 200
    assert f'href="{DOWNLOAD}"' in response.content.decode()


def test_download_is_a_private_json_attachment_of_the_logged_in_member(
    client, member, other_member, member_history
):
    client.force_login(member)
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="ldn-forum-data-'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == member.email
    assert len(data["comments"]) == len(member_history["mine"])
    assert other_member.email not in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_download_refuses_other_methods(client, member, method):
    client.force_login(member)
    assert getattr(client, method)(DOWNLOAD).status_code == 405


@pytest.mark.parametrize("size", [2, 30])
def test_export_queries_do_not_grow_with_the_members_history(
    client,
    article,
    member,
    other_member,
    comment_factory,
    django_assert_max_num_queries,
    size,
):
    from comments import services

    for n in range(size):
        mine = comment_factory(article=article, author=member, body=f"Mine {n}.")
        services.comment_edit(comment=mine, editor=member, body=f"Mine {n}, edited.")
        theirs = comment_factory(article=article, author=other_member)
        services.comment_report(comment=theirs, reporter=member, reason="spam")
    client.force_login(member)
    # 11, and one for the notification settings and follows
    with django_assert_max_num_queries(12):
        response = client.get(DOWNLOAD)
    assert len(json.loads(response.content)["comments"]) == size
