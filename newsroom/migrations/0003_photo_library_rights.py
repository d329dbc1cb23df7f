"""The photo library's rights: reporters upload, use and change their own photos; editors
manage them all; moderators get none. The groups are brought back to exactly what
newsroom/roles.py gives them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from newsroom.roles import sync_roles


def resync_roles(apps, schema_editor):
    # The library's permissions are normally made after migrate; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0002_reporters_without_tag_admin"),
        ("articles", "0011_image_library"),
    ]

    operations = [migrations.RunPython(resync_roles, migrations.RunPython.noop)]
