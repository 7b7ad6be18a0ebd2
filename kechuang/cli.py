"""The `kechuang` command: the project's management commands under one name.

`kechuang demo`, `kechuang serve`, `kechuang migrate`, ... are `manage.py` subcommands.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kechuang", *sys.argv[1:]])


if __name__ == "__main__":
    main()
