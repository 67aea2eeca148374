"""Who counts as a moderator for the "Moderator" badge, on the thread and
in the workbench's member records: the moderate permission through any
group or directly, a superuser, or membership of the Moderators group even
without the permission. Anyone else gets no badge."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from comments.models import CommentStatus
from comments.permissions import MODERATORS_GROUP

pytestmark = pytest.mark.django_db

BADGE = '<span class="badge text-bg-success">Moderator</span>'


def moderate_permission():
    return Permission.objects.get(
        content_type__app_label="comments", codename="moderate_comment"
    )


def make_group_with_permission(user):
    group = Group.objects.create(name="Night shift")
    group.permissions.add(moderate_permission())
    user.groups.add(group)


def make_direct_permission(user):
    user.user_permissions.add(moderate_permission())


def make_superuser(user):
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])


def make_moderators_member(user):
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.clear()
    user.groups.add(group)


def make_unrelated_group_member(user):
    # A group with some other permission, and no name that counts.
    group = Group.objects.create(name="Readers")
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="comments", codename="view_comment"
        )
    )
    user.groups.add(group)


WAYS = {
    "group holding the permission": (make_group_with_permission, True),
    "permission given directly": (make_direct_permission, True),
    "superuser": (make_superuser, True),
    "Moderators group without the permission": (make_moderators_member, True),
    "another group": (make_unrelated_group_member, False),
    "plain member": (lambda user: None, False),
}


@pytest.mark.parametrize("way", WAYS)
def test_the_thread_badges_whoever_moderates(
    client, article, user_factory, comment_factory, way
):
    make, moderates = WAYS[way]
    writer = user_factory(display_name="Badge Test")
    make(writer)
    comment_factory(article=article, author=writer, body="Kind words here.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Kind words here." in page
    assert (BADGE in page) is moderates


@pytest.mark.parametrize("way", WAYS)
def test_the_workbench_record_badges_whoever_moderates(
    client, moderator, article, user_factory, comment_factory, way
):
    make, moderates = WAYS[way]
    writer = user_factory(display_name="Badge Test")
    make(writer)
    waiting = comment_factory(
        article=article, author=writer, status=CommentStatus.PENDING
    )
    # The viewer keeps the workbench whatever happened to the group.
    moderator.user_permissions.add(moderate_permission())
    client.force_login(moderator)
    html = client.get(reverse("comments:moderation-queue")).content.decode()
    item = html[html.index(f'id="queue-{waiting.pk}"') :]
    record = item[item.index('class="col-lg-4 small member-history"') :]
    record = record[: record.index("</aside>")]
    assert (BADGE in record) is moderates
