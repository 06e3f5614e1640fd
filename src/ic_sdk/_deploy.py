"""Endpoint configs and endpoints: create (reconciled), describe, wait, delete.

The behaviour behind ``client.create_endpoint``, ``client.wait_until_endpoint_in_service``
and friends. Every call retries through :mod:`ic_sdk.retry`; a mutation whose answer
may have been lost is settled from a description (the rule of :mod:`ic_sdk.reconcile`):
a create whose retry meets "Cannot create already existing ..." counts as done when the
resource shows what the request asked for (:func:`ic_sdk.reconcile.matches`), a delete
when the resource is gone or being deleted. A mismatch is someone else's resource and
stays an error. A config or endpoint that already exists exactly as planned (an earlier
run) also counts as created, so creating a plan twice is harmless.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

import attrs

from ic_sdk import models, waiters
from ic_sdk.errors import IcSdkError, ResourceNotFound, ServiceValidationError
from ic_sdk.reconcile import _or_none, matches
from ic_sdk.serde import converter

if TYPE_CHECKING:
    from ic_sdk._core import ClientCore
    from ic_sdk.endpoints import EndpointPlan

__all__ = [
    "create_config",
    "create_endpoint",
    "delete_config",
    "delete_endpoint",
    "describe_config",
    "describe_endpoint",
    "wait_endpoint",
]

_T = TypeVar("_T")


@attrs.define(frozen=True)
class _Nothing:
    """The empty answer of a delete (structured from ``{}``)."""


_ALREADY_EXISTS = "already existing"
_BEING_DELETED = "already being deleted"


async def describe_config(client: ClientCore, name: str) -> models.DescribeEndpointConfigOutput:
    return await client._call(
        "describe_endpoint_config",
        models.DescribeEndpointConfigInput(endpoint_config_name=name),
        models.DescribeEndpointConfigOutput,
    )


async def describe_endpoint(client: ClientCore, name: str) -> models.DescribeEndpointOutput:
    return await client._call(
        "describe_endpoint",
        models.DescribeEndpointInput(endpoint_name=name),
        models.DescribeEndpointOutput,
    )


async def create_config(
    client: ClientCore, request: models.CreateEndpointConfigInput
) -> models.CreateEndpointConfigOutput:
    """CreateEndpointConfig, retried; a config that exists exactly as asked counts as created."""

    async def settle(error: IcSdkError) -> models.CreateEndpointConfigOutput | None:
        found = await _or_none(describe_config(client, request.endpoint_config_name))
        if found is None or not matches(
            converter.unstructure(request), converter.unstructure(found)
        ):
            return None
        return models.CreateEndpointConfigOutput(endpoint_config_arn=found.endpoint_config_arn)

    return await _create(
        client, "create_endpoint_config", request, models.CreateEndpointConfigOutput, settle
    )


async def create_endpoint(
    client: ClientCore, request: models.CreateEndpointInput
) -> models.CreateEndpointOutput:
    """CreateEndpoint, retried; an endpoint on the same config counts as created."""

    async def settle(error: IcSdkError) -> models.CreateEndpointOutput | None:
        found = await _or_none(describe_endpoint(client, request.endpoint_name))
        if (
            found is None
            or found.endpoint_config_name != request.endpoint_config_name
            or str(found.endpoint_status) in ("Deleting", "Failed")
        ):
            return None
        return models.CreateEndpointOutput(endpoint_arn=found.endpoint_arn)

    return await _create(client, "create_endpoint", request, models.CreateEndpointOutput, settle)


async def _create(
    client: ClientCore,
    method: str,
    request: object,
    out: type[_T],
    settle: Callable[[IcSdkError], Awaitable[_T | None]],
) -> _T:
    """A create, retried and settled by ``settle`` when its answer may have been lost.

    "Cannot create already existing ..." is settled the same way: not a lost answer but
    an earlier run (or someone else) made it; ours if ``settle`` finds it as asked.
    """
    try:
        return await client._mutate(method, request, out, reconcile=settle)
    except ServiceValidationError as exc:
        settled = await settle(exc) if _ALREADY_EXISTS in exc.message else None
        if settled is None:
            raise
        return settled


async def create(client: ClientCore, plan: EndpointPlan) -> models.CreateEndpointOutput:
    """The plan's config, then its endpoint."""
    await create_config(client, plan.config)
    return await create_endpoint(client, plan.endpoint)


async def _gone_or_going(client: ClientCore, name: str) -> bool:
    found = await _or_none(describe_endpoint(client, name))
    return found is None or str(found.endpoint_status) == "Deleting"


async def delete_endpoint(client: ClientCore, name: str, *, missing_ok: bool = False) -> None:
    """DeleteEndpoint, retried and reconciled (gone or ``Deleting`` after a lost answer
    counts as done); with ``missing_ok`` one already gone or going counts as deleted."""

    async def settle(error: IcSdkError) -> _Nothing | None:
        return _Nothing() if await _gone_or_going(client, name) else None

    request = models.DeleteEndpointInput(endpoint_name=name)
    try:
        await client._mutate("delete_endpoint", request, _Nothing, reconcile=settle)
    except ResourceNotFound:
        if not missing_ok:
            raise
    except ServiceValidationError as exc:
        if not (missing_ok and _BEING_DELETED in exc.message):
            raise


async def delete_config(client: ClientCore, name: str, *, missing_ok: bool = False) -> None:
    """DeleteEndpointConfig, retried and reconciled; with ``missing_ok`` one already gone
    counts as deleted."""
    request = models.DeleteEndpointConfigInput(endpoint_config_name=name)

    async def settle(error: IcSdkError) -> _Nothing | None:
        found = await _or_none(describe_config(client, name))
        return _Nothing() if found is None else None

    try:
        await client._mutate("delete_endpoint_config", request, _Nothing, reconcile=settle)
    except ResourceNotFound:
        if not missing_ok:
            raise


async def wait_endpoint(
    client: ClientCore,
    name: str,
    until: waiters.Until,
    *,
    policy: waiters.WaitPolicy,
    on_event: waiters.OnEvent | None,
    changed_since: datetime | None = None,
    expect: Callable[[models.DescribeEndpointOutput], bool] | None = None,
    previous_failure: str | None = None,
) -> models.DescribeEndpointOutput | None:
    """Poll DescribeEndpoint with the waiter engine until ``until`` (in_service/deleted).

    The engine reads the endpoint through :data:`ic_sdk.waiters.ENDPOINT`: ``Failed`` (or
    ``UpdateRollbackFailed``, or a rolled-back update when ``expect`` is given) raises
    :class:`~ic_sdk.errors.EndpointFailed`; not-found ends a "deleted" wait.
    """
    request = models.DescribeEndpointInput(endpoint_name=name)

    def poll() -> Awaitable[models.DescribeEndpointOutput]:
        # One describe per poll: the waiter retries failed polls within its own deadline.
        return client._call_once("describe_endpoint", request, models.DescribeEndpointOutput)

    return await waiters.wait(
        name,
        poll,
        until=until,
        policy=policy,
        clock=client._clock,
        rng=client._rng,
        on_event=on_event,
        changed_since=changed_since,
        expect=expect,
        previous_failure=previous_failure,
        reader=waiters.ENDPOINT,
    )
