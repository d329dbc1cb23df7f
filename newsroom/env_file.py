"""The development `.env` that `make run` writes: DEBUG=1 and a generated SECRET_KEY, so that
any `manage.py` command in the checkout works without exporting variables.

Variables already in the environment always win. A process that has SECRET_KEY in its
environment is configured (production) and reads no file, unless ENV_FILE names one.
"""

import os
from pathlib import Path


def parse(text):
    """KEY=VALUE lines; blank lines and # comments are skipped, quotes around a value removed."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key, value = key.strip().removeprefix("export ").strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def load(base_dir, environ=os.environ):
    """Fill `environ` from the env file that applies; returns the path read, or None."""
    named = environ.get("ENV_FILE", "")
    if named:
        path = Path(named)
    elif "SECRET_KEY" in environ:
        return None
    else:
        path = Path(base_dir) / ".env"
    if not path.is_file():
        return None
    for key, value in parse(path.read_text(encoding="utf-8")).items():
        environ.setdefault(key, value)
    return path
