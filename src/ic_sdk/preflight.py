"""Remote pre-flight: what only the account can tell about a create request.

:func:`preflight` returns the static problems of :func:`ic_sdk.validate` plus, all at
once, what needs the service to answer:

| rule | problem |
| --- | --- |
| `remote.name-in-use` | an inference component with this name exists |
| `remote.endpoint-not-found` | the endpoint does not exist |
| `remote.endpoint-not-in-service` | the endpoint is not `InService` |
| `remote.endpoint-not-ic-capable` | its config has no `ExecutionRoleArn`, or a variant names a `ModelName` (the service then refuses ICs) |
| `remote.variant-not-found` | `VariantName` is not a variant of the endpoint |
| `remote.model-not-found` | a `ModelName` does not exist |
| `remote.base-not-found` | an adapter's base component does not exist |
| `remote.base-not-in-service` | an adapter's base component is not `InService` |
| `remote.capacity-exceeded` | the requested copies do not fit on the variant's instances beside the components already there |
| `remote.capacity-not-checked` | a notice, not an error: the instance type is not in `ic_sdk.instance_types`, so capacity was not checked (never guessed) |

:func:`endpoint_update_problems` checks an endpoint update the same way: the components
already on the endpoint must keep their variant and fit on the plan's instances.

Capacity is :mod:`ic_sdk.capacity`'s answer, the same the emulator gives: the instance
table's published figures (vCPUs, memory, accelerator devices per instance), copies
placed first-fit decreasing, a copy never spanning instances, up to
``ManagedInstanceScaling.MaxInstanceCount`` instances when managed scaling is enabled.
Each existing component counts as Describe shows it (see "How the service behaves").
SageMaker keeps some memory for its agents, so the real limit can be slightly lower than
this check allows.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ic_sdk import models
from ic_sdk.capacity import (
    Fleet,
    held_fleets,
    instance_count,
    place,
    requirement_for,
    unplaced,
)
from ic_sdk.instance_types import lookup
from ic_sdk.reconcile import _or_none
from ic_sdk.serde import converter
from ic_sdk.validation import RULES, Problem, validate

if TYPE_CHECKING:
    from collections.abc import Coroutine, Iterable, Mapping, Sequence

    from ic_sdk.client import InferenceComponentClient
    from ic_sdk.endpoints import EndpointPlan

__all__ = ["NOTICE_RULES", "REMOTE_RULES", "endpoint_update_problems", "preflight"]

#: Every rule id the remote checks can report, with what it means.
REMOTE_RULES: Final[Mapping[str, str]] = {
    "remote.name-in-use": "An inference component with this name already exists.",
    "remote.endpoint-not-found": "The endpoint does not exist.",
    "remote.endpoint-not-in-service": "The endpoint is not InService.",
    "remote.endpoint-not-ic-capable": (
        "The endpoint's config has no ExecutionRoleArn, or a variant names a ModelName."
    ),
    "remote.variant-not-found": "VariantName is not a production variant of the endpoint.",
    "remote.model-not-found": "A ModelName names no existing model.",
    "remote.base-not-found": "The adapter's base inference component does not exist.",
    "remote.base-not-in-service": "The adapter's base inference component is not InService.",
    "remote.capacity-exceeded": "The requested copies do not fit on the variant's instances.",
    "remote.capacity-not-checked": (
        "Notice: the instance type is unknown to ic_sdk, so capacity was not checked."
    ),
}

#: Rules that inform rather than object; ``create(preflight=True)`` does not fail on them.
NOTICE_RULES: Final = frozenset({"remote.capacity-not-checked"})

_T = TypeVar("_T")

#: How many existing components are described at once for the capacity check.
_DESCRIBE_CONCURRENCY = 8


async def _gather(*coros: Coroutine[Any, Any, _T]) -> list[_T]:
    """Run concurrently; on a failure cancel the rest and raise the first error itself."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(c) for c in coros]
    except ExceptionGroup as group_error:
        raise group_error.exceptions[0] from None
    return [t.result() for t in tasks]


async def _find(
    client: InferenceComponentClient, method: str, request: object, out: type[_T]
) -> _T | None:
    """Describe something; ``None`` when the service says it does not exist."""
    return await _or_none(client._call(method, request, out))


async def _describe_ic(
    client: InferenceComponentClient, name: str
) -> models.DescribeInferenceComponentOutput | None:
    return await _find(
        client,
        "describe_inference_component",
        models.DescribeInferenceComponentInput(inference_component_name=name),
        models.DescribeInferenceComponentOutput,
    )


def _specs(
    request: models.CreateInferenceComponentInput,
) -> list[tuple[str, models.InferenceComponentSpecification]]:
    """``(wire path, specification)`` for the single or the several specifications."""
    if request.specification is not None:
        return [("Specification", request.specification)]
    return [(f"Specifications[{i}]", s) for i, s in enumerate(request.specifications or ())]


def _wire(obj: object) -> dict[str, Any]:
    wire: dict[str, Any] = converter.unstructure(obj)
    return wire


def _entries(
    specification: object | None, specifications: Sequence[object] | None
) -> list[dict[str, Any]]:
    """Specification entries as wire dicts, the form :mod:`ic_sdk.capacity` reads."""
    if specification is not None:
        return [_wire(specification)]
    return [_wire(s) for s in specifications or ()]


async def _placed(
    client: InferenceComponentClient, endpoint: str, variant: str, instance_type: str, skip: str
) -> list[Fleet]:
    """What the components already on the variant reserve: one fleet each, from what
    Describe shows (the specification in effect and the copy counts)."""
    names = [
        s.inference_component_name
        async for s in client.list(endpoint_name_equals=endpoint, variant_name_equals=variant)
        if s.inference_component_name and s.inference_component_name != skip
    ]
    gate = asyncio.Semaphore(_DESCRIBE_CONCURRENCY)

    async def one(name: str) -> models.DescribeInferenceComponentOutput | None:
        async with gate:
            return await _describe_ic(client, name)

    placed: list[Fleet] = []
    for desc in await _gather(*(one(n) for n in names)):
        if desc is None:
            continue
        rc = desc.runtime_config
        placed.extend(
            held_fleets(
                _entries(desc.specification, desc.specifications),
                instance_type,
                str(desc.inference_component_status),
                (rc.desired_copy_count if rc else None) or 0,
                (rc.current_copy_count if rc else None) or 0,
            )
        )
    return placed


async def _capacity(
    client: InferenceComponentClient,
    request: models.CreateInferenceComponentInput,
    endpoint: models.DescribeEndpointOutput,
    variant: models.ProductionVariant,
) -> list[Problem]:
    instance_type = variant.instance_type
    if instance_type is None:
        return []
    need = requirement_for(_entries(request.specification, request.specifications), instance_type)
    if need is None:
        return []
    instance = lookup(instance_type)
    if instance is None:
        return [
            Problem(
                path="VariantName",
                rule="remote.capacity-not-checked",
                message=(
                    f"instance type {instance_type} is not in ic_sdk's instance table; "
                    "whether the copies fit was not checked"
                ),
            )
        ]
    summary = next(
        (v for v in endpoint.production_variants or () if v.variant_name == variant.variant_name),
        None,
    )
    # While the endpoint is being created its variant has no instances yet: count what
    # it is creating.
    current = summary.current_instance_count if summary is not None else None
    if str(endpoint.endpoint_status) not in ("InService", "Updating"):
        current = None
    count = instance_count(_wire(variant), current)
    copies = request.runtime_config.copy_count if request.runtime_config else 1
    placed = await _placed(
        client,
        request.endpoint_name,
        variant.variant_name,
        instance_type,
        request.inference_component_name,
    )
    result = place(instance, count, placed, need, copies)
    if result.fitted >= copies:
        return []
    where = f"{count} x {instance_type} ({instance.describe()} each)"
    if not result.fits_one:
        why = f"one copy ({need.describe()}) is larger than an instance: {where}"
    else:
        beside = f", beside {len(placed)} other component(s)" if placed else ""
        why = f"only {result.fitted} of {copies} copies of {need.describe()} fit on {where}{beside}"
    return [Problem(path="RuntimeConfig.CopyCount", rule="remote.capacity-exceeded", message=why)]


async def _endpoint_checks(
    client: InferenceComponentClient, request: models.CreateInferenceComponentInput
) -> list[Problem]:
    endpoint = await _find(
        client,
        "describe_endpoint",
        models.DescribeEndpointInput(endpoint_name=request.endpoint_name),
        models.DescribeEndpointOutput,
    )
    if endpoint is None:
        return [
            Problem(
                path="EndpointName",
                rule="remote.endpoint-not-found",
                message=f"endpoint {request.endpoint_name!r} does not exist",
            )
        ]
    out: list[Problem] = []
    status = str(endpoint.endpoint_status)
    if status != "InService":
        out.append(
            Problem(
                path="EndpointName",
                rule="remote.endpoint-not-in-service",
                message=f"endpoint {request.endpoint_name!r} is {status}, not InService",
            )
        )
    config = None
    if endpoint.endpoint_config_name:
        config = await _find(
            client,
            "describe_endpoint_config",
            models.DescribeEndpointConfigInput(endpoint_config_name=endpoint.endpoint_config_name),
            models.DescribeEndpointConfigOutput,
        )
    if config is None:
        return out
    variants = config.production_variants or []
    with_model = [v.variant_name for v in variants if v.model_name]
    if not config.execution_role_arn or with_model:
        why = (
            f"variant(s) {', '.join(with_model)} name a ModelName"
            if with_model
            else "its endpoint config has no ExecutionRoleArn"
        )
        out.append(
            Problem(
                path="EndpointName",
                rule="remote.endpoint-not-ic-capable",
                message=f"endpoint {request.endpoint_name!r} cannot host inference components: {why}",
            )
        )
    if request.variant_name is not None:
        variant = next((v for v in variants if v.variant_name == request.variant_name), None)
        if variant is None:
            known = ", ".join(v.variant_name for v in variants) or "none"
            out.append(
                Problem(
                    path="VariantName",
                    rule="remote.variant-not-found",
                    message=(
                        f"endpoint {request.endpoint_name!r} has no variant {request.variant_name!r} "
                        f"(its variants: {known})"
                    ),
                )
            )
            return out
    elif len(variants) == 1:
        variant = variants[0]
    else:
        return out
    out.extend(await _capacity(client, request, endpoint, variant))
    return out


async def _name_checks(
    client: InferenceComponentClient, request: models.CreateInferenceComponentInput
) -> list[Problem]:
    existing = await _describe_ic(client, request.inference_component_name)
    if existing is None:
        return []
    return [
        Problem(
            path="InferenceComponentName",
            rule="remote.name-in-use",
            message=(
                f"inference component {request.inference_component_name!r} already exists "
                f"({existing.inference_component_status})"
            ),
        )
    ]


async def _model_checks(client: InferenceComponentClient, path: str, name: str) -> list[Problem]:
    found = await _find(
        client,
        "describe_model",
        models.DescribeModelInput(model_name=name),
        models.DescribeModelOutput,
    )
    if found is not None:
        return []
    return [
        Problem(
            path=f"{path}.ModelName",
            rule="remote.model-not-found",
            message=f"model {name!r} does not exist",
        )
    ]


async def _base_checks(client: InferenceComponentClient, path: str, name: str) -> list[Problem]:
    base = await _describe_ic(client, name)
    where = f"{path}.BaseInferenceComponentName"
    if base is None:
        return [
            Problem(
                path=where,
                rule="remote.base-not-found",
                message=f"base inference component {name!r} does not exist",
            )
        ]
    status = str(base.inference_component_status)
    if status != "InService":
        return [
            Problem(
                path=where,
                rule="remote.base-not-in-service",
                message=f"base inference component {name!r} is {status}, not InService",
            )
        ]
    return []


async def endpoint_update_problems(
    client: InferenceComponentClient, plan: EndpointPlan
) -> list[Problem]:
    """What would keep endpoint ``plan.name`` from hosting its inference components on
    ``plan``'s variant: components on a variant the plan does not have
    (``remote.variant-not-found``), or more copies than its instances hold
    (``remote.capacity-exceeded``, the capacity model of :mod:`ic_sdk.capacity`, from what
    Describe shows of each component, as :func:`preflight` reads them). ``[]`` when it
    can, or when the instance type is not in ``ic_sdk.instance_types`` (never guessed).

    ``client.update_endpoint`` and friends run it before they send anything: the
    service's answer to such an update is undocumented.
    """
    variant = plan.config.production_variants[0]
    hosted: list[tuple[str, str | None]] = [
        (s.inference_component_name, s.variant_name)
        async for s in client.list(endpoint_name_equals=plan.name)
    ]
    problems = []
    elsewhere = sorted(n for n, v in hosted if v is not None and v != variant.variant_name)
    if elsewhere:
        problems.append(
            Problem(
                path="ProductionVariants[0].VariantName",
                rule="remote.variant-not-found",
                message=(
                    f"inference components {', '.join(elsewhere)} run on another variant of "
                    f"endpoint {plan.name}; the new config has only {variant.variant_name}"
                ),
            )
        )
    instance = lookup(str(variant.instance_type)) if variant.instance_type else None
    if not hosted or instance is None:
        return problems  # nothing placed, or unknown hardware: no basis for objecting
    fleets = await _placed(client, plan.name, variant.variant_name, instance.instance_type, skip="")
    count = instance_count(_wire(variant))
    missing = unplaced(instance, count, fleets)
    if missing:
        total = sum(f.copies for f in fleets)
        problems.append(
            Problem(
                path="ProductionVariants[0].InitialInstanceCount",
                rule="remote.capacity-exceeded",
                message=(
                    f"{count} x {instance.instance_type} ({instance.describe()} each) cannot "
                    f"hold the {total} copies the inference components on variant "
                    f"{variant.variant_name} hold now ({missing} would find no room); scale "
                    "them in first, or keep more or larger instances"
                ),
            )
        )
    return problems


async def preflight(
    client: InferenceComponentClient,
    request: models.CreateInferenceComponentInput,
    *,
    ignore: Iterable[str] = (),
) -> list[Problem]:
    """Every problem with ``request``: :func:`ic_sdk.validate`'s and the remote ones above.

    ``ignore`` switches rules off by id (static or ``remote.*``). The remote checks run
    concurrently; an error other than "not found" (throttling, access denied) raises.
    """
    skip = frozenset(ignore)
    unknown = sorted(skip.difference(RULES).difference(REMOTE_RULES))
    if unknown:
        raise ValueError(f"unknown rule id(s) in ignore: {', '.join(unknown)}")
    static = validate(request)
    # A value with a static problem cannot be looked up (the client refuses to send it).
    bad = {p.path for p in static}
    checks = []
    if "InferenceComponentName" not in bad:
        checks.append(_name_checks(client, request))
    if "EndpointName" not in bad:
        checks.append(_endpoint_checks(client, request))
    for path, s in _specs(request):
        if s.model_name and f"{path}.ModelName" not in bad:
            checks.append(_model_checks(client, path, s.model_name))
        base = s.base_inference_component_name
        if base and f"{path}.BaseInferenceComponentName" not in bad:
            checks.append(_base_checks(client, path, base))
    found = await _gather(*checks)
    return [p for p in static + [p for group in found for p in group] if p.rule not in skip]
