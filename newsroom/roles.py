"""The newsroom roles as Django groups, with exactly the rights DESIGN.md gives them."""

ROLES = {
    "Reporter": [
        ("articles", "add_article"),
        ("articles", "change_article"),
        ("articles", "view_article"),
        ("articles", "view_section"),
        ("articles", "view_author"),
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


def sync_roles(group_model, permission_model):
    """Create or update the three groups so each holds exactly its listed permissions."""
    for name, codes in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set(
            [
                permission_model.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in codes
            ]
        )
