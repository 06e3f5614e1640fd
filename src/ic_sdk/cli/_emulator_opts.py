"""``ic-sdk emulator`` options that shape the emulator: seeded endpoints and faults.

```
ic-sdk emulator --endpoint shared-gpu=ml.g5.12xlarge:2      # IC-ready, InService at once
ic-sdk emulator --throttle-rate 0.1 --server-error-rate 0.05 --lose-answers 0.1 --latency 0.3
ic-sdk emulator --fail-next-create llama="CapacityError: no ml.g5 capacity"
```

Faults apply to every control-plane and runtime request (``--faults-on`` narrows them to
some operations), so CLI, boto3 and AWS CLI users can test their failure paths too.
"""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

from ic_sdk.cli._output import CliError

if TYPE_CHECKING:
    from ic_sdk.testing import LocalSageMaker

__all__ = ["add_options", "configure", "describe"]

_ENDPOINT = re.compile(r"(?P<name>[^=]+)=(?P<type>ml\.[\w.-]+?)(?::(?P<count>\d+))?")


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a rate is within 0 and 1, got {text}")
    return value


def add_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("endpoints and faults")
    group.add_argument(
        "--endpoint",
        action="append",
        default=[],
        metavar="NAME=TYPE[:COUNT]",
        help="start with this IC-ready endpoint InService (repeatable)",
    )
    group.add_argument("--throttle-rate", type=_rate, metavar="R", help="throttle this share")
    group.add_argument(
        "--server-error-rate", type=_rate, metavar="R", help="answer HTTP 500 to this share"
    )
    group.add_argument(
        "--lose-answers",
        type=_rate,
        metavar="R",
        help="apply this share of requests, then hang up without answering",
    )
    group.add_argument("--latency", type=float, metavar="SECONDS", help="delay every answer")
    group.add_argument(
        "--fail-next-create",
        action="append",
        default=[],
        metavar="NAME[=REASON]",
        help="the next create of component or endpoint NAME ends Failed (repeatable)",
    )
    group.add_argument(
        "--fail-next-update",
        action="append",
        default=[],
        metavar="NAME[=REASON]",
        help="the next update of component or endpoint NAME rolls back (repeatable)",
    )
    group.add_argument(
        "--faults-on",
        action="append",
        metavar="OPERATION",
        help="apply the rate faults only to this operation, e.g. CreateInferenceComponent",
    )
    group.add_argument("--seed", type=int, default=0, help="seed of the rate faults")


def _named(value: str, default_reason: str) -> tuple[str, str]:
    name, _, reason = value.partition("=")
    return name, reason or default_reason


def configure(sm: LocalSageMaker, args: argparse.Namespace) -> None:
    """Apply the parsed options to a started emulator."""
    for spec in args.endpoint:
        match = _ENDPOINT.fullmatch(spec)
        if match is None:
            raise CliError(
                f"--endpoint {spec!r}: expected NAME=TYPE[:COUNT], e.g. ep=ml.g5.12xlarge:2"
            )
        sm.add_endpoint(
            match["name"], instance_type=match["type"], instance_count=int(match["count"] or 1)
        )
    operations = args.faults_on
    if args.throttle_rate:
        sm.faults.throttle(times=None, rate=args.throttle_rate, operations=operations)
    if args.server_error_rate:
        sm.faults.server_error(times=None, rate=args.server_error_rate, operations=operations)
    if args.lose_answers:
        sm.faults.lose_answers(operations, times=None, rate=args.lose_answers)
    if args.latency:
        sm.faults.latency(args.latency, operations=operations)
    default = "InternalFailure: injected by ic-sdk emulator"
    for value in args.fail_next_create:
        name, reason = _named(value, default)
        sm.faults.fail_next_create(name, reason=reason)
    for value in args.fail_next_update:
        name, reason = _named(value, default)
        sm.faults.fail_next_update(name, reason=reason)


def describe(args: argparse.Namespace) -> list[str]:
    """Lines saying what the options set up (printed when the emulator starts)."""
    lines = [f"endpoint {spec} (InService)" for spec in args.endpoint]
    for flag in ("throttle_rate", "server_error_rate", "lose_answers", "latency"):
        value = getattr(args, flag)
        if value:
            lines.append(f"fault: {flag.replace('_', ' ')} {value}")
    lines += [f"fault: next create of {v} fails" for v in args.fail_next_create]
    lines += [f"fault: next update of {v} rolls back" for v in args.fail_next_update]
    return lines
