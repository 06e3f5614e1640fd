"""``ic-sdk apply``, ``delete`` and ``wait``: changes, and waits that say what happened.

Each answer matches the service's state: ``apply`` on a ``Failed`` component fails with
its reason (``--recreate-failed`` deletes and creates it again) and, on one still
``Creating`` or ``Updating``, waits rather than calling it "unchanged"; ``delete`` sends
adapters before their bases and waits for the adapters to be gone before deleting a
base; ``wait`` resumes a wait that timed out or was interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ic_sdk.cli._commands import (
    _by_line,
    _describe_or_none,
    _json,
    _out,
    _problems,
    _run,
    _run_json,
    _timeout,
    reporter_for,
)
from ic_sdk.cli._output import CliError, dump_json

if TYPE_CHECKING:
    from ic_sdk import models
    from ic_sdk.cli._progress import Reporter
    from ic_sdk.cli._specs import SpecDocument
    from ic_sdk.client import InferenceComponentClient

__all__ = [
    "cmd_apply",
    "cmd_delete",
    "cmd_wait",
    "forget_waits",
    "interrupted_hint",
    "resume_hint",
    "waiting",
]

#: Statuses in which a change is still under way: apply waits instead of acting.
_BUSY = frozenset({"Creating", "Updating"})


#: Waits under way: component name -> the ``--until`` of the ``ic-sdk wait`` resuming it.
_WAITS: dict[str, str] = {}


@contextlib.contextmanager
def waiting(names: Iterable[str], until: str) -> Iterator[None]:
    """Remember waits under way, so that an interrupted command says how to resume them."""
    names = list(names)
    _WAITS.update(dict.fromkeys(names, until))
    yield
    # Not in a ``finally``: a wait that Ctrl-C interrupts stays listed for main's message.
    for name in names:
        _WAITS.pop(name, None)


def forget_waits() -> None:
    """Start a command with no wait listed (``main`` may run several in one process)."""
    _WAITS.clear()


def interrupted_hint() -> str | None:
    """After Ctrl-C: the ``ic-sdk wait`` commands that resume the interrupted waits."""
    if not _WAITS:
        return None
    commands = [f"ic-sdk wait {name} --until {until}" for name, until in _WAITS.items()]
    _WAITS.clear()
    return "the changes go on; resume waiting with: " + "; ".join(commands)


def _status(desc: models.DescribeInferenceComponentOutput | None) -> str | None:
    return None if desc is None else str(desc.inference_component_status or "") or None


def _spec_copies(doc: SpecDocument) -> int | None:
    runtime = doc.data.get("RuntimeConfig")
    copies = runtime.get("CopyCount") if isinstance(runtime, dict) else None
    return copies if isinstance(copies, int) and not isinstance(copies, bool) else None


# --------------------------------------------------------------------------- apply


def _check_specs(docs: list[SpecDocument]) -> None:
    from ic_sdk.cli._specs import format_problem, nothing_sent
    from ic_sdk.validation import errors_only

    nothing_sent(
        [
            format_problem(doc, p)
            for doc in docs
            for p in _by_line(doc, errors_only(_problems(doc, ())))
        ]
    )
    names = [doc.name for doc in docs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CliError(f"the spec names {', '.join(duplicates)} more than once")


def _failed(desc: models.DescribeInferenceComponentOutput) -> CliError:
    name = desc.inference_component_name
    reason = desc.failure_reason or "the service gave no reason"
    return CliError(
        f"{name}: is Failed: {reason}; nothing was sent (fix the cause, then apply with "
        f"--recreate-failed to delete and create it again, or delete it)"
    )


class _Applier:
    """Applies spec documents one by one with one client, remembering what to await."""

    def __init__(
        self, client: InferenceComponentClient, args: argparse.Namespace, reporter: Reporter
    ) -> None:
        self.client = client
        self.args = args
        self.reporter = reporter
        self.pending: set[str] = set()  # created or updated here and not yet awaited

    async def wait_in_service(self, name: str) -> models.DescribeInferenceComponentOutput:
        with waiting([name], "in-service"), self.reporter.tracking() as tracker:
            desc = await self.client.wait_until_in_service(
                name, timeout_s=_timeout(self.args), on_event=tracker.on_event
            )
        self.pending.discard(name)
        return desc

    async def wait_done(
        self, name: str, copies: int | None
    ) -> models.DescribeInferenceComponentOutput:
        """Until InService (and, when the spec sets copies, running that many)."""
        if copies is None:
            return await self.wait_in_service(name)
        with waiting([name], "scaled"), self.reporter.tracking() as tracker:
            desc = await self.client.wait_until_scaled(
                name, copies=copies, timeout_s=_timeout(self.args), on_event=tracker.on_event
            )
        self.pending.discard(name)
        return desc

    async def base_busy(self, base: str) -> bool:
        """Whether an adapter's base must be waited for before the adapter is created."""
        if base in self.pending:
            return True
        return _status(await _describe_or_none(self.client, base)) in _BUSY

    async def recreate(self, desc: models.DescribeInferenceComponentOutput) -> None:
        name = desc.inference_component_name or ""
        reason = desc.failure_reason or "no reason given"
        self.reporter.step(f"{name}: is Failed ({reason}); deleting it to create it again")
        await self.client.delete(name, missing_ok=True)
        with waiting([name], "deleted"), self.reporter.tracking() as tracker:
            await self.client.wait_until_deleted(
                name, timeout_s=_timeout(self.args), on_event=tracker.on_event
            )

    async def apply(self, doc: SpecDocument) -> dict[str, Any]:
        from ic_sdk.cli._apply import plan

        args, reporter = self.args, self.reporter
        current = await _describe_or_none(self.client, doc.name)
        recreated = False
        if _status(current) == "Failed":
            assert current is not None
            if not args.recreate_failed:
                raise _failed(current)
            if args.dry_run:
                reporter.step(f"{doc.name}: would delete the Failed component and create it again")
                return {"name": doc.name, "action": "recreate", "changes": []}
            await self.recreate(current)
            current, recreated = None, True
        step = plan(doc.data, current)
        status = _status(current)
        if step.action == "update" and status in _BUSY and not args.dry_run:
            # The service refuses an update while one is under way: let it finish first.
            reporter.step(f"{doc.name}: is {status}; waiting until InService before updating")
            current = await self.wait_in_service(doc.name)
            step = plan(doc.data, current)
            status = _status(current)
        action = "recreate" if recreated else step.action
        result: dict[str, Any] = {
            "name": step.name,
            "action": action,
            "changes": list(step.changes),
        }
        detail = f" ({', '.join(step.changes)})" if step.changes else ""
        if step.action == "unchanged":
            if status in _BUSY:
                if args.wait and not args.dry_run:
                    reporter.step(f"{step.name}: unchanged, still {status}; waiting")
                    desc = await self.wait_done(step.name, _spec_copies(doc))
                    result["status"] = str(desc.inference_component_status)
                else:
                    reporter.step(f"{step.name}: unchanged, still {status}")
                    result["status"] = status
            else:
                reporter.step(f"{step.name}: unchanged")
            return result
        if args.dry_run:
            reporter.step(f"{step.name}: would {step.action}{detail}")
            return result
        if step.create is not None:
            from ic_sdk._adapters import base_of

            base = base_of(step.create)
            if base is not None and await self.base_busy(base):
                # An adapter needs its base InService (created just above, or still
                # being created or updated by an earlier run).
                reporter.step(f"{base}: waiting until InService before its adapters")
                await self.wait_in_service(base)
            await self.client.create(step.create)
            reporter.step(f"{step.name}: {'created again' if recreated else 'created'}")
        elif step.update is not None:
            await self.client.update(step.update)
            reporter.step(f"{step.name}: updating{detail}")
        self.pending.add(step.name)
        if args.wait:
            desc = await self.wait_done(step.name, step.copies)
            result["status"] = str(desc.inference_component_status)
        return result


def cmd_apply(args: argparse.Namespace) -> int:
    from ic_sdk.cli._endpoint import apply_endpoints, split_endpoints
    from ic_sdk.cli._specs import load_all

    endpoints, docs = split_endpoints(load_all(args.files))
    _check_specs(docs)
    reporter = reporter_for(args)

    async def work(client: InferenceComponentClient) -> list[dict[str, Any]]:
        from ic_sdk.cli._autoscale import apply_all

        # Endpoints first, awaited InService: components need them.
        endpoint_results = await apply_endpoints(client, endpoints, args, reporter)
        applier = _Applier(client, args, reporter)
        results = [await applier.apply(doc) for doc in docs]
        await apply_all(client, docs, results, dry_run=args.dry_run, step=reporter.step)
        return endpoint_results + results

    return _run_json(args, work)


# --------------------------------------------------------------------------- delete


def cmd_delete(args: argparse.Namespace) -> int:
    reporter = reporter_for(args)
    names = list(dict.fromkeys(args.names))  # each once, first mention first

    async def work(client: InferenceComponentClient) -> dict[str, Any]:
        from ic_sdk._adapters import base_of
        from ic_sdk.teardown import TeardownEvent, delete_components

        found: dict[str, models.DescribeInferenceComponentOutput] = {}
        skipped: list[str] = []
        for name in names:
            desc = await _describe_or_none(client, name)
            if desc is not None:
                found[name] = desc
            elif args.missing_ok:
                skipped.append(name)
            else:
                raise CliError(f"{name}: no such inference component; nothing was deleted")
        for name in skipped:
            reporter.step(f"{name}: skipped (not found)")
        # Adapters first, waited for before their bases: delete_components's order.
        has_bases = any(base_of(desc) is None for desc in found.values())
        said: list[bool] = []

        with reporter.tracking() as tracker:

            def on_event(event: TeardownEvent) -> None:
                adapter_wait = event.resource == "adapter" and event.step != "deleting"
                if adapter_wait and has_bases and not said:
                    said.append(True)
                    reporter.step("waiting until the adapters are gone before deleting their bases")
                if event.step == "deleting":
                    reporter.step(f"{event.name}: deleting")
                elif event.step == "waiting" and event.waiter is not None:
                    _WAITS.setdefault(event.name, "deleted")
                    tracker.on_event(event.waiter)
                elif event.step == "deleted":
                    _WAITS.pop(event.name, None)
                    if event.resource == "autoscaling":
                        reporter.step(f"{event.name}: autoscaling removed")

            deleted = await delete_components(
                client,
                list(found.values()),
                timeout_s=_timeout(args),
                on_event=on_event,
                wait=args.wait,
                missing_ok=args.missing_ok,
            )
        return {"deleted": deleted, "skipped": skipped, "waited": bool(args.wait)}

    return _run_json(args, work)


# --------------------------------------------------------------------------- wait

#: ``--until`` values and what they wait for.
UNTIL = ("in-service", "scaled", "deleted")


def cmd_wait(args: argparse.Namespace) -> int:
    if args.copies is not None and args.until != "scaled":
        raise CliError("--copies goes with --until scaled")
    if args.copies is not None and args.copies < 0:
        raise CliError(f"copies must be 0 or more, got {args.copies}")
    reporter = reporter_for(args)
    name: str = args.name

    async def work(client: InferenceComponentClient) -> str:
        with waiting([name], args.until), reporter.tracking() as tracker:
            if args.until == "deleted":
                await client.wait_until_deleted(
                    name, timeout_s=_timeout(args), on_event=tracker.on_event
                )
                return "deleted"
            if args.until == "scaled":
                desc = await client.wait_until_scaled(
                    name, copies=args.copies, timeout_s=_timeout(args), on_event=tracker.on_event
                )
            else:
                desc = await client.wait_until_in_service(
                    name, timeout_s=_timeout(args), on_event=tracker.on_event
                )
        return str(desc.inference_component_status)

    status = _run(args, work)
    reporter.step(f"{name}: {status}")
    if _json(args):
        dump_json({"name": name, "until": args.until, "status": status}, _out())
    return 0


def resume_hint(exc: BaseException) -> str | None:
    """For a wait that gave up: the ``ic-sdk wait`` command that resumes it."""
    from ic_sdk.errors import WaiterTimeout

    if not isinstance(exc, WaiterTimeout):
        return None
    until = {"InService": "in-service", "deleted": "deleted"}.get(exc.waiting_for, "scaled")
    return f"resume with: ic-sdk wait {exc.name} --until {until}"
