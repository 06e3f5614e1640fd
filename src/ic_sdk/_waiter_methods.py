"""The waiting methods of :class:`~ic_sdk.client.InferenceComponentClient` (the engine
is :mod:`ic_sdk.waiters`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ic_sdk import models, waiters
from ic_sdk._core import ClientCore

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

__all__ = ["WaiterMethods"]


class WaiterMethods(ClientCore):
    """Wait for a component to be in service, scaled or deleted, or watch it."""

    async def wait_until_in_service(
        self,
        name: str,
        *,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeInferenceComponentOutput:
        """Poll until ``InService``; raise ``ComponentFailed`` on ``Failed``.

        Returns the final description. ``timeout_s`` (seconds) overrides the policy's.
        """
        desc = await self._wait_for(
            name, "in_service", policy=policy, timeout_s=timeout_s, on_event=on_event
        )
        assert desc is not None  # a successful in-service wait always ends on a description
        return desc

    async def wait_until_scaled(
        self,
        name: str,
        *,
        copies: int | None = None,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeInferenceComponentOutput:
        """Poll until ``InService`` with current copies equal to desired copies.

        With ``copies``, the desired count must also equal it.
        """
        desc = await self._wait_for(
            name, "scaled", copies=copies, policy=policy, timeout_s=timeout_s, on_event=on_event
        )
        assert desc is not None  # a successful scaled wait always ends on a description
        return desc

    async def wait_until_deleted(
        self,
        name: str,
        *,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
    ) -> None:
        """Poll until the service no longer knows the component."""
        await self._wait_for(name, "deleted", policy=policy, timeout_s=timeout_s, on_event=on_event)

    def watch(
        self,
        name: str,
        *,
        until: waiters.Until = "in_service",
        copies: int | None = None,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
    ) -> AsyncGenerator[waiters.WaiterEvent, None]:
        """The waiter as an async iterator of :class:`~ic_sdk.waiters.WaiterEvent`.

        Ends after the ``SUCCEEDED`` event and raises what the matching ``wait_until_*``
        raises. Breaking out early leaves nothing running (no request is in flight while
        an event is being handled); ``contextlib.aclosing`` closes it at once.
        """
        return waiters.watch(
            name,
            self._poll(name),
            until=until,
            copies=copies,
            policy=self._policy(policy, timeout_s),
            clock=self._clock,
            rng=self._rng,
        )
