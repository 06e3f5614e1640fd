"""``ic-sdk autoscale``, autoscaling in ``describe``, and ``Autoscaling`` in spec files.

```
ic-sdk autoscale NAME --min 0 --max 4 --target 5 [--metric concurrent_requests_per_copy]
ic-sdk autoscale NAME --off
```

A spec file may give a component's autoscaling beside its request, in an ``Autoscaling``
mapping (an ic-sdk extension, not part of the CreateInferenceComponent request; ``apply``
sets it up after the component, ``validate`` checks it)::

    InferenceComponentName: llama
    EndpointName: shared
    ...
    Autoscaling:
      MinCopies: 0
      MaxCopies: 4
      TargetValue: 5
      Metric: invocations_per_copy        # or concurrent_requests_per_copy
      ScaleInCooldownSeconds: 300
      ScaleOutCooldownSeconds: 60

Its JSON Schema is :data:`AUTOSCALING_SCHEMA`; :func:`spec_file_schema` is the schema of
a whole spec document (the request's, shipped in ``ic_sdk/schemas``, plus this key), which
``ic-sdk schema`` prints.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ic_sdk.cli._output import CliError

if TYPE_CHECKING:
    from ic_sdk.autoscaling import Autoscaling
    from ic_sdk.cli._specs import SpecDocument
    from ic_sdk.client import InferenceComponentClient
    from ic_sdk.validation import Problem

__all__ = [
    "AUTOSCALING_KEY",
    "AUTOSCALING_SCHEMA",
    "apply_all",
    "apply_autoscaling",
    "cmd_autoscale",
    "describe_autoscaling",
    "register",
    "spec_file_schema",
    "spec_problems",
    "view_json",
]

#: The spec-file key holding a component's autoscaling.
AUTOSCALING_KEY: Final = "Autoscaling"

_METRICS: Final = ("invocations_per_copy", "concurrent_requests_per_copy")
#: Spec key -> (``client.autoscale`` argument, default).
_FIELDS: Final[dict[str, tuple[str, Any]]] = {
    "MinCopies": ("min_copies", None),
    "MaxCopies": ("max_copies", None),
    "TargetValue": ("target", None),
    "Metric": ("metric", "invocations_per_copy"),
    "ScaleInCooldownSeconds": ("scale_in_cooldown_s", 300),
    "ScaleOutCooldownSeconds": ("scale_out_cooldown_s", 60),
}

#: JSON Schema of the ``Autoscaling`` mapping of a spec document.
AUTOSCALING_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "description": (
        "ic-sdk extension: Application Auto Scaling for this component (target tracking; "
        "MinCopies 0 also sets up scale from zero). Not sent to CreateInferenceComponent."
    ),
    "required": ["MinCopies", "MaxCopies", "TargetValue"],
    "additionalProperties": False,
    "properties": {
        "MinCopies": {
            "type": "integer",
            "minimum": 0,
            "description": "Fewest copies (0: scale to zero).",
        },
        "MaxCopies": {"type": "integer", "minimum": 1, "description": "Most copies."},
        "TargetValue": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "Target of the metric per copy (invocations per minute, or concurrent requests).",
        },
        "Metric": {"enum": list(_METRICS), "default": "invocations_per_copy"},
        "ScaleInCooldownSeconds": {"type": "integer", "minimum": 0, "default": 300},
        "ScaleOutCooldownSeconds": {"type": "integer", "minimum": 0, "default": 60},
    },
}


def spec_file_schema(request_schema: Path) -> dict[str, Any]:
    """The schema of a spec document: the request's (from ``request_schema``) plus
    ``Autoscaling`` (and the ``$schema`` pointer editors use)."""
    schema: dict[str, Any] = json.loads(request_schema.read_text(encoding="utf-8"))
    defs = schema.setdefault("$defs", {})
    root = schema.get("$ref", "").removeprefix("#/$defs/")
    request = dict(defs[root])
    request["properties"] = {
        **request.get("properties", {}),
        AUTOSCALING_KEY: {"$ref": "#/$defs/IcSdkAutoscaling"},
        "$schema": {"type": "string"},
    }
    defs[root] = request
    defs["IcSdkAutoscaling"] = AUTOSCALING_SCHEMA
    return schema


# -- spec files -------------------------------------------------------------------------


def spec_problems(settings: Any) -> list[Problem]:
    """Every problem with a spec's ``Autoscaling`` value (paths start ``Autoscaling``)."""
    from ic_sdk._autoscaling_plan import check
    from ic_sdk.validation import Problem

    if not isinstance(settings, Mapping):
        return [Problem(AUTOSCALING_KEY, "type", "must be a mapping")]
    problems = [
        Problem(
            f"{AUTOSCALING_KEY}.{key}", "unknown", f"unknown setting (known: {', '.join(_FIELDS)})"
        )
        for key in settings
        if key not in _FIELDS
    ]
    problems.extend(
        Problem(f"{AUTOSCALING_KEY}.{key}", "required", "is required")
        for key in ("MinCopies", "MaxCopies", "TargetValue")
        if key not in settings
    )
    if problems:
        return problems
    spec_key = {argument: key for key, (argument, _) in _FIELDS.items()}
    for problem in check(**_arguments(settings)):
        key = spec_key.get(problem.path, "")
        problems.append(
            Problem(
                f"{AUTOSCALING_KEY}.{key}" if key else AUTOSCALING_KEY,
                problem.rule,
                problem.message,
            )
        )
    return problems


def _arguments(settings: Mapping[str, Any]) -> dict[str, Any]:
    return {argument: settings.get(key, default) for key, (argument, default) in _FIELDS.items()}


async def apply_autoscaling(
    client: InferenceComponentClient, name: str, settings: Mapping[str, Any]
) -> Autoscaling:
    """Set up ``settings`` (a spec's ``Autoscaling``) for component ``name``."""
    return await client.autoscale(name, **_arguments(settings))


async def apply_all(
    client: InferenceComponentClient,
    docs: Sequence[SpecDocument],
    results: list[dict[str, Any]],
    *,
    dry_run: bool,
    step: Callable[[str], object],
) -> None:
    """``apply``'s last stage: the autoscaling of every document that has one, once every
    component exists; each result gets ``"autoscaling": "set"`` (or ``"would set"``)."""
    by_name = {r.get("name"): r for r in results}
    for doc in docs:
        if doc.autoscaling is None:
            continue
        if dry_run:
            step(f"{doc.name}: would set autoscaling")
            by_name.get(doc.name, {})["autoscaling"] = "would set"
            continue
        view = await apply_autoscaling(client, doc.name, doc.autoscaling)
        step(f"{doc.name}: autoscaling {view.min_copies} to {view.max_copies} copies")
        by_name.get(doc.name, {})["autoscaling"] = "set"


# -- describe ---------------------------------------------------------------------------


def view_json(view: Autoscaling | None) -> dict[str, Any] | None:
    """The view in the ``--output json`` form (PascalCase, like the rest of describe)."""
    if view is None:
        return None
    return {
        "MinCopies": view.min_copies,
        "MaxCopies": view.max_copies,
        "Policies": [
            {
                "PolicyName": p.name,
                "PolicyType": p.policy_type,
                **({"TargetValue": p.target, "Metric": p.metric} if p.target is not None else {}),
                "Alarms": list(p.alarms),
            }
            for p in view.policies
        ],
        "ScaleFromZeroAlarm": (
            None
            if view.alarm is None
            else {"AlarmName": view.alarm.name, "StateValue": view.alarm.state}
        ),
        "Activities": [
            {
                "StartTime": a.started.isoformat(timespec="seconds"),
                "StatusCode": a.status,
                "Description": a.description,
                "Cause": a.cause,
            }
            for a in view.activities
        ],
    }


def describe_lines(view: Autoscaling | None) -> list[tuple[str, str]]:
    """``describe``'s text rows about autoscaling."""
    if view is None:
        return [("Autoscaling", "off")]
    rows = [("Autoscaling", f"{view.min_copies} to {view.max_copies} copies")]
    tracking = view.target_tracking
    if tracking is not None and tracking.target is not None:
        rows.append(("Target", f"{tracking.target:g} {_metric_label(tracking.metric)} per copy"))
    if view.alarm is not None:
        rows.append(("Scale from zero", f"alarm {view.alarm.name} ({view.alarm.state})"))
    for activity in view.activities[:3]:
        when = activity.started.isoformat(timespec="seconds")
        rows.append(("Scaling activity", f"{when} {activity.status}: {activity.description}"))
    return rows


def _metric_label(metric: str | None) -> str:
    if metric and "ConcurrentRequests" in metric:
        return "concurrent requests"
    return "invocations/minute"


async def describe_autoscaling(
    client: InferenceComponentClient, name: str
) -> tuple[Autoscaling | None, str | None]:
    """The view, or ``(None, why)`` when it cannot be read (describe still works)."""
    from ic_sdk.errors import IcSdkError

    try:
        return await client.autoscaling(name), None
    except IcSdkError as exc:
        return None, str(exc)


# -- the command ------------------------------------------------------------------------


def register(command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``autoscale`` through the parser's ``command(name, help, handler)``."""
    p = command(
        "autoscale",
        "autoscale a component's copies (target tracking; --min 0 scales to zero and back)",
        cmd_autoscale,
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--min", type=int, dest="min_copies", metavar="COPIES", help="fewest copies")
    p.add_argument("--max", type=int, dest="max_copies", metavar="COPIES", help="most copies")
    p.add_argument("--target", type=float, metavar="VALUE", help="target of the metric per copy")
    p.add_argument("--metric", choices=_METRICS, default="invocations_per_copy")
    p.add_argument("--scale-in-cooldown", type=int, default=300, metavar="SECONDS")
    p.add_argument("--scale-out-cooldown", type=int, default=60, metavar="SECONDS")
    p.add_argument("--off", action="store_true", help="remove the component's autoscaling")


def cmd_autoscale(args: argparse.Namespace) -> int:
    from ic_sdk.cli._commands import _run_json, reporter_for

    given = [
        option
        for option, value in (
            ("--min", args.min_copies),
            ("--max", args.max_copies),
            ("--target", args.target),
        )
        if value is not None
    ]
    if args.off and given:
        raise CliError(f"--off removes autoscaling; it takes no {', '.join(given)}")
    if not args.off and len(given) < 3:
        missing = sorted({"--min", "--max", "--target"}.difference(given))
        raise CliError(
            f"autoscale needs --min, --max and --target (missing {', '.join(missing)}), or --off"
        )
    reporter = reporter_for(args)

    async def work(client: InferenceComponentClient) -> dict[str, Any]:
        if args.off:
            removed = await client.remove_autoscaling(args.name)
            reporter.step(
                f"{args.name}: autoscaling removed"
                if removed
                else f"{args.name}: no autoscaling to remove"
            )
            return {"name": args.name, "autoscaling": None, "removed": removed}
        view = await client.autoscale(
            args.name,
            min_copies=args.min_copies,
            max_copies=args.max_copies,
            target=args.target,
            metric=args.metric,
            scale_in_cooldown_s=args.scale_in_cooldown,
            scale_out_cooldown_s=args.scale_out_cooldown,
        )
        zero = " (scales to zero and back)" if view.scales_to_zero else ""
        reporter.step(
            f"{args.name}: autoscaling {view.min_copies} to {view.max_copies} copies at "
            f"{args.target:g} {_metric_label(view.target_tracking.metric if view.target_tracking else None)} "
            f"per copy{zero}"
        )
        return {"name": args.name, "autoscaling": view_json(view)}

    return _run_json(args, work)
