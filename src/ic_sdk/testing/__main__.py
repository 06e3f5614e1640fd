"""``python -m ic_sdk.testing --port 4566``: LocalSageMaker for boto3 scripts and the AWS CLI.

Binds 127.0.0.1 only, prints the URL it serves on, and shuts down cleanly on Ctrl-C
(SIGINT) or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from ic_sdk.testing import LocalSageMaker, serve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ic_sdk.testing",
        description="Serve a local emulator of the SageMaker inference-component service.",
    )
    parser.add_argument("--port", type=int, default=4566, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--region", default="us-east-1", help="region in ARNs (us-east-1)")
    parser.add_argument("--account-id", default="123456789012", help="account in ARNs")
    parser.add_argument(
        "--delay",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long every state change takes (default: up to 0.5 s each)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    def ready(sm: LocalSageMaker) -> None:
        print(f"LocalSageMaker serving on {sm.endpoint_url} (Ctrl-C to stop)")
        print(
            f"  export AWS_ENDPOINT_URL={sm.endpoint_url} AWS_DEFAULT_REGION={args.region} "
            "AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing",
            flush=True,
        )

    try:
        asyncio.run(
            serve(
                port=args.port,
                delays=args.delay,
                region=args.region,
                account_id=args.account_id,
                ready=ready,
            )
        )
    except OSError as exc:  # e.g. the port is taken
        print(f"error: cannot serve on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 1
    print("LocalSageMaker stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
