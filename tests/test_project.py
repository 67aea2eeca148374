"""Project-level checks: migrations match the models, and the demo loader."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from articles.models import Article
from comments.models import Comment, CommentStatus


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_seed_demo_loads_the_forum_once_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    for email in ("member@example.com", "author@example.com", "moderator@example.com"):
        assert email in out
    assert "forum-demo-2026" in out

    counts = (Article.objects.count(), Comment.objects.count())
    call_command("seed_demo")
    assert (Article.objects.count(), Comment.objects.count()) == counts

    ldn = Article.objects.get(slug="low-dose-naltrexone-multiple-sclerosis")
    assert ldn.references.count() >= 4
    assert ldn.comments.approved().count() >= 30
    assert ldn.comments.approved().filter(depth__gte=3).exists()
    assert ldn.comments.approved().filter(author=ldn.author, depth__gt=1).exists()
    pending = Comment.objects.filter(status=CommentStatus.PENDING)
    assert pending.count() >= 3
    # The demo's rules hold the "cure" post and show why.
    held = [c for c in pending if c.rule_reasons]
    assert held
    assert all("<mark>" in c.review_html for c in held)
    assert ldn.approved_comment_count == ldn.comments.approved().count()
    assert Article.objects.count() == 2
    for comment in Comment.objects.select_related("author"):
        assert comment.author.date_joined < comment.created_at

    client = Client()
    assert client.login(email="member@example.com", password="forum-demo-2026")
    mod = Client()
    assert mod.login(email="moderator@example.com", password="forum-demo-2026")
    assert mod.get("/moderation/").status_code == 200
    page = Client().get(ldn.get_absolute_url()).content.decode()
    assert 'class="badge text-bg-primary">Author' in page


@pytest.mark.django_db
def test_deploy_check_warns_about_per_process_cache_and_inline_email(settings):
    from django.core.checks import run_checks

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert {"ldnforum.W001", "ldnforum.W002"} <= ids
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "ldnforum.W001" not in ids
