"""``ic-sdk endpoint create|update|ls|describe|delete`` and ``ic-sdk teardown``.

```
ic-sdk endpoint create shared --instance-type ml.g5.12xlarge --role ARN --wait
ic-sdk endpoint create shared --instance-type ml.g5.12xlarge --count 2 --min 1 --max 4 --role ARN
ic-sdk endpoint update shared --count 3 --wait      # only what is given changes
ic-sdk endpoint update shared --instance-type ml.g5.48xlarge --no-scaling --dry-run
ic-sdk endpoint ls
ic-sdk endpoint describe shared
ic-sdk endpoint delete shared --wait
ic-sdk teardown shared --wait          # adapters, bases, the endpoint, its config
```
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ic_sdk.cli._commands import _json, _out, _run, _run_json, _timeout, reporter_for
from ic_sdk.cli._output import dump_json, table

if TYPE_CHECKING:
    from ic_sdk import models
    from ic_sdk.cli._progress import Reporter
    from ic_sdk.cli._specs import SpecDocument
    from ic_sdk.client import InferenceComponentClient
    from ic_sdk.endpoints import EndpointChange
    from ic_sdk.teardown import TeardownEvent

__all__ = ["register"]

Command = Callable[..., argparse.ArgumentParser]


def register(
    sub: Any,
    command: Command,
    global_options: Callable[..., None],
    wait_options: Callable[[argparse.ArgumentParser, str], None],
) -> None:
    """Add ``endpoint ...`` and ``teardown`` to the ``ic-sdk`` parser."""
    group = sub.add_parser(
        "endpoint",
        help="create, update, list, show and delete IC-ready endpoints",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    global_options(group, top=False)
    inner = group.add_subparsers(dest="endpoint_command", metavar="ACTION", required=True)

    def action(name: str, help: str, handler: Any) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = inner.add_parser(name, help=help, description=help)
        global_options(p, top=False)
        p.set_defaults(handler=handler)
        return p

    p = action("create", "create an endpoint ready to host inference components", cmd_create)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--instance-type", required=True, metavar="TYPE", help="e.g. ml.g5.12xlarge")
    p.add_argument("--count", type=int, default=1, metavar="N", help="instances (default 1)")
    p.add_argument("--role", required=True, metavar="ARN", help="execution role ARN")
    p.add_argument("--min", type=int, default=None, metavar="N", help="managed scaling: fewest")
    p.add_argument("--max", type=int, default=None, metavar="N", help="managed scaling: most")
    p.add_argument("--variant", default="AllTraffic", metavar="NAME", help="variant name")
    p.add_argument(
        "--routing",
        default="LEAST_OUTSTANDING_REQUESTS",
        choices=("LEAST_OUTSTANDING_REQUESTS", "RANDOM"),
        help="how requests reach instances",
    )
    wait_options(p, "the endpoint is InService")

    p = action(
        "update",
        "change an endpoint's instances, scaling or routing (a new endpoint config)",
        cmd_update,
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--instance-type", metavar="TYPE", help="new instance type")
    p.add_argument("--count", type=int, default=None, metavar="N", help="instances")
    p.add_argument("--role", default=None, metavar="ARN", help="execution role ARN")
    p.add_argument("--min", type=int, default=None, metavar="N", help="managed scaling: fewest")
    p.add_argument("--max", type=int, default=None, metavar="N", help="managed scaling: most")
    p.add_argument("--no-scaling", action="store_true", help="turn managed instance scaling off")
    p.add_argument(
        "--routing",
        default=None,
        choices=("LEAST_OUTSTANDING_REQUESTS", "RANDOM"),
        help="how requests reach instances",
    )
    p.add_argument("--dry-run", action="store_true", help="show what would change; send nothing")
    wait_options(p, "the endpoint runs the new config (then its previous config is deleted)")

    action("ls", "list endpoints", cmd_ls)

    p = action("describe", "show one endpoint", cmd_describe)
    p.add_argument("name", metavar="NAME")

    p = action("delete", "delete an endpoint (not its components: see teardown)", cmd_delete)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--missing-ok", action="store_true", help="an endpoint already gone is fine")
    wait_options(p, "it is gone")

    p = command(
        "teardown",
        "delete an endpoint's adapters, bases, the endpoint and its config, in order",
        cmd_teardown,
    )
    p.add_argument("endpoint", metavar="ENDPOINT")
    p.add_argument("--keep-config", action="store_true", help="leave the endpoint config")
    p.add_argument(
        "--wait",
        action="store_true",
        help="accepted for symmetry: teardown always waits for each step (the service needs it)",
    )
    p.add_argument(
        "--timeout", type=float, default=None, metavar="SECONDS", help="per wait (default 1800)"
    )


def _endpoint_summary(desc: models.DescribeEndpointOutput) -> dict[str, Any]:
    variants = []
    for v in desc.production_variants or ():
        scaling = v.managed_instance_scaling
        variants.append(
            {
                "variant": v.variant_name,
                "instances": v.current_instance_count,
                "desired_instances": v.desired_instance_count,
                "min_instances": scaling.min_instance_count if scaling else None,
                "max_instances": scaling.max_instance_count if scaling else None,
            }
        )
    return {
        "name": desc.endpoint_name,
        "status": str(desc.endpoint_status),
        "config": desc.endpoint_config_name,
        "arn": desc.endpoint_arn,
        "failure_reason": desc.failure_reason,
        "variants": variants,
    }


def _print_summary(summary: dict[str, Any]) -> None:
    out = _out()
    for key in ("name", "status", "config", "arn", "failure_reason"):
        if summary[key] is not None:
            out.write(f"{key + ':':<16}{summary[key]}\n")
    for v in summary["variants"]:
        bounds = ""
        if v["min_instances"] is not None:
            bounds = f" (scaling {v['min_instances']}..{v['max_instances']})"
        out.write(f"{'variant:':<16}{v['variant']}: {v['instances']} instance(s){bounds}\n")


def cmd_create(args: argparse.Namespace) -> int:
    from ic_sdk.endpoints import ic_endpoint

    plan = ic_endpoint(
        args.name,
        instance_type=args.instance_type,
        instance_count=args.count,
        execution_role_arn=args.role,
        variant_name=args.variant,
        min_instances=args.min,
        max_instances=args.max,
        routing=args.routing,
    )
    reporter = reporter_for(args)

    async def work(client: InferenceComponentClient) -> dict[str, Any]:
        created = await client.create_endpoint(plan)
        reporter.step(f"{args.name}: creating (config {plan.config_name})")
        result: dict[str, Any] = {"name": args.name, "arn": created.endpoint_arn}
        if args.wait:
            with reporter.tracking() as tracker:
                desc = await client.wait_until_endpoint_in_service(
                    args.name, timeout_s=_timeout(args), on_event=tracker.on_event
                )
            result["status"] = str(desc.endpoint_status)
        return result

    return _run_json(args, work)


#: ``ic_endpoint`` arguments read back from a described config's variant (wire name).
_VARIANT_ARGUMENTS = {
    "InstanceType": "instance_type",
    "InitialInstanceCount": "instance_count",
    "VariantName": "variant_name",
    "ContainerStartupHealthCheckTimeoutInSeconds": "startup_health_check_timeout_s",
    "ModelDataDownloadTimeoutInSeconds": "model_download_timeout_s",
    "VolumeSizeInGB": "volume_size_gb",
}


def _current_arguments(name: str, config: models.DescribeEndpointConfigOutput) -> dict[str, Any]:
    """The ``ic_endpoint`` arguments that plan ``config`` as it is."""
    from ic_sdk.cli._output import CliError
    from ic_sdk.serde import converter

    wire: dict[str, Any] = converter.unstructure(config)
    variants = wire.get("ProductionVariants") or []
    if len(variants) != 1 or variants[0].get("ModelName") or not wire.get("ExecutionRoleArn"):
        raise CliError(
            f"{name}: config {config.endpoint_config_name!r} is not an IC-ready config of one "
            "variant; update it with client.call(models.UpdateEndpointInput(...))"
        )
    variant = variants[0]
    kwargs: dict[str, Any] = {"execution_role_arn": wire["ExecutionRoleArn"]}
    kwargs.update({arg: variant[key] for key, arg in _VARIANT_ARGUMENTS.items() if key in variant})
    scaling = variant.get("ManagedInstanceScaling") or {}
    if scaling.get("Status") == "ENABLED":
        kwargs["min_instances"] = scaling.get("MinInstanceCount")
        kwargs["max_instances"] = scaling.get("MaxInstanceCount")
    routing = (variant.get("RoutingConfig") or {}).get("RoutingStrategy")
    if routing:
        kwargs["routing"] = routing
    return kwargs


def _change_result(change: EndpointChange) -> dict[str, Any]:
    result: dict[str, Any] = {"name": change.name, "kind": "endpoint", "action": change.action}
    if change.action == "update":
        result["changes"] = list(change.changes)
        result["config"] = change.config_name
    return result


def _describe_change(change: EndpointChange, *, dry_run: bool) -> str:
    if change.action == "unchanged":
        return f"{change.name}: endpoint unchanged (config {change.config_name})"
    verb = change.action if not dry_run else f"would {change.action}"
    if change.action == "create":
        return f"{change.name}: {verb} the endpoint (config {change.config_name})"
    what = ", ".join(change.changes)
    return f"{change.name}: {verb} the endpoint ({what}) to config {change.config_name}"


def cmd_update(args: argparse.Namespace) -> int:
    from ic_sdk.endpoints import ic_endpoint

    reporter = reporter_for(args)

    async def work(client: InferenceComponentClient) -> dict[str, Any]:
        from ic_sdk import _deploy

        current = await client.describe_endpoint(args.name)
        config_name = current.endpoint_config_name or args.name
        config = await _deploy.describe_config(client, config_name)
        kwargs = _current_arguments(args.name, config)
        for option, arg in (
            ("instance_type", "instance_type"),
            ("count", "instance_count"),
            ("role", "execution_role_arn"),
            ("routing", "routing"),
        ):
            if getattr(args, option) is not None:
                kwargs[arg] = getattr(args, option)
        if args.no_scaling:
            kwargs.pop("min_instances", None)
            kwargs.pop("max_instances", None)
        for option in ("min", "max"):
            if getattr(args, option) is not None:
                kwargs[f"{option}_instances"] = getattr(args, option)
        plan = ic_endpoint(args.name, **kwargs)
        change = await client.diff_endpoint(plan)
        if args.dry_run or change.action == "unchanged":
            reporter.step(_describe_change(change, dry_run=args.dry_run))
            return _change_result(change)
        reporter.step(_describe_change(change, dry_run=False))
        if not args.wait:
            change = await client.update_endpoint(plan)
            reporter.step(
                f"{args.name}: updating; config {config_name} stays (with --wait it is "
                "deleted once the endpoint runs the new one)"
            )
            return {**_change_result(change), "previous_config": config_name}
        with reporter.tracking() as tracker:
            desc = await client.update_endpoint_and_wait(
                plan, timeout_s=_timeout(args), on_event=tracker.on_event
            )
        return {**_change_result(change), "status": str(desc.endpoint_status)}

    return _run_json(args, work)


def cmd_ls(args: argparse.Namespace) -> int:
    async def work(client: InferenceComponentClient) -> list[Any]:
        from ic_sdk import models

        found: list[models.EndpointSummary] = []
        async for page in client.paginate(models.ListEndpointsInput()):
            found.extend(page.endpoints or ())
        return found

    summaries = _run(args, work)
    if _json(args):
        dump_json(
            [
                {
                    "name": s.endpoint_name,
                    "status": str(s.endpoint_status),
                    "created": s.creation_time,
                }
                for s in summaries
            ],
            _out(),
        )
    else:
        table(
            ["NAME", "STATUS", "CREATED"],
            [
                (s.endpoint_name, str(s.endpoint_status), f"{s.creation_time:%Y-%m-%d %H:%M}")
                for s in summaries
            ],
            _out(),
        )
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    async def work(client: InferenceComponentClient) -> models.DescribeEndpointOutput:
        return await client.describe_endpoint(args.name)

    summary = _endpoint_summary(_run(args, work))
    if _json(args):
        dump_json(summary, _out())
    else:
        _print_summary(summary)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    reporter = reporter_for(args)

    async def work(client: InferenceComponentClient) -> dict[str, Any]:
        await client.delete_endpoint(args.name, missing_ok=args.missing_ok)
        reporter.step(f"{args.name}: deleting")
        if args.wait:
            with reporter.tracking() as tracker:
                await client.wait_until_endpoint_deleted(
                    args.name, timeout_s=_timeout(args), on_event=tracker.on_event
                )
        return {"deleted": args.name, "waited": bool(args.wait)}

    return _run_json(args, work)


def cmd_teardown(args: argparse.Namespace) -> int:
    reporter = reporter_for(args)
    steps: list[dict[str, str]] = []

    def on_event(event: TeardownEvent) -> None:
        if event.step == "waiting":
            return
        steps.append({"resource": event.resource, "name": event.name, "step": event.step})
        reporter.step(str(event))

    async def work(client: InferenceComponentClient) -> dict[str, Any]:
        await client.teardown(
            args.endpoint,
            delete_config=not args.keep_config,
            timeout_s=_timeout(args),
            on_event=on_event,
        )
        return {"endpoint": args.endpoint, "steps": steps}

    return _run_json(args, work)


def split_endpoints(docs: list[SpecDocument]) -> tuple[list[SpecDocument], list[SpecDocument]]:
    """(endpoint documents, the others) of a stack; endpoint problems raise ``CliError``."""
    from ic_sdk.cli._endpoint_doc import endpoint_problems, is_endpoint
    from ic_sdk.cli._specs import format_problem, nothing_sent

    endpoints = [doc for doc in docs if is_endpoint(doc.data)]
    nothing_sent([format_problem(doc, p) for doc in endpoints for p in endpoint_problems(doc.data)])
    return endpoints, [doc for doc in docs if not is_endpoint(doc.data)]


async def apply_endpoints(
    client: InferenceComponentClient,
    docs: list[SpecDocument],
    args: argparse.Namespace,
    reporter: Reporter,
) -> list[dict[str, Any]]:
    """``ic-sdk apply`` for endpoint documents: converge each endpoint on its document.

    A missing endpoint is created; one whose config differs from the document is updated
    (a new config, then the previous one deleted); one that matches is left alone. Each
    is awaited ``InService`` (in parallel) before any component is applied: the service
    refuses components before that. ``--dry-run`` says what would be done, sends nothing.
    """
    import asyncio

    from ic_sdk.cli._endpoint_doc import plan_of

    plans = [plan_of(doc.data) for doc in docs]
    changes = [await client.diff_endpoint(plan) for plan in plans]
    results = [_change_result(change) for change in changes]
    for change in changes:
        reporter.step(_describe_change(change, dry_run=args.dry_run))
    if args.dry_run or not plans:
        return results
    with reporter.tracking() as tracker:
        applied = await asyncio.gather(
            *(
                client.apply_endpoint(plan, timeout_s=_timeout(args), on_event=tracker.on_event)
                for plan in plans
            )
        )
    for result, change in zip(results, applied, strict=True):
        result.update(_change_result(change))
        if change.description is not None:
            result["status"] = str(change.description.endpoint_status)
    return results
