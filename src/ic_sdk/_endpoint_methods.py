"""The endpoint methods of :class:`~ic_sdk.client.InferenceComponentClient`: IC-ready
endpoints from an :func:`ic_sdk.ic_endpoint` plan (the behaviour is in :mod:`ic_sdk._deploy`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ic_sdk import models, waiters
from ic_sdk._core import ClientCore

if TYPE_CHECKING:
    from ic_sdk.endpoints import EndpointPlan

__all__ = ["EndpointMethods"]


class EndpointMethods(ClientCore):
    """Create, describe, await and delete IC-ready endpoints."""

    async def create_endpoint(self, plan: EndpointPlan) -> models.CreateEndpointOutput:
        """CreateEndpointConfig then CreateEndpoint for an :func:`ic_sdk.ic_endpoint` plan.

        Idempotent: a config or endpoint that already exists exactly as planned (say, from
        a create whose answer was lost) counts as created; anything else stays an error.
        """
        from ic_sdk import _deploy

        return await _deploy.create(self, plan)

    async def create_endpoint_and_wait(
        self,
        plan: EndpointPlan,
        *,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeEndpointOutput:
        """:meth:`create_endpoint`, then :meth:`wait_until_endpoint_in_service`."""
        await self.create_endpoint(plan)
        return await self.wait_until_endpoint_in_service(
            plan.name, policy=policy, timeout_s=timeout_s, on_event=on_event
        )

    async def describe_endpoint(self, name: str) -> models.DescribeEndpointOutput:
        """DescribeEndpoint."""
        from ic_sdk import _deploy

        return await _deploy.describe_endpoint(self, name)

    async def wait_until_endpoint_in_service(
        self,
        name: str,
        *,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeEndpointOutput:
        """Poll until endpoint ``name`` is ``InService``; ``ComponentFailed`` on ``Failed``."""
        from ic_sdk import _deploy

        desc = await _deploy.wait_endpoint(
            self, name, "in_service", policy=self._policy(policy, timeout_s), on_event=on_event
        )
        assert desc is not None  # an in-service wait ends on a description
        return desc

    async def delete_endpoint(self, name: str, *, missing_ok: bool = False) -> None:
        """DeleteEndpoint (its config stays; :meth:`teardown` removes everything)."""
        from ic_sdk import _deploy

        await _deploy.delete_endpoint(self, name, missing_ok=missing_ok)

    async def delete_endpoint_and_wait(
        self,
        name: str,
        *,
        missing_ok: bool = False,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
    ) -> None:
        """:meth:`delete_endpoint`, then poll until the service no longer knows it."""
        from ic_sdk import _deploy

        await _deploy.delete_endpoint(self, name, missing_ok=missing_ok)
        await _deploy.wait_endpoint(
            self, name, "deleted", policy=self._policy(policy, timeout_s), on_event=on_event
        )
