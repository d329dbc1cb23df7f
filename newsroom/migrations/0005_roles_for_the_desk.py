"""The roles re-synced with newsroom/roles.py once the desk's models (and permissions) exist."""

from django.db import migrations

from newsroom.roles import resync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0004_roles_for_new_features"),
        ("articles", "0019_fast_pages"),
    ]

    operations = [migrations.RunPython(resync_roles, migrations.RunPython.noop)]
