"""The roles brought back to exactly what newsroom/roles.py gives them, once the models of
curation, corrections and live coverage (and their permissions) exist."""

from django.db import migrations

from newsroom.roles import resync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0003_photo_library_rights"),
        ("articles", "0017_live_coverage"),
    ]

    operations = [migrations.RunPython(resync_roles, migrations.RunPython.noop)]
