"""Log records that say where an error happened and for whom, without personal data."""

import logging


class RequestContextFilter(logging.Filter):
    """Adds `path` and `user` (a user id or "anonymous") to every record; never emails or IPs."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.path = getattr(request, "path", "-")
        try:
            user = getattr(request, "user", None)
            record.user = (
                f"id:{user.pk}" if user is not None and user.is_authenticated else "anonymous"
            )
        except Exception:  # the user could not be loaded (database down): say so, don't fail
            record.user = "unknown"
        return True
