"""The newsroom roles as Django groups, with exactly the rights DESIGN.md gives them."""

from django.db.models import Q

ROLES = {
    "Reporter": [
        ("articles", "add_article"),
        ("articles", "change_article"),
        ("articles", "view_article"),
        ("articles", "view_section"),
        ("articles", "view_author"),
        ("articles", "view_label"),
        # The photo library: upload, use, and change their own uploads (articles/photo_admin.py
        # limits "change" to them); never delete.
        ("articles", "add_image"),
        ("articles", "change_image"),
        ("articles", "view_image"),
        # Live coverage: entries on the live articles they are bylined on (articles/live/
        # admin.py limits them to those).
        ("articles", "add_liveentry"),
        ("articles", "change_liveentry"),
        ("articles", "delete_liveentry"),
        ("articles", "view_liveentry"),
        # No tag rights: reporters type tags on their own articles; the tag list would show
        # the tags of colleagues' unpublished pieces.
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
        ("articles", "add_previewlink"),
        ("articles", "change_previewlink"),
        ("articles", "view_previewlink"),
        ("articles", "add_front"),
        ("articles", "change_front"),
        ("articles", "delete_front"),
        ("articles", "view_front"),
        ("articles", "add_slot"),
        ("articles", "change_slot"),
        ("articles", "delete_slot"),
        ("articles", "view_slot"),
        ("articles", "add_breakingnews"),
        ("articles", "change_breakingnews"),
        ("articles", "delete_breakingnews"),
        ("articles", "view_breakingnews"),
        ("articles", "add_notice"),
        ("articles", "change_notice"),
        ("articles", "delete_notice"),
        ("articles", "view_notice"),
        ("articles", "add_label"),
        ("articles", "change_label"),
        ("articles", "delete_label"),
        ("articles", "view_label"),
        ("articles", "add_image"),
        ("articles", "change_image"),
        ("articles", "delete_image"),
        ("articles", "view_image"),
        ("articles", "add_liveentry"),
        ("articles", "change_liveentry"),
        ("articles", "delete_liveentry"),
        ("articles", "view_liveentry"),
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
        # Old addresses too long for the redirect table (articles.redirects), made by an import.
        ("articles", "change_longredirect"),
        ("articles", "delete_longredirect"),
        ("articles", "view_longredirect"),
        # The top bar's and footer's links (articles/site_links.py).
        ("articles", "add_sitelink"),
        ("articles", "change_sitelink"),
        ("articles", "delete_sitelink"),
        ("articles", "view_sitelink"),
        ("comments", "view_comment"),
    ],
    "Moderator": [
        ("comments", "view_comment"),
        ("comments", "change_comment"),
        ("comments", "moderate_comment"),
    ],
}


def roles_of(user):
    """The names of the roles (groups above) ``user`` holds, in ROLES order."""
    held = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    return [name for name in ROLES if name in held]


def sync_roles(group_model, permission_model):
    """Create or update the three groups so each holds exactly its listed permissions.

    A permission whose model does not exist yet (an early migration runs before that model's
    own) is left out; the migration that adds the model syncs the roles again.
    """
    for name, codes in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        wanted = Q(pk__in=[])
        for app, codename in codes:
            wanted |= Q(content_type__app_label=app, codename=codename)
        group.permissions.set(permission_model.objects.filter(wanted))


def resync_roles(apps, schema_editor):
    """A migration step: make the permissions of every model migrated so far, then sync."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
