"""Editors manage the top bar's and footer's links (articles.SiteLink)."""

from django.db import migrations

from newsroom.roles import resync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0006_roles_for_long_redirects"),
        ("articles", "0029_site_links"),
    ]

    operations = [migrations.RunPython(resync_roles, migrations.RunPython.noop)]
