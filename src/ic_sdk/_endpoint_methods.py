"""The endpoint methods of :class:`~ic_sdk.client.InferenceComponentClient`: IC-ready
endpoints from an :func:`ic_sdk.ic_endpoint` plan, created, updated or converged (the
behaviour is in :mod:`ic_sdk._deploy`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ic_sdk import models, waiters
from ic_sdk._core import ClientCore

if TYPE_CHECKING:
    from ic_sdk.endpoints import EndpointChange, EndpointPlan

__all__ = ["EndpointMethods"]


class EndpointMethods(ClientCore):
    """Create, update, describe, await and delete IC-ready endpoints."""

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

    async def update_endpoint(
        self, plan: EndpointPlan, *, preflight: bool = True
    ) -> EndpointChange:
        """Start updating endpoint ``plan.name`` to match ``plan``, without waiting.

        Creates the plan's config under :func:`~ic_sdk.endpoints.versioned_config_name`
        and sends UpdateEndpoint (a lost answer is settled from a description). An
        endpoint that already matches is left alone (``action == "unchanged"``). The
        previous config stays: :meth:`update_endpoint_and_wait` and :meth:`apply_endpoint`
        delete it once the endpoint runs the new one. The endpoint must be ``InService``
        (the service refuses "in-progress" endpoints); ``ResourceNotFound`` when it does
        not exist.

        With ``preflight`` (the default), the inference components on the endpoint are
        described first: a plan whose variant could not hold them (fewer or smaller
        instances, another variant name) raises :class:`~ic_sdk.errors.ValidationError`
        (rules ``remote.capacity-exceeded``, ``remote.variant-not-found``) and nothing is
        sent. How the service treats such an update is undocumented.
        """
        from ic_sdk import _deploy

        current = await _deploy.describe_endpoint(self, plan.name)
        change = await _deploy.diff_from(self, plan, current)
        if change.action == "update":
            await _deploy.start_update(self, plan, change.config_name, preflight=preflight)
        return change

    async def update_endpoint_and_wait(
        self,
        plan: EndpointPlan,
        *,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
        preflight: bool = True,
    ) -> models.DescribeEndpointOutput:
        """Update endpoint ``plan.name`` to match ``plan`` and wait until it runs it.

        Waits out a change already in progress, then updates (nothing is sent when the
        endpoint already matches), waits, and deletes the config the endpoint ran before
        when ic_sdk named it. A failed update raises
        :class:`~ic_sdk.errors.EndpointFailed` on the first describe that shows it: with
        ``rolled_back`` when the service rolled it back (the endpoint is ``InService`` on
        its previous config, with a ``FailureReason``), else with status ``Failed``.
        ``preflight``: as in :meth:`update_endpoint`.
        """
        from ic_sdk import _deploy

        change = await _deploy.update_and_wait(
            self,
            plan,
            policy=self._policy(policy, timeout_s),
            on_event=on_event,
            preflight=preflight,
        )
        assert change.description is not None  # an update ends on a description
        return change.description

    async def apply_endpoint(
        self,
        plan: EndpointPlan,
        *,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
        preflight: bool = True,
    ) -> EndpointChange:
        """Make endpoint ``plan.name`` match ``plan``: create it if missing, update it if its
        config differs (:meth:`update_endpoint_and_wait`), else leave it; then wait until it
        is ``InService``. Returns what was done (``create``, ``update`` with the members
        that differed, or ``unchanged``) and the final description.
        """
        from ic_sdk import _deploy

        return await _deploy.apply(
            self,
            plan,
            policy=self._policy(policy, timeout_s),
            on_event=on_event,
            preflight=preflight,
        )

    async def diff_endpoint(self, plan: EndpointPlan) -> EndpointChange:
        """What :meth:`apply_endpoint` would do for ``plan``, without changing anything."""
        from ic_sdk import _deploy

        return await _deploy.diff(self, plan)

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
        """Poll until endpoint ``name`` is ``InService``.

        Raises :class:`~ic_sdk.errors.EndpointFailed` (name, status, reason, description)
        as soon as the endpoint shows ``Failed`` or ``UpdateRollbackFailed``.
        """
        from ic_sdk import _deploy

        return await _deploy.wait_in_service(
            self, name, policy=self._policy(policy, timeout_s), on_event=on_event
        )

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

        await self.delete_endpoint(name, missing_ok=missing_ok)
        await self.wait_until_endpoint_deleted(
            name, policy=policy, timeout_s=timeout_s, on_event=on_event
        )

    async def wait_until_endpoint_deleted(
        self,
        name: str,
        *,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
    ) -> None:
        """Poll until the service no longer knows endpoint ``name`` (at once if it never
        did). Raises :class:`~ic_sdk.errors.EndpointFailed` if the delete fails."""
        from ic_sdk import _deploy

        await _deploy.wait_endpoint(
            self, name, "deleted", policy=self._policy(policy, timeout_s), on_event=on_event
        )
