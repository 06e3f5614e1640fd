"""Endpoint configs and endpoints: create (reconciled), describe, wait, delete.

The behaviour behind ``client.create_endpoint``, ``client.wait_until_endpoint_in_service``
and friends. A create whose answer was lost is retried by the transport; the retry then
meets "Cannot create already existing ...": the resource is described and compared
with the request, and when it matches the create counts as done (it was ours). A
mismatch is someone else's resource and stays an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ic_sdk import models, waiters
from ic_sdk.errors import ResourceNotFound, ServiceValidationError
from ic_sdk.serde import converter

if TYPE_CHECKING:
    from ic_sdk.client import InferenceComponentClient
    from ic_sdk.endpoints import EndpointPlan

__all__ = [
    "create_config",
    "create_endpoint",
    "delete_config",
    "delete_endpoint",
    "describe_config",
    "describe_endpoint",
    "matches",
    "wait_endpoint",
]

_ALREADY_EXISTS = "already existing"
_BEING_DELETED = "already being deleted"


def matches(wanted: Any, described: Any) -> bool:
    """Whether ``described`` (wire form) holds every value of ``wanted`` (wire form).

    Keys the request leaves out are the service's to fill in; lists match item by item.
    Tags are not part of a description and are ignored.
    """
    if isinstance(wanted, dict):
        if not isinstance(described, dict):
            return False
        return all(k == "Tags" or matches(v, described.get(k)) for k, v in wanted.items())
    if isinstance(wanted, list):
        return (
            isinstance(described, list)
            and len(wanted) == len(described)
            and all(matches(w, d) for w, d in zip(wanted, described, strict=True))
        )
    if isinstance(wanted, float | int) and isinstance(described, float | int):
        return float(wanted) == float(described)
    return bool(wanted == described)


async def _send(client: InferenceComponentClient, method: str, request: Any) -> dict[str, Any]:
    client._check(request, type(request).__name__.removesuffix("Input"))
    return await client._send(method, converter.unstructure(request))


async def describe_config(
    client: InferenceComponentClient, name: str
) -> models.DescribeEndpointConfigOutput:
    raw = await _send(
        client,
        "describe_endpoint_config",
        models.DescribeEndpointConfigInput(endpoint_config_name=name),
    )
    return converter.structure(raw, models.DescribeEndpointConfigOutput)


async def describe_endpoint(
    client: InferenceComponentClient, name: str
) -> models.DescribeEndpointOutput:
    raw = await _send(client, "describe_endpoint", models.DescribeEndpointInput(endpoint_name=name))
    return converter.structure(raw, models.DescribeEndpointOutput)


async def create_config(
    client: InferenceComponentClient, request: models.CreateEndpointConfigInput
) -> models.CreateEndpointConfigOutput:
    """CreateEndpointConfig; an identical existing config counts as created."""
    try:
        raw = await _send(client, "create_endpoint_config", request)
    except ServiceValidationError as exc:
        if _ALREADY_EXISTS not in exc.message:
            raise
        desc = await describe_config(client, request.endpoint_config_name)
        wanted = converter.unstructure(request)
        wanted.pop("EndpointConfigName", None)
        if not matches(wanted, converter.unstructure(desc)):
            raise
        return models.CreateEndpointConfigOutput(endpoint_config_arn=desc.endpoint_config_arn)
    return converter.structure(raw, models.CreateEndpointConfigOutput)


async def create_endpoint(
    client: InferenceComponentClient, request: models.CreateEndpointInput
) -> models.CreateEndpointOutput:
    """CreateEndpoint; an existing endpoint on the same config counts as created."""
    try:
        raw = await _send(client, "create_endpoint", request)
    except ServiceValidationError as exc:
        if _ALREADY_EXISTS not in exc.message:
            raise
        desc = await describe_endpoint(client, request.endpoint_name)
        if desc.endpoint_config_name != request.endpoint_config_name or str(
            desc.endpoint_status
        ) in ("Deleting", "Failed"):
            raise
        return models.CreateEndpointOutput(endpoint_arn=desc.endpoint_arn)
    return converter.structure(raw, models.CreateEndpointOutput)


async def create(
    client: InferenceComponentClient, plan: EndpointPlan
) -> models.CreateEndpointOutput:
    """The plan's config, then its endpoint."""
    await create_config(client, plan.config)
    return await create_endpoint(client, plan.endpoint)


async def delete_endpoint(
    client: InferenceComponentClient, name: str, *, missing_ok: bool = False
) -> None:
    """DeleteEndpoint; with ``missing_ok`` one already gone or going counts as deleted."""
    try:
        await _send(client, "delete_endpoint", models.DeleteEndpointInput(endpoint_name=name))
    except ResourceNotFound:
        if not missing_ok:
            raise
    except ServiceValidationError as exc:
        if not (missing_ok and _BEING_DELETED in exc.message):
            raise


async def delete_config(
    client: InferenceComponentClient, name: str, *, missing_ok: bool = False
) -> None:
    """DeleteEndpointConfig; with ``missing_ok`` one already gone counts as deleted."""
    try:
        await _send(
            client,
            "delete_endpoint_config",
            models.DeleteEndpointConfigInput(endpoint_config_name=name),
        )
    except ResourceNotFound:
        if not missing_ok:
            raise


async def wait_endpoint(
    client: InferenceComponentClient,
    name: str,
    until: waiters.Until,
    *,
    policy: waiters.WaitPolicy,
    on_event: waiters.OnEvent | None,
) -> models.DescribeEndpointOutput | None:
    """Poll DescribeEndpoint with the waiter engine until ``until`` (in_service/deleted).

    The engine reads statuses the way it reads a component's: ``Failed`` raises
    :class:`~ic_sdk.errors.ComponentFailed` (its ``name`` is the endpoint's), not-found
    ends a "deleted" wait.
    """
    last: list[models.DescribeEndpointOutput] = []

    async def describe() -> models.DescribeInferenceComponentOutput:
        desc = await describe_endpoint(client, name)
        last[:] = [desc]
        return converter.structure(
            {
                "InferenceComponentName": name,
                "EndpointName": name,
                "InferenceComponentStatus": str(desc.endpoint_status),
                "FailureReason": desc.failure_reason,
                "LastModifiedTime": desc.last_modified_time,
            },
            models.DescribeInferenceComponentOutput,
        )

    await waiters.wait(
        name,
        describe,
        until=until,
        policy=policy,
        clock=client._clock,
        rng=client._rng,
        on_event=on_event,
    )
    return last[0] if last and until != "deleted" else None
