from django.conf import settings
from django.db import migrations, models

import articles.models


def closed_articles_stay_closed(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(comments_open=False).update(moderation_mode="closed")


def open_mode_back(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(moderation_mode="closed").update(comments_open=False)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_authors_group"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="moderation_mode",
            field=models.CharField(
                choices=[
                    (
                        "pre",
                        "Pre-moderated: new members' comments wait for a moderator",
                    ),
                    (
                        "post",
                        "Post-moderated: comments publish at once unless a rule holds them",
                    ),
                    ("closed", "Closed: no new comments"),
                ],
                default=articles.models.default_moderation_mode,
                max_length=10,
            ),
        ),
        migrations.RunPython(closed_articles_stay_closed, open_mode_back),
        migrations.RemoveField(model_name="article", name="comments_open"),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(("moderation_mode__in", ["pre", "post", "closed"])),
                name="article_moderation_mode_valid",
            ),
        ),
    ]
