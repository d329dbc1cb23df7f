"""Editors manage the old addresses too long for the redirect table (articles.LongRedirect)."""

from django.db import migrations

from newsroom.roles import resync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0005_roles_for_the_desk"),
        ("articles", "0028_long_redirects"),
    ]

    operations = [migrations.RunPython(resync_roles, migrations.RunPython.noop)]
