"""Static files in production: WhiteNoise's compressed files with hashed names."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Each address is worked out once per process: the manifest it comes from does not
    change while the process runs, and every page asks for the same few files."""

    REMEMBERED = 512

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses = {}

    def url(self, name, force=False):
        address = self._addresses.get(name)
        if address is None or force:
            address = super().url(name, force)
            if not force and len(self._addresses) < self.REMEMBERED:
                self._addresses[name] = address
        return address
