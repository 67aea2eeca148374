from django.db import migrations

AUTHOR_PERMISSIONS = {
    "article": ["add", "change", "view"],
    "reference": ["add", "change", "delete", "view"],
}


def create_authors_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Authors")
    for model, actions in AUTHOR_PERMISSIONS.items():
        # Permissions are normally made after migrate; make them now.
        content_type, _ = ContentType.objects.get_or_create(
            app_label="articles", model=model
        )
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"},
            )
            group.permissions.add(permission)


def remove_authors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Authors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_authors_group, remove_authors_group),
    ]
