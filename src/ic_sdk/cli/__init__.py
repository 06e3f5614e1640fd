"""``ic-sdk``: the command line tool (``pip install 'ic-sdk[cli]'``).

```
ic-sdk demo                          # the whole flow against an embedded emulator, offline
ic-sdk validate spec.yaml            # every problem with its path and line; exit 1 on errors
ic-sdk apply spec.yaml --wait        # create, or update to match, then wait
ic-sdk ls | describe NAME | scale NAME 2 | delete NAME | invoke NAME '{"inputs": "hi"}'
ic-sdk endpoint create NAME --instance-type T --role ARN --wait   # an IC-ready endpoint
ic-sdk endpoint ls | describe NAME | delete NAME
ic-sdk teardown ENDPOINT             # adapters, bases, endpoint, config, in order
ic-sdk autoscale NAME --min 0 --max 4 --target 5   # or --off
ic-sdk wait NAME --until deleted     # resume a wait (after a timeout or Ctrl-C)
ic-sdk emulator --port 4566          # serve LocalSageMaker
```

Global options work before or after the subcommand, like the AWS CLI's:
``--endpoint-url``, ``--runtime-endpoint-url``, ``--region``, ``--profile``,
``--output text|json``. Credentials, region and endpoint also come from the usual AWS
settings (``AWS_PROFILE``, ``AWS_REGION``, ``AWS_ENDPOINT_URL``, ``~/.aws/config``).

Exit status: 0 on success, 1 when something went wrong (one ``error:`` line on stderr,
plus the problems of a request), 2 for a wrong command line, 130 when interrupted.
User mistakes never print a traceback; ``--debug`` shows one, and the SDK's logs (with
secrets redacted: container environment values, credentials, signatures).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from ic_sdk.cli._output import CliError

__all__ = ["build_parser", "main"]

_EPILOG = """\
examples:
  ic-sdk demo
  ic-sdk validate examples/specs/base.yaml
  ic-sdk --region us-east-1 apply component.yaml --wait
  ic-sdk ls --endpoint shared-gpu --output json
  ic-sdk invoke llama-3-8b-sql '{"inputs": "Orders over $100?"}'
  ic-sdk emulator --port 4566

documentation: docs/guides/cli.md ("Using the CLI" in the docs site)
"""


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The AWS-CLI-like options; on subcommands they default to "not given" (SUPPRESS)."""

    def default(value: Any) -> Any:
        return value if top else argparse.SUPPRESS

    group = parser.add_argument_group("global options")
    group.add_argument(
        "--endpoint-url",
        metavar="URL",
        default=default(None),
        help="SageMaker API URL (e.g. a LocalSageMaker's); default: AWS settings",
    )
    group.add_argument(
        "--runtime-endpoint-url",
        metavar="URL",
        default=default(None),
        help="sagemaker-runtime URL for invoke (default: --endpoint-url)",
    )
    group.add_argument("--region", default=default(None), help="AWS region, e.g. us-east-1")
    group.add_argument("--profile", default=default(None), help="profile in ~/.aws/config")
    group.add_argument(
        "--output",
        choices=("text", "json"),
        default=default("text"),
        help="text for people (default) or json for programs",
    )
    group.add_argument(
        "--plain",
        action="store_true",
        default=default(False),
        help="progress as plain lines, even on a terminal",
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", default=default(False), help="no progress output"
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=default(False),
        help="log the SDK's requests and show tracebacks",
    )


def _timeout_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        default=None,
        help="give up waiting after this long (default: 1800)",
    )


def _wait_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--wait", action="store_true", help=f"wait until {what}, showing progress")
    _timeout_option(parser)


def build_parser() -> argparse.ArgumentParser:
    """The ``ic-sdk`` argument parser."""
    from ic_sdk.cli import _commands as c
    from ic_sdk.cli import _lifecycle as life

    parser = argparse.ArgumentParser(
        prog="ic-sdk",
        description="Deploy, inspect and test Amazon SageMaker inference components.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    _global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help: str, handler: Any, **kwargs: Any) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help, **kwargs)
        _global_options(p, top=False)
        p.set_defaults(handler=handler)
        return p

    p = command("demo", "run the whole flow against an embedded LocalSageMaker", c.cmd_demo)
    p.add_argument(
        "--delay",
        type=float,
        default=0.4,
        metavar="SECONDS",
        help="how long the emulator's state changes take, roughly (default: 0.4)",
    )

    p = command("validate", "check spec files; every problem with its path", c.cmd_validate)
    p.add_argument("files", nargs="+", metavar="FILE", help="YAML or JSON spec ('-': stdin)")
    p.add_argument(
        "--ignore",
        action="append",
        metavar="RULE",
        help="switch off a rule by id, e.g. ic.base-artifact-tar-gz (repeatable)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="warnings fail too (e.g. an instance type this release does not know)",
    )

    p = command(
        "apply", "create the components of spec files, or update them to match", life.cmd_apply
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="YAML or JSON spec ('-': stdin)")
    _wait_options(p, "each component is InService")
    p.add_argument("--dry-run", action="store_true", help="say what would change; send no change")
    p.add_argument(
        "--recreate-failed",
        action="store_true",
        help="delete a component that is Failed and create it again (default: an error)",
    )

    p = command("ls", "list inference components", c.cmd_ls)
    p.add_argument("--endpoint", metavar="NAME", help="only those on this endpoint")
    p.add_argument("--status", help="only those with this status, e.g. InService")
    p.add_argument("--name-contains", metavar="TEXT", help="only names containing TEXT")

    p = command("describe", "show one inference component", c.cmd_describe)
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "--show-environment",
        action="store_true",
        help="with --output json, include container environment values (secrets!)",
    )

    p = command("scale", "set the copy count of a component", c.cmd_scale)
    p.add_argument("name", metavar="NAME")
    p.add_argument("copies", type=int, metavar="COPIES")
    _wait_options(p, "the copies run")

    from ic_sdk.cli import _autoscale

    _autoscale.register(command)

    p = command(
        "delete", "delete inference components (adapters before their base)", life.cmd_delete
    )
    p.add_argument("names", nargs="+", metavar="NAME")
    p.add_argument(
        "--missing-ok",
        action="store_true",
        help="a component already gone is skipped, not an error",
    )
    _wait_options(p, "they are gone")

    p = command(
        "wait", "wait for a component, e.g. to resume after a timeout or Ctrl-C", life.cmd_wait
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "--until",
        choices=life.UNTIL,
        default="in-service",
        help="in-service (default), scaled (running the desired copies) or deleted",
    )
    p.add_argument("--copies", type=int, metavar="N", help="with --until scaled: wait for N copies")
    _timeout_option(p)

    p = command("invoke", "invoke a component; the answer goes to stdout", c.cmd_invoke)
    p.add_argument("name", metavar="NAME")
    p.add_argument("body", nargs="?", metavar="BODY", help="request body (default: stdin)")
    p.add_argument("--body-file", metavar="FILE", help="read the body from FILE ('-': stdin)")
    p.add_argument("--content-type", default="application/json", help="default: application/json")
    p.add_argument("--accept", default=None, help="Accept header")
    p.add_argument("--endpoint", metavar="NAME", help="skip looking up the component's endpoint")
    p.add_argument("--stream", action="store_true", help="stream the answer as it comes")

    p = command("emulator", "serve LocalSageMaker on 127.0.0.1", c.cmd_emulator)
    p.add_argument("--port", type=int, default=4566, help="port (default 4566; 0: any free)")
    p.add_argument(
        "--delay",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long every state change takes (default: up to 0.5 s each)",
    )
    p.add_argument("--account-id", default="123456789012", help="account id in ARNs")
    from ic_sdk.cli import _emulator_opts

    _emulator_opts.add_options(p)

    p = command("schema", "print the JSON Schema of spec files", c.cmd_schema)
    p.add_argument("--path", action="store_true", help="print where it is installed instead")

    from ic_sdk.cli import _endpoint

    _endpoint.register(sub, command, _global_options, _wait_options)
    return parser


class _Version(argparse.Action):
    """``--version``, looked up only when asked for (importlib.metadata is slow to load)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ic-sdk")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


_HINTS = {
    "NoRegionError": "pass --region or set AWS_REGION",
    "NoCredentialsError": (
        "configure credentials (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY; any value works against LocalSageMaker)"
    ),
    "PartialCredentialsError": "complete the credentials (key id and secret key)",
}


def _error_text(exc: BaseException, args: argparse.Namespace) -> str:
    from ic_sdk.cli._lifecycle import resume_hint
    from ic_sdk.errors import ServiceError, ValidationError

    if isinstance(exc, ValidationError):
        return str(exc) + "\nnothing was sent"
    if isinstance(exc, ServiceError):
        foreign = _not_sagemaker(exc, args)
        if foreign is not None:
            return foreign
    text = str(exc) or type(exc).__name__
    if not isinstance(exc, CliError):  # the CLI's own messages are laid out already
        text = _one_line(text)
    cause = exc.__cause__
    hint = _HINTS.get(type(cause).__name__) if cause is not None else resume_hint(exc)
    return f"{text} ({hint})" if hint else text


#: Longest error text shown on the one ``error:`` line.
_MAX_ERROR = 400


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _MAX_ERROR else flat[: _MAX_ERROR - 1] + "…"


def _not_sagemaker(exc: Any, args: argparse.Namespace) -> str | None:
    """One line for an answer that did not come from SageMaker (an HTML page, a 404 from
    some other HTTP server at ``--endpoint-url``), else ``None``.

    SageMaker's errors carry an error code (``ValidationException``, …); botocore falls
    back to the bare HTTP status as the code when the body has none.
    """
    code = str(exc.code or "")
    body = str(exc.message or "").lstrip()
    if not (code.isdigit() or body.startswith("<")):
        return None
    url = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or "the SageMaker endpoint"
    status = exc.http_status or (int(code) if code.isdigit() else None)
    what = f"HTTP {status}" if status is not None else "an answer"
    operation = f" to {exc.operation}" if getattr(exc, "operation", None) else ""
    return f"{url} answered {what}{operation}, not as SageMaker does (check --endpoint-url)"


def _debug_logging() -> contextlib.AbstractContextManager[object]:
    """``--debug``: the SDK's and botocore's logs on stderr for the command, secrets redacted.

    Redaction is ic_sdk's (``ic_sdk._redact``): container environment values, the
    session token, secret keys and request signatures never reach the output.
    """
    import logging

    stack = contextlib.ExitStack()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)

    def restore() -> None:
        root.removeHandler(handler)
        root.setLevel(level)

    stack.callback(restore)
    from ic_sdk._redact import redacting_logs

    secrets = [
        os.environ[key]
        for key in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
        if os.environ.get(key)
    ]
    stack.enter_context(redacting_logs(secrets))
    return stack


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``ic-sdk`` with ``argv`` (default: ``sys.argv[1:]``); the exit status."""
    from ic_sdk.errors import IcSdkError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (already printed)
        return exc.code if isinstance(exc.code, int) else 2
    from ic_sdk.cli._lifecycle import forget_waits, interrupted_hint

    forget_waits()
    logs = _debug_logging() if args.debug else contextlib.nullcontext()
    try:
        with logs:
            status: int = args.handler(args)
    except (CliError, IcSdkError) as exc:
        if args.debug:
            raise
        sys.stdout.flush()
        print(f"error: {_error_text(exc, args)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        hint = interrupted_hint()
        print(f"interrupted ({hint})" if hint else "interrupted", file=sys.stderr)
        return 130
    return status
