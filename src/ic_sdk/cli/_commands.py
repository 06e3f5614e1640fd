"""What each ``ic-sdk`` subcommand does. Each takes the parsed arguments, returns an exit status."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from ic_sdk.cli._output import CliError, dump_json, redact_environments, table

# Imported where used: `ic-sdk validate` starts without asyncio, rich or aiobotocore.
if TYPE_CHECKING:
    from ic_sdk import models
    from ic_sdk.cli._progress import Reporter
    from ic_sdk.cli._specs import SpecDocument
    from ic_sdk.client import InferenceComponentClient
    from ic_sdk.clock import Clock

_T = TypeVar("_T")

#: The clock the commands' clients wait on (``None``: real time). Tests set a FakeClock
#: shared with an emulator, so ``--wait`` finishes without sleeping.
_CLOCK: Clock | None = None
#: An aiobotocore session to reuse (``None``: a new one per command, honouring
#: ``--profile``). Tests share one: loading the service model takes a quarter second.
_SESSION: Any = None


# --------------------------------------------------------------------------- plumbing


def _out() -> TextIO:
    return sys.stdout


def _json(args: argparse.Namespace) -> bool:
    return bool(args.output == "json")


def reporter_for(args: argparse.Namespace) -> Reporter:
    """Progress goes to stdout with text output, to stderr beside JSON output."""
    from ic_sdk.cli._progress import make_reporter

    if args.quiet:
        return make_reporter(sys.stderr, "quiet")
    stream = sys.stderr if _json(args) else sys.stdout
    return make_reporter(stream, "plain" if args.plain else "auto")


@contextlib.asynccontextmanager
async def _client(args: argparse.Namespace) -> AsyncIterator[InferenceComponentClient]:
    from ic_sdk.client import InferenceComponentClient

    client = InferenceComponentClient(
        region=args.region,
        profile=args.profile,
        endpoint_url=args.endpoint_url,
        runtime_endpoint_url=args.runtime_endpoint_url or args.endpoint_url,
        clock=_CLOCK,
        session=_SESSION,
    )
    try:
        await client.__aenter__()
    except BaseException as exc:
        await client.aclose()  # what opening took (e.g. its log redaction) is given back
        if not isinstance(exc, ValueError):
            raise
        # e.g. an empty region makes an invalid endpoint URL
        raise CliError(
            f"cannot create the SageMaker client: {exc} (check --region and --endpoint-url)"
        ) from exc
    try:
        yield client
    finally:
        await client.aclose()


def _run(args: argparse.Namespace, work: Callable[[InferenceComponentClient], Awaitable[_T]]) -> _T:
    import asyncio

    async def go() -> _T:
        async with _client(args) as client:
            return await work(client)

    return asyncio.run(go())


def _run_json(
    args: argparse.Namespace, work: Callable[[InferenceComponentClient], Awaitable[Any]]
) -> int:
    """:func:`_run`, then the result as JSON with ``--output json``; exit code 0."""
    result = _run(args, work)
    if _json(args):
        dump_json(result, _out())
    return 0


def _timeout(args: argparse.Namespace) -> float | None:
    value: float | None = getattr(args, "timeout", None)
    return value


# --------------------------------------------------------------------------- validate


def _check_ignore(rules: Sequence[str]) -> None:
    """Every rule id ``validate`` can report is known: :data:`ic_sdk.validation.RULES`
    (the request's rules and a spec's ``Autoscaling`` value's)."""
    from ic_sdk.validation import RULES

    unknown = sorted(set(rules).difference(RULES))
    if unknown:
        raise CliError(
            f"unknown rule id {', '.join(unknown)} in --ignore (known: {', '.join(sorted(RULES))})"
        )


def _problems(doc: SpecDocument, ignore: Sequence[str]) -> list[Any]:
    from ic_sdk import models
    from ic_sdk.cli import _endpoint_doc
    from ic_sdk.validation import RULES, validate

    if _endpoint_doc.is_endpoint(doc.data):
        return [p for p in _endpoint_doc.endpoint_problems(doc.data) if p.rule not in ignore]

    request_rules = [rule for rule in ignore if rule in RULES]
    problems = validate(doc.data, models.CreateInferenceComponentInput, ignore=request_rules)
    if doc.autoscaling is not None:
        from ic_sdk.cli._autoscale import spec_problems

        problems.extend(p for p in spec_problems(doc.autoscaling) if p.rule not in ignore)
    return problems


def _by_line(doc: SpecDocument, problems: list[Any]) -> list[Any]:
    """Problems in the order of the lines they point at (as an editor lists them)."""
    return sorted(problems, key=lambda p: doc.line_of(p.path) or 0)


def cmd_validate(args: argparse.Namespace) -> int:
    from ic_sdk.cli._specs import format_problem, load_specs

    ignore: list[str] = args.ignore or []
    _check_ignore(ignore)
    out = _out()
    report: list[dict[str, Any]] = []
    errors = warnings = 0
    for source in args.files:
        for doc in load_specs(source):
            problems = _problems(doc, ignore)
            n_errors = sum(1 for p in problems if p.severity == "error")
            errors += n_errors
            warnings += len(problems) - n_errors
            report.append(
                {
                    "file": doc.source,
                    "document": doc.index,
                    "name": doc.name,
                    "problems": [
                        {
                            "path": p.path,
                            "rule": p.rule,
                            "severity": p.severity,
                            "message": p.message,
                            "line": doc.line_of(p.path),
                        }
                        for p in problems
                    ],
                }
            )
            if _json(args):
                continue
            for problem in _by_line(doc, problems):
                out.write(format_problem(doc, problem) + "\n")
            if not n_errors:
                where = doc.source if doc.count == 1 else f"{doc.source} (document {doc.index})"
                note = " (with warnings)" if problems else ""
                out.write(f"{where}: {doc.name}: OK{note}\n")
    if _json(args):
        dump_json(report, out)
    elif errors or warnings:
        out.write(_counts(errors, warnings) + "\n")
    return 1 if errors or (warnings and args.strict) else 0


def _counts(errors: int, warnings: int) -> str:
    parts = []
    if errors:
        parts.append(f"{errors} problem{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return " and ".join(parts) + " found"


# --------------------------------------------------------------------------- apply (see _lifecycle)


async def _describe_or_none(
    client: InferenceComponentClient, name: str
) -> models.DescribeInferenceComponentOutput | None:
    from ic_sdk.reconcile import _or_none

    return await _or_none(client.describe(name))


# --------------------------------------------------------------------------- ls / describe


def cmd_ls(args: argparse.Namespace) -> int:
    async def work(client: InferenceComponentClient) -> list[Any]:
        return [
            s
            async for s in client.list(
                endpoint_name_equals=args.endpoint,
                name_contains=args.name_contains,
                status_equals=args.status,
                sort_by="Name",
                sort_order="Ascending",
            )
        ]

    summaries = _run(args, work)
    out = _out()
    if _json(args):
        from ic_sdk.serde import converter

        dump_json([converter.unstructure(s) for s in summaries], out)
        return 0
    if not summaries:
        out.write("no inference components\n")
        return 0
    table(
        ["NAME", "STATUS", "ENDPOINT", "VARIANT", "CREATED"],
        [
            [
                s.inference_component_name,
                s.inference_component_status,
                s.endpoint_name,
                s.variant_name,
                s.creation_time.strftime("%Y-%m-%d %H:%M:%S") if s.creation_time else "",
            ]
            for s in summaries
        ],
        out,
    )
    return 0


def _describe_lines(desc: models.DescribeInferenceComponentOutput) -> list[tuple[str, str]]:
    from ic_sdk._redact import describe_secret

    rows: list[tuple[str, str]] = [
        ("Name", desc.inference_component_name or ""),
        ("ARN", desc.inference_component_arn or ""),
        ("Status", str(desc.inference_component_status or "unknown")),
        ("Endpoint", f"{desc.endpoint_name} (variant {desc.variant_name or '-'})"),
    ]
    if desc.failure_reason:
        note = (
            " (left by an earlier rolled-back update)"
            if str(desc.inference_component_status) == "InService"
            else ""
        )
        rows.append(("Failure reason", desc.failure_reason + note))
    rc = desc.runtime_config
    if rc is not None:
        current = "-" if rc.current_copy_count is None else rc.current_copy_count
        desired = "-" if rc.desired_copy_count is None else rc.desired_copy_count
        rows.append(("Copies", f"{current} running, {desired} desired"))
    specs = [desc.specification] if desc.specification is not None else []
    specs += list(desc.specifications or [])
    for spec in specs:
        prefix = f"[{spec.instance_type}] " if spec.instance_type else ""
        if spec.base_inference_component_name:
            rows.append((prefix + "Base component", spec.base_inference_component_name))
        if spec.model_name:
            rows.append((prefix + "Model", spec.model_name))
        container = spec.container
        if container is not None:
            if container.deployed_image is not None:
                image = container.deployed_image
                rows.append((prefix + "Image", image.specified_image or image.resolved_image or ""))
            if container.artifact_url:
                rows.append((prefix + "Artifact", container.artifact_url))
            if container.environment:
                shown = ", ".join(
                    f"{k}={describe_secret(v)}" for k, v in sorted(container.environment.items())
                )
                rows.append((prefix + "Environment", shown))
        compute = spec.compute_resource_requirements
        if compute is not None:
            parts = []
            if compute.number_of_cpu_cores_required is not None:
                parts.append(f"{compute.number_of_cpu_cores_required:g} vCPU")
            if compute.number_of_accelerator_devices_required is not None:
                parts.append(f"{compute.number_of_accelerator_devices_required:g} accelerator(s)")
            if compute.min_memory_required_in_mb is not None:
                memory = f"{compute.min_memory_required_in_mb} MiB memory"
                if compute.max_memory_required_in_mb is not None:
                    memory += f" (up to {compute.max_memory_required_in_mb})"
                parts.append(memory)
            rows.append((prefix + "Per copy", ", ".join(parts)))
    if desc.creation_time is not None:
        rows.append(("Created", desc.creation_time.isoformat(timespec="seconds")))
    if desc.last_modified_time is not None:
        rows.append(("Modified", desc.last_modified_time.isoformat(timespec="seconds")))
    return rows


def cmd_describe(args: argparse.Namespace) -> int:
    from ic_sdk.cli import _autoscale

    async def work(client: InferenceComponentClient) -> tuple[Any, Any, str | None]:
        desc = await client.describe(args.name)
        return (desc, *await _autoscale.describe_autoscaling(client, args.name))

    desc, scaling, unreadable = _run(args, work)
    out = _out()
    if _json(args):
        from ic_sdk.serde import converter

        wire = converter.unstructure(desc)
        wire = wire if args.show_environment else redact_environments(wire)
        if unreadable is None:
            wire["Autoscaling"] = _autoscale.view_json(scaling)
        dump_json(wire, out)
        return 0
    rows = _describe_lines(desc)
    rows += (
        _autoscale.describe_lines(scaling)
        if unreadable is None
        else [("Autoscaling", f"unknown ({unreadable})")]
    )
    width = max(len(k) for k, _ in rows) + 1
    for key, value in rows:
        out.write(f"{key + ':':<{width}} {value}\n")
    return 0


# --------------------------------------------------------------------------- scale


def cmd_scale(args: argparse.Namespace) -> int:
    if args.copies < 0:
        raise CliError(f"copies must be 0 or more, got {args.copies}")
    reporter = reporter_for(args)

    async def work(client: InferenceComponentClient) -> dict[str, Any]:
        await client.scale(args.name, args.copies)
        reporter.step(f"{args.name}: scaling to {args.copies} copies")
        result: dict[str, Any] = {"name": args.name, "copies": args.copies}
        if args.wait:
            from ic_sdk.cli._lifecycle import waiting

            with waiting([args.name], "scaled"), reporter.tracking() as tracker:
                desc = await client.wait_until_scaled(
                    args.name,
                    copies=args.copies,
                    timeout_s=_timeout(args),
                    on_event=tracker.on_event,
                )
            result["status"] = str(desc.inference_component_status)
        return result

    return _run_json(args, work)


# --------------------------------------------------------------------------- invoke


def _body(args: argparse.Namespace) -> bytes:
    if args.body is not None and args.body_file is not None:
        raise CliError("give the body as an argument or with --body-file, not both")
    if args.body_file is not None:
        if args.body_file == "-":
            return sys.stdin.buffer.read()
        try:
            return Path(args.body_file).read_bytes()
        except FileNotFoundError:
            raise CliError(f"{args.body_file}: no such file") from None
        except OSError as exc:
            raise CliError(f"{args.body_file}: cannot read: {exc.strerror or exc}") from None
    if args.body is not None:
        return str(args.body).encode("utf-8")
    if not sys.stdin.isatty():
        return sys.stdin.buffer.read()
    raise CliError("no body: give it as an argument, with --body-file FILE, or on standard input")


def _write_body(body: bytes) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        sys.stdout.flush()
        buffer.write(body)
        buffer.flush()
    else:
        sys.stdout.write(body.decode("utf-8", errors="replace"))


def cmd_invoke(args: argparse.Namespace) -> int:
    body = _body(args)

    async def work(client: InferenceComponentClient) -> Any:
        kwargs: dict[str, Any] = {
            "content_type": args.content_type,
            "accept": args.accept,
            "endpoint_name": args.endpoint,
        }
        if args.stream:
            chunks: list[bytes] = []
            async for chunk in client.invoke_stream(args.name, body, **kwargs):
                chunks.append(chunk)
                if not _json(args):
                    _write_body(chunk)
            return b"".join(chunks)
        return await client.invoke(args.name, body, **kwargs)

    answer = _run(args, work)
    out = _out()
    if isinstance(answer, bytes):
        if _json(args):
            dump_json({"Body": answer}, out)
        elif answer and not answer.endswith(b"\n"):
            out.write("\n")
        return 0
    if _json(args):
        from ic_sdk.serde import converter

        wire = converter.unstructure(answer)
        raw = answer.body or b""
        try:
            wire["Body"] = json.loads(raw)
        except ValueError:
            wire["Body"] = raw
        dump_json(wire, out)
        return 0
    raw = answer.body or b""
    _write_body(raw)
    if raw and not raw.endswith(b"\n") and _is_text(raw):
        out.write("\n")
    return 0


def _is_text(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --------------------------------------------------------------------------- demo, emulator, schema


def cmd_demo(args: argparse.Namespace) -> int:
    import asyncio

    from ic_sdk.cli._demo import run_demo

    if args.delay < 0:
        raise CliError(f"--delay must be 0 or more, got {args.delay}")
    reporter = reporter_for(args)
    summary = asyncio.run(run_demo(reporter, delay=args.delay))
    if _json(args):
        dump_json(summary.to_dict(), _out())
    elif args.quiet:
        _out().write(
            f"demo done in {summary.seconds:.1f}s: {len(summary.adapters)} adapters invoked, "
            f"{summary.components_left} components left\n"
        )
    return 0


def cmd_emulator(args: argparse.Namespace) -> int:
    import asyncio

    from ic_sdk.testing import LocalSageMaker, serve

    region = args.region or "us-east-1"

    from ic_sdk.cli import _emulator_opts

    def ready(sm: LocalSageMaker) -> None:
        _emulator_opts.configure(sm, args)
        out = _out()
        out.write(f"LocalSageMaker serving on {sm.endpoint_url} (Ctrl-C to stop)\n")
        for line in _emulator_opts.describe(args):
            out.write(f"  {line}\n")
        out.write(
            "Point the CLI, boto3 or the AWS CLI at it:\n"
            f"  export AWS_ENDPOINT_URL={sm.endpoint_url} AWS_DEFAULT_REGION={region} "
            "AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing\n"
        )
        out.flush()

    try:
        asyncio.run(
            serve(
                port=args.port,
                delays=args.delay,
                region=region,
                account_id=args.account_id,
                seed=args.seed,
                ready=ready,
            )
        )
    except OSError as exc:  # the port is taken, ...
        raise CliError(f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc}") from None
    _out().write("LocalSageMaker stopped\n")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from ic_sdk.cli._specs import schema_path

    path = schema_path()
    out = _out()
    if args.path:
        out.write(f"{path}\n")
    else:  # the request's schema, plus the Autoscaling extension of spec files
        from ic_sdk.cli._autoscale import spec_file_schema

        dump_json(spec_file_schema(path), out)
    return 0
