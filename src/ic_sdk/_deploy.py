"""Endpoint configs and endpoints: create and update (reconciled), describe, wait, delete.

The behaviour behind ``client.create_endpoint``, ``client.wait_until_endpoint_in_service``
and friends. Every call retries through :mod:`ic_sdk.retry`; a mutation whose answer
may have been lost is settled from a description (the rule of :mod:`ic_sdk.reconcile`):
a create whose retry meets "Cannot create already existing ..." counts as done when the
resource shows what the request asked for (:func:`ic_sdk.reconcile.matches`), a delete
when the resource is gone or being deleted. A mismatch is someone else's resource and
stays an error. A config or endpoint that already exists exactly as planned (an earlier
run) also counts as created, so creating a plan twice is harmless.

An update (:func:`diff`, :func:`update_and_wait`, :func:`apply`) creates the plan's
config under :func:`~ic_sdk.endpoints.versioned_config_name`, sends UpdateEndpoint
(settled after a lost answer when the endpoint deploys or runs that config,
:func:`ic_sdk.reconcile.endpoint_update_applied`) and waits until the endpoint runs it.
Then the config it no longer runs is deleted when ic_sdk named it
(:func:`~ic_sdk.endpoints.derived_config_name`): the previous one after a success, the
new one after a rollback. A rollback or failure raises
:class:`~ic_sdk.errors.EndpointFailed` on the first describe that shows it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from ic_sdk import models, waiters
from ic_sdk.endpoints import (
    EndpointChange,
    config_changes,
    derived_config_name,
    is_versioned_config_name,
    versioned_config_name,
)
from ic_sdk.errors import (
    EndpointFailed,
    IcSdkError,
    ResourceNotFound,
    ServiceValidationError,
    ValidationError,
)
from ic_sdk.reconcile import _or_none, capacities_applied, endpoint_update_applied, matches
from ic_sdk.serde import converter

if TYPE_CHECKING:
    from ic_sdk._core import ClientCore
    from ic_sdk.client import InferenceComponentClient
    from ic_sdk.endpoints import EndpointPlan

logger = logging.getLogger("ic_sdk.endpoints")

__all__ = [
    "apply",
    "create_config",
    "create_endpoint",
    "delete_config",
    "delete_endpoint",
    "describe_config",
    "describe_endpoint",
    "diff",
    "diff_from",
    "leftover_configs",
    "start_update",
    "update_and_wait",
    "update_capacities",
    "update_endpoint",
    "wait_endpoint",
    "wait_in_service",
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


async def wait_in_service(
    client: ClientCore,
    name: str,
    *,
    policy: waiters.WaitPolicy,
    on_event: waiters.OnEvent | None,
) -> models.DescribeEndpointOutput:
    """:func:`wait_endpoint` until ``InService``: the description it ends on."""
    desc = await wait_endpoint(client, name, "in_service", policy=policy, on_event=on_event)
    assert desc is not None  # an in-service wait ends on a description
    return desc


# -- updates -------------------------------------------------------------------------------

#: Statuses an endpoint passes through on its own; an update waits them out first.
_TRANSITIONAL = frozenset({"Creating", "Updating", "SystemUpdating", "RollingBack"})


def _endpoint_shows(
    client: ClientCore,
    request: models.UpdateEndpointInput | models.UpdateEndpointWeightsAndCapacitiesInput,
    applied: Callable[[Mapping[str, Any], Mapping[str, Any]], bool],
    out: Callable[..., _T],
) -> Callable[[IcSdkError], Awaitable[_T | None]]:
    """Settles a mutation of endpoint ``request.endpoint_name`` whose answer may have been
    lost: ``out(endpoint_arn=...)`` when ``applied(request, description)`` (wire forms)
    holds for the endpoint's description, ``None`` (the error stands) otherwise."""

    async def settle(error: IcSdkError) -> _T | None:
        found = await _or_none(describe_endpoint(client, request.endpoint_name))
        if found is None or not applied(
            converter.unstructure(request), converter.unstructure(found)
        ):
            return None
        return out(endpoint_arn=found.endpoint_arn)

    return settle


async def update_endpoint(
    client: ClientCore, request: models.UpdateEndpointInput
) -> models.UpdateEndpointOutput:
    """UpdateEndpoint, retried; after a possibly lost answer, applied when the endpoint
    deploys or runs the requested config (:func:`ic_sdk.reconcile.endpoint_update_applied`)."""
    out = models.UpdateEndpointOutput
    settle = _endpoint_shows(client, request, endpoint_update_applied, out)
    return await client._mutate("update_endpoint", request, out, reconcile=settle)


async def update_capacities(
    client: ClientCore, request: models.UpdateEndpointWeightsAndCapacitiesInput
) -> models.UpdateEndpointWeightsAndCapacitiesOutput:
    """UpdateEndpointWeightsAndCapacities, retried; after a possibly lost answer, applied
    when the endpoint's variants show the desired counts and weights
    (:func:`ic_sdk.reconcile.capacities_applied`)."""
    out = models.UpdateEndpointWeightsAndCapacitiesOutput
    settle = _endpoint_shows(client, request, capacities_applied, out)
    return await client._mutate(
        "update_endpoint_weights_and_capacities", request, out, reconcile=settle
    )


async def diff_from(
    client: ClientCore, plan: EndpointPlan, current: models.DescribeEndpointOutput
) -> EndpointChange:
    """:func:`diff` for an endpoint described as ``current``."""
    status = str(current.endpoint_status)
    if status == "Deleting":
        raise IcSdkError(f"endpoint {plan.name!r} is being deleted; apply again once it is gone")
    pending = current.pending_deployment_summary
    # During an update the config being deployed is what the endpoint will run.
    target = pending.endpoint_config_name if pending is not None else current.endpoint_config_name
    described = None if target is None else await _or_none(describe_config(client, target))
    # Its config gone, there is nothing to compare with: deploy the plan's.
    changes = ["EndpointConfigName"] if described is None else config_changes(plan, described)
    if not changes and target is not None:
        return EndpointChange(
            name=plan.name, action="unchanged", config_name=target, description=current
        )
    return EndpointChange(
        name=plan.name,
        action="update",
        config_name=versioned_config_name(plan),
        changes=tuple(changes),
        description=current,
    )


def _to_create(plan: EndpointPlan) -> EndpointChange:
    return EndpointChange(name=plan.name, action="create", config_name=plan.config_name)


async def diff(client: ClientCore, plan: EndpointPlan) -> EndpointChange:
    """What :func:`apply` would do: create, update (and which members differ) or nothing."""
    current = await _or_none(describe_endpoint(client, plan.name))
    if current is None:
        return _to_create(plan)
    return await diff_from(client, plan, current)


async def start_update(
    client: ClientCore, plan: EndpointPlan, config_name: str, *, preflight: bool = True
) -> None:
    """The plan's config as ``config_name`` (created once), then UpdateEndpoint to it.

    With ``preflight``, :func:`ic_sdk.preflight.endpoint_update_problems` first: any
    raises :class:`~ic_sdk.errors.ValidationError` and nothing is sent.
    """
    if preflight:
        from ic_sdk.preflight import endpoint_update_problems

        full = cast("InferenceComponentClient", client)  # the methods call this with the client
        problems = await endpoint_update_problems(full, plan)
        if problems:
            raise ValidationError(problems, operation="UpdateEndpoint")
    await create_config(client, attrs.evolve(plan.config, endpoint_config_name=config_name))
    request = models.UpdateEndpointInput(endpoint_name=plan.name, endpoint_config_name=config_name)
    try:
        await update_endpoint(client, request)
    except IcSdkError:
        # Refused (say, the components would not fit): the new config serves nothing.
        await _forget_config(client, plan.name, config_name)
        raise


async def _forget_config(client: ClientCore, endpoint_name: str, config_name: str | None) -> None:
    """Delete a config the endpoint neither runs nor deploys, if ic_sdk named it. A
    failure to delete it is logged, not raised: it does not change what the endpoint is."""
    if config_name is None or not derived_config_name(endpoint_name, config_name):
        return
    try:
        found = await _or_none(describe_endpoint(client, endpoint_name))
        wire = {"EndpointConfigName": config_name}
        if found is not None and endpoint_update_applied(wire, converter.unstructure(found)):
            return  # the endpoint runs or deploys it after all
        await delete_config(client, config_name, missing_ok=True)
    except IcSdkError as exc:
        logger.warning(
            "endpoint %r no longer runs config %r, but deleting it failed: %s",
            endpoint_name,
            config_name,
            exc,
        )


def _failed(current: models.DescribeEndpointOutput, name: str) -> EndpointFailed:
    return EndpointFailed(
        name,
        status=str(current.endpoint_status),
        failure_reason=current.failure_reason,
        description=current,
    )


async def _settled(
    client: ClientCore,
    plan: EndpointPlan,
    current: models.DescribeEndpointOutput,
    *,
    policy: waiters.WaitPolicy,
    on_event: waiters.OnEvent | None,
) -> models.DescribeEndpointOutput:
    """The endpoint described as ``current``, once it is in a state an update can start
    from (``InService``)."""
    if str(current.endpoint_status) in _TRANSITIONAL:
        current = await wait_in_service(client, plan.name, policy=policy, on_event=on_event)
    if str(current.endpoint_status) in ("Failed", "UpdateRollbackFailed"):
        raise _failed(current, plan.name)
    return current


async def update_and_wait(
    client: ClientCore,
    plan: EndpointPlan,
    *,
    policy: waiters.WaitPolicy,
    on_event: waiters.OnEvent | None,
    preflight: bool = True,
    current: models.DescribeEndpointOutput | None = None,
) -> EndpointChange:
    """Update endpoint ``plan.name`` to match ``plan`` and wait until it runs it.

    Waits out a change in progress first; an endpoint that already matches is left as
    it is (``unchanged``). ``ResourceNotFound`` when the endpoint does not exist.
    ``current``: the endpoint's description when the caller has just read it.
    """
    if current is None:
        current = await describe_endpoint(client, plan.name)
    current = await _settled(client, plan, current, policy=policy, on_event=on_event)
    change = await diff_from(client, plan, current)
    if change.action == "unchanged":
        return change
    new = change.config_name
    previous = current.endpoint_config_name
    await start_update(client, plan, new, preflight=preflight)
    try:
        desc = await wait_endpoint(
            client,
            plan.name,
            "in_service",
            policy=policy,
            on_event=on_event,
            changed_since=current.last_modified_time,
            expect=lambda d: d.endpoint_config_name == new,
            previous_failure=current.failure_reason,
        )
        assert desc is not None  # an in-service wait ends on a description
        if desc.endpoint_config_name != new:
            # InService on another config without a reason: not what was asked for.
            raise _failed(desc, plan.name)
    except EndpointFailed as exc:
        if exc.rolled_back:
            await _forget_config(client, plan.name, new)
        raise
    if previous != new:
        await _forget_config(client, plan.name, previous)
    return attrs.evolve(change, description=desc)


async def apply(
    client: ClientCore,
    plan: EndpointPlan,
    *,
    policy: waiters.WaitPolicy,
    on_event: waiters.OnEvent | None,
    preflight: bool = True,
) -> EndpointChange:
    """Create the endpoint, update it to match ``plan``, or leave it; then wait until it is
    ``InService`` on the plan's config. The endpoint is described once: the update
    path starts from that description (no second describe, no second diff)."""
    current = await _or_none(describe_endpoint(client, plan.name))
    if current is None:
        await create(client, plan)
        desc = await wait_in_service(client, plan.name, policy=policy, on_event=on_event)
        return attrs.evolve(_to_create(plan), description=desc)
    return await update_and_wait(
        client, plan, policy=policy, on_event=on_event, preflight=preflight, current=current
    )


async def leftover_configs(
    client: InferenceComponentClient, endpoint_name: str, *, keep: str
) -> list[str]:
    """Configs ic_sdk derived from ``endpoint_name``
    (:func:`~ic_sdk.endpoints.derived_config_name`: the endpoint's own name or
    ``<name>-<8 hex>``) other than ``keep``: what an update left behind when nothing waited
    for it to finish (``update_endpoint``) or it was interrupted. ``teardown`` deletes
    them once the endpoint is gone.

    A versioned-looking config that is also the name of an existing endpoint is left
    out: it may be that endpoint's own config (``ic_endpoint``'s default name).
    """
    request = models.ListEndpointConfigsInput(name_contains=endpoint_name[:54], max_results=100)
    names = [
        c.endpoint_config_name
        async for page in client.paginate(request)
        for c in page.endpoint_configs or ()
    ]
    found = []
    for name in sorted(set(names)):
        if name.lower() == keep.lower() or not derived_config_name(endpoint_name, name):
            continue
        if not is_versioned_config_name(endpoint_name, name) or (
            await _or_none(describe_endpoint(client, name)) is None
        ):
            found.append(name)
    return found
