"""Ordered teardown of an endpoint: adapters, bases, the endpoint, its config.

The service refuses to delete a base component while adapters ride on it and an
endpoint while it hosts components, so a teardown runs in that order, waiting until each
group is gone before the next starts:

1. every adapter on the endpoint (in parallel), then wait until they are all gone;
2. every base component, then wait;
3. the endpoint, then wait;
4. its endpoint config (``delete_config=True``), and the configs an endpoint update that
   did not finish left behind (the names ic_sdk derives from the endpoint's: its own, or
   ``<endpoint>-<8 hex>``).

Each step reads the service's state first and treats "already gone" and "already being
deleted" as done, so a teardown is idempotent: run it again after a crash, a Ctrl-C or a
lost answer and it picks up where the service is. Components that appear while it runs
(someone else creating one) are found by the next round; after ``max_rounds`` rounds it
gives up with an error rather than loop forever.

Steps 1 and 2 are :func:`delete_components`, which ``ic-sdk delete`` uses too: the one
place that deletes several components in the order the service allows (which one is an
adapter is :func:`ic_sdk._adapters.base_of`'s answer).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Literal

import attrs

from ic_sdk import _deploy, waiters
from ic_sdk._adapters import adapters_first
from ic_sdk.errors import IcSdkError
from ic_sdk.reconcile import _or_none

if TYPE_CHECKING:
    from ic_sdk import models
    from ic_sdk.client import InferenceComponentClient

__all__ = ["OnTeardownEvent", "TeardownEvent", "delete_components", "teardown"]

logger = logging.getLogger("ic_sdk.teardown")

Resource = Literal["adapter", "base", "endpoint", "endpoint_config", "autoscaling"]
Step = Literal["deleting", "deleted", "already_gone", "waiting"]


@attrs.define(frozen=True, kw_only=True, slots=True)
class TeardownEvent:
    """One step of a teardown: which resource, what happened to it."""

    step: Step
    resource: Resource
    name: str
    #: The waiter event behind a ``waiting`` step.
    waiter: waiters.WaiterEvent | None = None

    def __str__(self) -> str:
        return f"{self.resource} {self.name}: {self.step.replace('_', ' ')}"


OnTeardownEvent = Callable[[TeardownEvent], Awaitable[None] | None]


async def _emit(on_event: OnTeardownEvent | None, event: TeardownEvent) -> None:
    logger.info("%s", event)
    if on_event is not None:
        result = on_event(event)
        if inspect.isawaitable(result):
            await result


async def _components(
    client: InferenceComponentClient, endpoint_name: str
) -> list[models.DescribeInferenceComponentOutput]:
    """The descriptions of the components currently on the endpoint, by name."""
    found: list[models.DescribeInferenceComponentOutput] = []
    async for summary in client.list(endpoint_name_equals=endpoint_name):
        desc = await _or_none(client.describe(summary.inference_component_name))
        if desc is not None:  # else gone between the listing and now
            found.append(desc)
    return sorted(found, key=lambda desc: desc.inference_component_name)


async def delete_components(
    client: InferenceComponentClient,
    components: Sequence[models.DescribeInferenceComponentOutput],
    *,
    policy: waiters.WaitPolicy | None = None,
    timeout_s: float | None = None,
    on_event: OnTeardownEvent | None = None,
    wait: bool = True,
    missing_ok: bool = True,
) -> list[str]:
    """Delete ``components`` (their descriptions) in the order the service allows.

    Adapters first (:func:`ic_sdk._adapters.adapters_first`), all at once, waiting until
    they are gone; then the bases, each after its autoscaling is removed. With
    ``wait=False`` the last group is sent but not waited for (an earlier group always is:
    the next one needs it gone). The names, in the order they were deleted.
    """
    adapters, bases = adapters_first(components)
    kinds: tuple[tuple[Resource, list[models.DescribeInferenceComponentOutput]], ...] = (
        ("adapter", adapters),
        ("base", bases),
    )
    groups = [
        (resource, [desc.inference_component_name for desc in group])
        for resource, group in kinds
        if group
    ]
    chosen = client._policy(policy, timeout_s)
    for i, (resource, names) in enumerate(groups):
        await _delete_group(
            client,
            names,
            resource,
            policy=chosen,
            on_event=on_event,
            wait=wait or i < len(groups) - 1,
            missing_ok=missing_ok,
        )
    return [name for _, names in groups for name in names]


async def _delete_group(
    client: InferenceComponentClient,
    names: list[str],
    resource: Resource,
    *,
    policy: waiters.WaitPolicy,
    on_event: OnTeardownEvent | None,
    wait: bool,
    missing_ok: bool,
) -> None:
    async def one(name: str) -> None:
        if resource == "base":
            await _remove_autoscaling(client, name, on_event)
        await _emit(on_event, TeardownEvent(step="deleting", resource=resource, name=name))
        await client.delete(name, missing_ok=missing_ok)
        if not wait:
            return

        async def forward(event: waiters.WaiterEvent) -> None:
            await _emit(
                on_event,
                TeardownEvent(step="waiting", resource=resource, name=name, waiter=event),
            )

        await client.wait_until_deleted(name, policy=policy, on_event=forward)
        await _emit(on_event, TeardownEvent(step="deleted", resource=resource, name=name))

    # The first error ends the group (the others are cancelled) and is raised as it is.
    tasks = [asyncio.create_task(one(name)) for name in names]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def _remove_autoscaling(
    client: InferenceComponentClient, name: str, on_event: OnTeardownEvent | None
) -> None:
    """Deregister the component's autoscaling first: a scaling policy must not fight the
    delete (nor an alarm outlive it)."""
    if await client.remove_autoscaling(name):
        await _emit(on_event, TeardownEvent(step="deleted", resource="autoscaling", name=name))


async def teardown(
    client: InferenceComponentClient,
    endpoint_name: str,
    *,
    delete_config: bool = True,
    config_name: str | None = None,
    policy: waiters.WaitPolicy,
    on_event: OnTeardownEvent | None = None,
    max_rounds: int = 5,
) -> None:
    """Delete everything on ``endpoint_name``, then it, then its config (see the module)."""
    for _ in range(max_rounds):
        found = await _components(client, endpoint_name)
        if not found:
            break
        await delete_components(client, found, policy=policy, on_event=on_event)
    else:
        raise IcSdkError(
            f"endpoint {endpoint_name!r} still hosts inference components after "
            f"{max_rounds} teardown rounds (is something creating them?)"
        )

    desc = await _or_none(_deploy.describe_endpoint(client, endpoint_name))
    if desc is None:
        await _emit(
            on_event, TeardownEvent(step="already_gone", resource="endpoint", name=endpoint_name)
        )
        config = config_name or endpoint_name
    else:
        config = config_name or desc.endpoint_config_name or endpoint_name
        await _emit(
            on_event, TeardownEvent(step="deleting", resource="endpoint", name=endpoint_name)
        )
        await _deploy.delete_endpoint(client, endpoint_name, missing_ok=True)

        async def forward(event: waiters.WaiterEvent) -> None:
            await _emit(
                on_event,
                TeardownEvent(
                    step="waiting", resource="endpoint", name=endpoint_name, waiter=event
                ),
            )

        await _deploy.wait_endpoint(
            client, endpoint_name, "deleted", policy=policy, on_event=forward
        )
        await _emit(
            on_event, TeardownEvent(step="deleted", resource="endpoint", name=endpoint_name)
        )

    if not delete_config:
        return
    # Configs an unfinished endpoint update left (names derived from the endpoint's), then its own.
    for leftover in await _deploy.leftover_configs(client, endpoint_name, keep=config):
        await _emit(
            on_event, TeardownEvent(step="deleting", resource="endpoint_config", name=leftover)
        )
        await _deploy.delete_config(client, leftover, missing_ok=True)
        await _emit(
            on_event, TeardownEvent(step="deleted", resource="endpoint_config", name=leftover)
        )
    if await _or_none(_deploy.describe_config(client, config)) is None:
        await _emit(
            on_event, TeardownEvent(step="already_gone", resource="endpoint_config", name=config)
        )
        return
    await _emit(on_event, TeardownEvent(step="deleting", resource="endpoint_config", name=config))
    await _deploy.delete_config(client, config, missing_ok=True)
    await _emit(on_event, TeardownEvent(step="deleted", resource="endpoint_config", name=config))
