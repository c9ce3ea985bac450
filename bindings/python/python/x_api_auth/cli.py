"""The ``x-api-auth`` command (``pip install`` puts it on the PATH): the same
command as ``cargo install x-api-auth-cli``, run from the native module."""

from __future__ import annotations

import sys

from x_api_auth import _native


def main() -> None:
    """Runs ``x-api-auth`` with this process's arguments and exits with its code."""
    sys.exit(_native.cli_main(["x-api-auth", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
