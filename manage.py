#!/usr/bin/env python
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    from newsroom import env_file

    env_file.load(Path(__file__).resolve().parent)  # the development .env, see env_file
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
