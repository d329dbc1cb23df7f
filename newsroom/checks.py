"""System checks for deployment mistakes that would otherwise surface as 500s on live pages."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string


@register()
def storage_backends_importable(app_configs, **kwargs):
    """A storage backend that cannot be imported breaks every page showing an image."""
    errors = []
    for alias, config in settings.STORAGES.items():
        try:
            import_string(config["BACKEND"])
        except ImportError as error:
            errors.append(
                Error(
                    f"The {alias!r} storage backend {config['BACKEND']!r} cannot be imported: "
                    f"{error}",
                    hint='For S3-compatible media install the extra: pip install -e ".[s3]".',
                    id="newsroom.E001",
                )
            )
    return errors
