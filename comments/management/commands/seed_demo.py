"""Load the demo forum: accounts, two articles with references, and threads.

It lives in comments, not articles, because it writes comments and articles
never import comments. Running it twice changes nothing the second time.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleStatus, Reference
from comments import demo_content, moderation, notifications, services
from comments.models import (
    Comment,
    CommentStatus,
    ModerationEvent,
    WatchedDomain,
    WatchKind,
    WatchWord,
)
from comments.permissions import MODERATORS_GROUP

AUTHORS_GROUP = "Authors"  # made by articles' data migration

# A starting point for the rules; moderators edit these lists in the admin.
DEMO_WATCH_WORDS = {
    WatchKind.BANNED: ["casino", "payday loan", "crypto giveaway"],
    WatchKind.SUSPECT: [
        "cure",
        "cured",
        "miracle",
        "no prescription",
        "stop your medication",
        "guaranteed",
    ],
}
DEMO_WATCHED_DOMAINS = ["pharmacy-discount.com", "rx-overnight.net"]

MODERATOR_ADMIN_PERMISSIONS = [
    ("comments", "view_comment"),
    ("comments", "view_moderationevent"),
    ("articles", "view_article"),
]


class Command(BaseCommand):
    help = "Create the demo articles, accounts and threads (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DJANGO_DEBUG on: it creates accounts "
                "with a published password."
            )
        # The demo's comments are history, not news: nobody is emailed.
        with notifications.muted(), transaction.atomic():
            self._watch_lists()
            users = {m["key"]: self._member(m) for m in demo_content.MEMBERS}
            for spec in demo_content.ARTICLES:
                article, created = self._article(spec, users)
                if created:
                    threads = demo_content.THREADS.get(spec["slug"], [])
                    self._comments(article, threads, None, users)
                    self.stdout.write(f"Created article “{article.title}”.")
                else:
                    self.stdout.write(f"Kept existing article “{article.title}”.")
            self._backdate_members(users)
        self._print_accounts()

    @staticmethod
    def _watch_lists():
        for kind, phrases in DEMO_WATCH_WORDS.items():
            for phrase in phrases:
                WatchWord.objects.get_or_create(phrase=phrase, kind=kind)
        for domain in DEMO_WATCHED_DOMAINS:
            WatchedDomain.objects.get_or_create(domain=domain)

    def _member(self, spec):
        User = get_user_model()
        user = User.objects.filter(email__iexact=spec["email"]).first()
        if user is None:
            user = User.objects.create_user(
                email=spec["email"],
                password=demo_content.DEMO_PASSWORD,
                display_name=spec["display_name"],
            )
            EmailAddress.objects.create(
                user=user, email=user.email, verified=True, primary=True
            )
            if spec["role"] == "author":
                user.is_staff = True
                user.save(update_fields=["is_staff"])
                user.groups.add(Group.objects.get(name=AUTHORS_GROUP))
            elif spec["role"] == "moderator":
                user.is_staff = True
                user.save(update_fields=["is_staff"])
                user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
                user.user_permissions.add(
                    *self._permissions(MODERATOR_ADMIN_PERMISSIONS)
                )
        return user

    @staticmethod
    def _permissions(pairs):
        return [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in pairs
        ]

    def _article(self, spec, users):
        article = Article.objects.filter(slug=spec["slug"]).first()
        if article is not None:
            return article, False
        article = Article.objects.create(
            slug=spec["slug"],
            title=spec["title"],
            lede=spec["lede"],
            body=spec["body"],
            author=users[spec["author"]],
            status=ArticleStatus.PUBLISHED,
            published_at=timezone.now() - timedelta(days=spec["published_days_ago"]),
            moderation_mode=spec.get("moderation_mode", "pre"),
        )
        Reference.objects.bulk_create(
            Reference(article=article, position=position, **ref)
            for position, ref in enumerate(spec.get("references", []), start=1)
        )
        return article, True

    def _comments(self, article, specs, parent, users):
        moderator = next(
            users[m["key"]] for m in demo_content.MEMBERS if m["role"] == "moderator"
        )
        for spec in specs:
            comment = services.comment_create(
                article=article,
                author=users[spec["author"]],
                body=spec["body"],
                parent=parent,
            )
            if (
                spec["status"] == CommentStatus.APPROVED
                and comment.status == CommentStatus.PENDING
            ):
                moderation.approve(comment, by=moderator)
            self._backdate(comment, days_ago=spec["days_ago"])
            self._comments(article, spec.get("replies", []), comment, users)

    @staticmethod
    def _backdate_members(users):
        # Members joined a little before their first comment, not today.
        for user in users.values():
            first = user.comments.order_by("created_at").first()
            if first is not None and first.created_at < user.date_joined:
                user.date_joined = first.created_at - timedelta(days=3)
                user.save(update_fields=["date_joined"])

    @staticmethod
    def _backdate(comment, *, days_ago):
        # The demo thread grew over weeks; give it the times it would have.
        posted = timezone.now() - timedelta(days=days_ago)
        decided = min(posted + timedelta(hours=3), timezone.now())
        Comment.objects.filter(pk=comment.pk).update(
            created_at=posted,
            updated_at=posted,
            moderated_at=decided if comment.moderated_by_id else None,
        )
        events = ModerationEvent.objects.filter(comment=comment)
        events.filter(from_status="").update(created_at=posted)
        events.exclude(from_status="").update(created_at=decided)

    def _print_accounts(self):
        self.stdout.write("")
        self.stdout.write(
            f"Demo accounts (password for each: {demo_content.DEMO_PASSWORD}):"
        )
        for spec in demo_content.MEMBERS[:3]:
            self.stdout.write(f"  {spec['email']:<24} {spec['role']}")
