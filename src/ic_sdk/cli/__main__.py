"""``python -m ic_sdk.cli``: the ``ic-sdk`` command without its installed script."""

from __future__ import annotations

import sys

from ic_sdk.cli import main

if __name__ == "__main__":
    sys.exit(main())
