"""The three newsroom roles as Django groups, with exactly the rights DESIGN.md gives them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Reporter": [
        ("articles", "add_article"),
        ("articles", "change_article"),
        ("articles", "view_article"),
        ("articles", "view_section"),
        ("articles", "view_author"),
        ("taggit", "add_tag"),
        ("taggit", "view_tag"),
    ],
    "Editor": [
        ("articles", "add_article"),
        ("articles", "change_article"),
        ("articles", "delete_article"),
        ("articles", "view_article"),
        ("articles", "publish_article"),
        ("articles", "add_section"),
        ("articles", "change_section"),
        ("articles", "delete_section"),
        ("articles", "view_section"),
        ("articles", "add_author"),
        ("articles", "change_author"),
        ("articles", "delete_author"),
        ("articles", "view_author"),
        ("taggit", "add_tag"),
        ("taggit", "change_tag"),
        ("taggit", "delete_tag"),
        ("taggit", "view_tag"),
        ("flatpages", "add_flatpage"),
        ("flatpages", "change_flatpage"),
        ("flatpages", "delete_flatpage"),
        ("flatpages", "view_flatpage"),
        ("redirects", "add_redirect"),
        ("redirects", "change_redirect"),
        ("redirects", "delete_redirect"),
        ("redirects", "view_redirect"),
        ("comments", "view_comment"),
    ],
    "Moderator": [
        ("comments", "view_comment"),
        ("comments", "change_comment"),
        ("comments", "moderate_comment"),
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after migrate; make them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in codes
        ]
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0001_initial"),
        ("comments", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("flatpages", "0001_initial"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
