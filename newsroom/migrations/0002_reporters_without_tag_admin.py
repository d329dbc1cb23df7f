"""Reporters lose the tag admin (it listed the tags of colleagues' unpublished pieces): the
groups are brought back to exactly what newsroom/roles.py gives them."""

from django.db import migrations

from newsroom.roles import sync_roles


def resync_roles(apps, schema_editor):
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0001_create_roles")]

    operations = [migrations.RunPython(resync_roles, migrations.RunPython.noop)]
