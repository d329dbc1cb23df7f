"""A developer's first five minutes: `make run` leaves a .env that manage.py reads; a
configured (production) process never does unless told."""

import subprocess
import sys
from pathlib import Path

from newsroom import env_file

ROOT = Path(__file__).resolve().parent.parent


def test_a_checkouts_env_file_fills_what_the_environment_does_not_say(tmp_path):
    (tmp_path / ".env").write_text("# made by make run\nDEBUG=1\nSECRET_KEY='dev-key'\nX=\n")
    environ = {"DEBUG": "0"}
    assert env_file.load(tmp_path, environ) == tmp_path / ".env"
    assert environ == {"DEBUG": "0", "SECRET_KEY": "dev-key", "X": ""}


def test_a_process_with_a_secret_key_reads_no_env_file(tmp_path):
    (tmp_path / ".env").write_text("DEBUG=1\n")
    environ = {"SECRET_KEY": "production"}
    assert env_file.load(tmp_path, environ) is None
    assert "DEBUG" not in environ


def test_env_file_names_the_file_to_read_even_in_production(tmp_path):
    named = tmp_path / "site.env"
    named.write_text("export REDIS_URL=redis://127.0.0.1:6379/0\n")
    environ = {"SECRET_KEY": "production", "ENV_FILE": str(named)}
    assert env_file.load(tmp_path / "elsewhere", environ) == named
    assert environ["REDIS_URL"] == "redis://127.0.0.1:6379/0"


def test_manage_py_runs_with_only_the_env_file(tmp_path):
    env_path = tmp_path / "dev.env"
    env_path.write_text(f"DEBUG=1\nSECRET_KEY=from-the-file\nNEWSROOM_VAR_DIR={tmp_path}\n")
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)",
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "ENV_FILE": str(env_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True from-the-file"
