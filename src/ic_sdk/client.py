"""``InferenceComponentClient``: the async facade over aiobotocore.

```python
async with InferenceComponentClient(region="us-east-1") as client:
    await client.create(request)
    ready = await client.wait_until_in_service(request.inference_component_name)
    answer = await client.invoke(ready.inference_component_name, b"{}", content_type="application/json")
```

Every operation takes and returns the generated models (:mod:`ic_sdk.models`). Each one
validates its input first (raising :class:`~ic_sdk.errors.ValidationError`, nothing sent),
serializes it with :data:`ic_sdk.serde.converter`, calls aiobotocore's public client
method, and structures the answer back into a model. botocore's exceptions never leak:
service errors become :class:`~ic_sdk.errors.ServiceError` subclasses, unreadable answers
:class:`~ic_sdk.errors.MalformedResponse` and connection problems
:class:`~ic_sdk.errors.TransportError`, the original kept as ``__cause__``.

Retries and outcomes. Every call is retried through :mod:`ic_sdk.retry` on the client's
clock; creates, updates, scales and deletes are also reconciled (:mod:`ic_sdk.reconcile`):
when an answer may have been lost, the component is described and the call reports what
the service did. See the "Guarantees" guide.

aiobotocore is imported when the first aiobotocore client is built, not before.
"""

from __future__ import annotations

import asyncio
import builtins
import logging
import random
from contextlib import AsyncExitStack, aclosing
from typing import TYPE_CHECKING, Any, Self, TypeVar

import attrs

from ic_sdk import _redact, models, reconcile, retry, waiters
from ic_sdk._autoscaling_methods import AutoscalingMethods
from ic_sdk._bulk import CreateResult, partial_results
from ic_sdk._bulk import create_many as _create_many
from ic_sdk._core import raise_errors, raise_problems
from ic_sdk._endpoint_methods import EndpointMethods
from ic_sdk._invoke import Body, invoke_raw, payload_chunks
from ic_sdk._transport import ClosingClock, RetryMode
from ic_sdk._waiter_methods import WaiterMethods
from ic_sdk.clock import Clock, SystemClock
from ic_sdk.errors import (
    IcSdkError,
    ResourceNotFound,
    ServiceValidationError,
)
from ic_sdk.models import runtime as rt
from ic_sdk.serde import converter

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Callable, Iterable, Mapping
    from datetime import datetime
    from types import TracebackType

    from ic_sdk.models._operations import Call, Paginate
    from ic_sdk.teardown import OnTeardownEvent
    from ic_sdk.validation import Problem

__all__ = ["CreateResult", "InferenceComponentClient", "partial_results"]

logger = logging.getLogger("ic_sdk.client")

_T = TypeVar("_T")

#: Marker in the ValidationException the service answers when an IC is already being deleted.
_DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"


class InferenceComponentClient(WaiterMethods, EndpointMethods, AutoscalingMethods):
    """Async client for SageMaker inference components.

    Build it from settings::

        async with InferenceComponentClient(region="us-east-1") as client: ...

    or around aiobotocore clients you already have (which it then never closes)::

        client = InferenceComponentClient.from_clients(sagemaker_client)

    Retries are ic_sdk's (:mod:`ic_sdk.retry`), on the injected ``clock``: throttling,
    5xx answers, connection errors and unreadable answers are retried with backoff,
    ``max_attempts`` attempts per call at most, the first included (``1``: no retries;
    default 10), within ``retry_policy.timeout``. botocore's own retries are off on the
    clients ic_sdk creates (its retry handler is not even installed); ``retry_mode``
    matters only as ``"adaptive"``, which keeps botocore's client-side rate limiting. ``config`` (an ``AioConfig``) tunes the
    transport; its explicit settings win (retries set there are botocore's, on top).
    The ``sagemaker-runtime`` client is created on the first ``invoke``. One instance is
    meant to be shared by many concurrent tasks.

    ``wait_policy``, ``clock`` and ``rng`` set how the waiters poll (see
    :mod:`ic_sdk.waiters`); tests pass a :class:`~ic_sdk.clock.FakeClock`.

    While a client is open, secrets (container ``Environment`` values, credentials,
    request signatures) are redacted from every log record of ic_sdk, botocore and
    aiobotocore (:func:`ic_sdk._redact.redacting_logs`).
    """

    #: Real seconds :meth:`aclose` lets calls in flight finish before closing connections.
    CLOSE_GRACE = 10.0

    def __init__(
        self,
        *,
        region: str | None = None,
        profile: str | None = None,
        session: Any = None,
        endpoint_url: str | None = None,
        runtime_endpoint_url: str | None = None,
        config: Any = None,
        retry_mode: RetryMode = "standard",
        max_attempts: int | None = None,
        retry_policy: retry.RetryPolicy | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        wait_policy: waiters.WaitPolicy | None = None,
        clock: Clock | None = None,
        rng: Callable[[], float] | None = None,
    ) -> None:
        self._region = region
        self._profile = profile
        self._session = session
        self._endpoint_url = endpoint_url
        self._runtime_endpoint_url = runtime_endpoint_url
        self._user_config = config
        self._retry_mode = retry_mode
        policy = retry_policy or retry.RetryPolicy()
        if max_attempts is not None:
            policy = attrs.evolve(policy, max_attempts=max_attempts)
        self._retry_policy = policy
        self._credentials = {
            "aws_access_key_id": aws_access_key_id,
            "aws_secret_access_key": aws_secret_access_key,
            "aws_session_token": aws_session_token,
        }
        self._wait_policy = wait_policy or waiters.WaitPolicy()
        self._closed_event = asyncio.Event()
        self._clock: Clock = ClosingClock(clock or SystemClock(), self._closed_event)
        self._rng: Callable[[], float] = rng or random.random
        self._sm: Any = None
        self._rt: Any = None
        #: application-autoscaling and cloudwatch clients, opened on first use.
        self._others: dict[str, Any] = {}
        self._stack = AsyncExitStack()
        self._lock = asyncio.Lock()
        self._closed = False
        self._in_flight = 0
        #: Set by the last call in flight to finish once the client is closed.
        self._drained = asyncio.Event()
        self._redaction: _redact.LogRedaction | None = None
        #: inference component name -> endpoint name, for invoke without an endpoint.
        self._endpoints: dict[str, str] = {}

    @classmethod
    def from_clients(
        cls,
        sagemaker_client: Any,
        runtime_client: Any = None,
        *,
        session: Any = None,
        runtime_endpoint_url: str | None = None,
        wait_policy: waiters.WaitPolicy | None = None,
        retry_policy: retry.RetryPolicy | None = None,
        clock: Clock | None = None,
        rng: Callable[[], float] | None = None,
        autoscaling_client: Any = None,
        cloudwatch_client: Any = None,
    ) -> Self:
        """Wrap existing aiobotocore clients; they stay open when this client closes.

        Without ``runtime_client`` one is created on the first ``invoke`` (from
        ``session``, or a new ``AioSession``, with the SageMaker client's region and
        config) and closed with this client; so are the ``application-autoscaling`` and
        ``cloudwatch`` clients autoscaling (and ``delete_and_wait``) use, unless given.
        The given clients keep their own configuration (botocore's retries and parameter
        validation included).
        """
        self = cls(
            session=session,
            region=sagemaker_client.meta.region_name,
            runtime_endpoint_url=runtime_endpoint_url,
            config=sagemaker_client.meta.config,
            wait_policy=wait_policy,
            retry_policy=retry_policy,
            clock=clock,
            rng=rng,
        )
        self._sm = sagemaker_client
        self._rt = runtime_client
        for service, given in (
            ("application-autoscaling", autoscaling_client),
            ("cloudwatch", cloudwatch_client),
        ):
            if given is not None:
                self._others[service] = given
        self._redact_logs()
        return self

    # -- lifecycle -------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        try:
            await self._sagemaker()
        except BaseException:
            await self.aclose()  # nothing stays open (nor redacting logs) after a failed start
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the aiobotocore clients this client created (not ones it was given).

        Calls in flight get up to :attr:`CLOSE_GRACE` seconds to finish; calls waiting
        to retry or to poll again, and calls made after closing, raise
        :class:`~ic_sdk.errors.ClientClosed`.
        """
        self._closed = True
        self._closed_event.set()
        if self._in_flight:
            try:
                await asyncio.wait_for(self._drained.wait(), self.CLOSE_GRACE)
            except TimeoutError:
                logger.debug("closing with %d calls still in flight", self._in_flight)
        try:
            await self._stack.aclose()
        finally:
            if self._redaction is not None:
                self._redaction.remove()
                self._redaction = None

    def __repr__(self) -> str:
        where = self._endpoint_url or self._region or "default region"
        return f"<InferenceComponentClient {where}{' closed' if self._closed else ''}>"

    # -- any operation -------------------------------------------------------------------

    if TYPE_CHECKING:
        #: ``await client.call(request)``: send any generated operation input
        #: (``models.DescribeEndpointInput(...)``, ``models.runtime.InvokeEndpointInput``...)
        #: and get its output model (``None`` for operations that answer nothing).
        call: Call
        #: ``async for page in client.paginate(request)``: every page of a paginated
        #: operation, each its typed output model.
        paginate: Paginate
    else:

        async def call(self, request):
            """Send any generated operation input; its typed output (see :mod:`ic_sdk._call`)."""
            from ic_sdk import _call

            return await _call.call(self, request)

        def paginate(self, request):
            """Every page of a paginated operation (see :mod:`ic_sdk._call`)."""
            from ic_sdk import _call

            return _call.paginate(self, request)

    # -- teardown ---------------------------------------------------------------------------

    async def teardown(
        self,
        endpoint_name: str,
        *,
        delete_config: bool = True,
        config_name: str | None = None,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: OnTeardownEvent | None = None,
    ) -> None:
        """Delete the endpoint's adapters, then its bases, then it, then its config.

        Waits until each group is gone before the next. Idempotent and resumable: what is
        already gone (or going) counts as done, so run it again after an interruption.
        ``config_name`` is needed only when the endpoint is already gone and its config
        is not named like it. See :mod:`ic_sdk.teardown`.
        """
        from ic_sdk import teardown

        await teardown.teardown(
            self,
            endpoint_name,
            delete_config=delete_config,
            config_name=config_name,
            policy=self._policy(policy, timeout_s),
            on_event=on_event,
        )

    # -- control plane -----------------------------------------------------------------

    async def _create(
        self,
        request: models.CreateInferenceComponentInput,
        *,
        preflight: bool,
        budget: retry.RetryPolicy | None = None,
    ) -> models.CreateInferenceComponentOutput:
        if preflight:
            from ic_sdk.preflight import NOTICE_RULES

            problems = await self.preflight(request)
            raise_errors(
                [p for p in problems if p.rule not in NOTICE_RULES], "CreateInferenceComponent"
            )

        async def settle(error: IcSdkError) -> models.CreateInferenceComponentOutput | None:
            return await reconcile.created(self.describe, request, error)

        return await self._mutate(
            "create_inference_component",
            request,
            models.CreateInferenceComponentOutput,
            reconcile=settle,
            policy=budget,
        )

    async def create(
        self, request: models.CreateInferenceComponentInput, *, preflight: bool = False
    ) -> models.CreateInferenceComponentOutput:
        """CreateInferenceComponent, retried and reconciled.

        When an answer may have been lost and the service then refuses the create (e.g.
        "already existing"), the component is described: if it is the one ``request`` asks
        for, this returns its ARN; otherwise the error stands (see :mod:`ic_sdk.reconcile`).

        With ``preflight=True`` the remote checks of :meth:`preflight` run first and any
        problem (other than "not checked" notices) raises ``ValidationError``.
        """
        return await self._create(request, preflight=preflight)

    async def create_and_wait(
        self,
        request: models.CreateInferenceComponentInput,
        *,
        preflight: bool = False,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeInferenceComponentOutput:
        """:meth:`create`, then :meth:`wait_until_in_service`."""
        await self.create(request, preflight=preflight)
        return await self.wait_until_in_service(
            request.inference_component_name, policy=policy, timeout_s=timeout_s, on_event=on_event
        )

    async def describe(self, name: str) -> models.DescribeInferenceComponentOutput:
        """DescribeInferenceComponent (transient errors retried)."""
        return await self._call(
            "describe_inference_component",
            models.DescribeInferenceComponentInput(inference_component_name=name),
            models.DescribeInferenceComponentOutput,
        )

    async def update(
        self, request: models.UpdateInferenceComponentInput
    ) -> models.UpdateInferenceComponentOutput:
        """UpdateInferenceComponent (a rolling deployment when ``deployment_config`` says so),
        retried and reconciled like :meth:`create`."""

        async def settle(error: IcSdkError) -> models.UpdateInferenceComponentOutput | None:
            return await reconcile.updated(self.describe, request, error)

        return await self._mutate(
            "update_inference_component",
            request,
            models.UpdateInferenceComponentOutput,
            reconcile=settle,
        )

    async def update_and_wait(
        self,
        request: models.UpdateInferenceComponentInput,
        *,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeInferenceComponentOutput:
        """:meth:`update`, then wait until the update has shown and ended ``InService``.

        The component is described once first: the wait does not end on an ``InService``
        answer that predates the update (see ``changed_since`` in
        :func:`ic_sdk.waiters.watch`). An update the service rolls back raises
        :class:`~ic_sdk.errors.UpdateRolledBack` as soon as it shows (the component is
        ``InService`` again without the change); a ``FailureReason`` left by an earlier
        rollback does not fail a later update that succeeds.
        """
        name = request.inference_component_name
        before = await self.describe(name)
        await self.update(request)
        return await self._wait_shows(
            before,
            request,
            reconcile.update_applied,
            "in_service",
            policy=policy,
            timeout_s=timeout_s,
            on_event=on_event,
        )

    async def _wait_shows(
        self,
        before: models.DescribeInferenceComponentOutput,
        request: Any,
        applied: Callable[[Mapping[str, Any], Mapping[str, Any]], bool],
        until: waiters.Until,
        *,
        copies: int | None = None,
        policy: waiters.WaitPolicy | None,
        timeout_s: float | None,
        on_event: waiters.OnEvent | None,
    ) -> models.DescribeInferenceComponentOutput:
        """Wait until ``until`` on a description newer than ``before`` that shows
        ``request`` (``applied`` on the wire forms); a new failure fails the wait."""
        wire = converter.unstructure(request)
        desc = await self._wait_for(
            before.inference_component_name,
            until,
            copies=copies,
            policy=policy,
            timeout_s=timeout_s,
            on_event=on_event,
            changed_since=before.last_modified_time,
            expect=lambda d: applied(wire, converter.unstructure(d)),
            previous_failure=before.failure_reason,
        )
        assert desc is not None  # only "deleted" waits end without a description
        return desc

    def _scale_request(
        self, name: str, copies: int
    ) -> models.UpdateInferenceComponentRuntimeConfigInput:
        return models.UpdateInferenceComponentRuntimeConfigInput(
            inference_component_name=name,
            desired_runtime_config=models.InferenceComponentRuntimeConfig(copy_count=copies),
        )

    async def scale(
        self, name: str, copies: int
    ) -> models.UpdateInferenceComponentRuntimeConfigOutput:
        """UpdateInferenceComponentRuntimeConfig: ask for ``copies`` copies (retried and
        reconciled like :meth:`create`)."""
        request = self._scale_request(name, copies)

        async def settle(
            error: IcSdkError,
        ) -> models.UpdateInferenceComponentRuntimeConfigOutput | None:
            return await reconcile.scaled(self.describe, request, error)

        return await self._mutate(
            "update_inference_component_runtime_config",
            request,
            models.UpdateInferenceComponentRuntimeConfigOutput,
            reconcile=settle,
        )

    async def scale_and_wait(
        self,
        name: str,
        copies: int,
        *,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeInferenceComponentOutput:
        """:meth:`scale`, then :meth:`wait_until_scaled` to exactly ``copies``.

        A scale the service rolls back (the desired count back to the old one, usually
        with a new ``FailureReason``) raises :class:`~ic_sdk.errors.UpdateRolledBack` as
        soon as it shows.
        """
        before = await self.describe(name)
        await self.scale(name, copies)
        return await self._wait_shows(
            before,
            self._scale_request(name, copies),
            reconcile.scale_applied,
            "scaled",
            copies=copies,
            policy=policy,
            timeout_s=timeout_s,
            on_event=on_event,
        )

    async def delete(self, name: str, *, missing_ok: bool = False) -> None:
        """DeleteInferenceComponent, retried and reconciled.

        When an answer may have been lost and the service then says the component is
        already being deleted or gone, the delete counts as done. With
        ``missing_ok=True`` a component that was already gone or already being deleted
        before this call counts as deleted too.
        """
        self._endpoints.pop(name, None)
        request = models.DeleteInferenceComponentInput(inference_component_name=name)
        raise_problems(request)
        wire = converter.unstructure(request)

        async def attempt() -> bool:
            await self._send("delete_inference_component", wire)
            return True

        async def settle(error: IcSdkError) -> bool | None:
            return True if await reconcile.deleted(self.describe, name, error) else None

        try:
            await retry.run(
                "DeleteInferenceComponent",
                attempt,
                policy=self._retry_policy,
                clock=self._clock,
                rng=self._rng,
                reconcile=settle,
            )
        except ResourceNotFound:
            if not missing_ok:
                raise
            logger.debug("inference component %r is already gone", name)
        except ServiceValidationError as exc:
            if not (missing_ok and _DELETE_IN_PROGRESS in exc.message):
                raise
            logger.debug("inference component %r is already being deleted", name)

    async def delete_and_wait(
        self,
        name: str,
        *,
        missing_ok: bool = False,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
    ) -> None:
        """:meth:`remove_autoscaling`, :meth:`delete`, then :meth:`wait_until_deleted`."""
        await self.remove_autoscaling(name)
        await self.delete(name, missing_ok=missing_ok)
        await self.wait_until_deleted(name, policy=policy, timeout_s=timeout_s, on_event=on_event)

    async def list(
        self,
        *,
        name_contains: str | None = None,
        endpoint_name_equals: str | None = None,
        variant_name_equals: str | None = None,
        status_equals: models.InferenceComponentStatus | str | None = None,
        sort_by: models.InferenceComponentSortKey | str | None = None,
        sort_order: models.OrderKey | str | None = None,
        creation_time_after: datetime | None = None,
        creation_time_before: datetime | None = None,
        last_modified_time_after: datetime | None = None,
        last_modified_time_before: datetime | None = None,
        page_size: int | None = None,
    ) -> AsyncGenerator[models.InferenceComponentSummary, None]:
        """ListInferenceComponents, every page: ``async for summary in client.list(...)``.

        The filters and sorting are the API's; ``page_size`` is its ``MaxResults``.
        """
        request = models.ListInferenceComponentsInput(
            name_contains=name_contains,
            endpoint_name_equals=endpoint_name_equals,
            variant_name_equals=variant_name_equals,
            status_equals=status_equals,
            sort_by=sort_by,
            sort_order=sort_order,
            creation_time_after=creation_time_after,
            creation_time_before=creation_time_before,
            last_modified_time_after=last_modified_time_after,
            last_modified_time_before=last_modified_time_before,
            max_results=page_size,
        )
        while True:
            page = await self._call(
                "list_inference_components",
                request,
                models.ListInferenceComponentsOutput,
            )
            for summary in page.inference_components or ():
                yield summary
            if not page.next_token:
                return
            request = attrs.evolve(request, next_token=page.next_token)

    # -- runtime -------------------------------------------------------------------------

    async def invoke(
        self,
        name: str,
        body: Body,
        *,
        content_type: str | None = None,
        accept: str | None = None,
        endpoint_name: str | None = None,
        custom_attributes: str | None = None,
        inference_id: str | None = None,
        session_id: str | None = None,
    ) -> rt.InvokeEndpointOutput:
        """InvokeEndpoint for inference component ``name``; the body is read in full.

        Without ``endpoint_name`` the endpoint is found by describing the component
        (once; it is cached). Throttling, 5xx answers and connection errors are retried.
        """
        raw = await invoke_raw(
            self,
            rt.InvokeEndpointInput,
            "invoke_endpoint",
            name,
            body,
            endpoint_name=endpoint_name,
            content_type=content_type,
            accept=accept,
            custom_attributes=custom_attributes,
            inference_id=inference_id,
            session_id=session_id,
        )
        return self._structure(raw, rt.InvokeEndpointOutput, "InvokeEndpoint")

    async def invoke_stream(
        self,
        name: str,
        body: Body,
        *,
        content_type: str | None = None,
        accept: str | None = None,
        endpoint_name: str | None = None,
        custom_attributes: str | None = None,
        inference_id: str | None = None,
        session_id: str | None = None,
    ) -> AsyncGenerator[bytes, None]:
        """InvokeEndpointWithResponseStream: ``async for chunk in client.invoke_stream(...)``.

        Yields the payload bytes of each ``PayloadPart``. An error event in the stream
        (``ModelStreamError``, ``InternalStreamFailure``) raises ``ServiceError``. The
        response is closed when the iteration ends, fails, or is closed early. Starting
        the stream is retried like :meth:`invoke`; a stream broken midway is not.
        """
        method = "invoke_endpoint_with_response_stream"
        raw = await invoke_raw(
            self,
            rt.InvokeEndpointWithResponseStreamInput,
            method,
            name,
            body,
            endpoint_name=endpoint_name,
            content_type=content_type,
            accept=accept,
            custom_attributes=custom_attributes,
            inference_id=inference_id,
            session_id=session_id,
        )
        async with aclosing(payload_chunks(raw["Body"], method)) as chunks:
            async for chunk in chunks:
                yield chunk

    # -- checks and bulk -----------------------------------------------------------------

    async def preflight(
        self, request: models.CreateInferenceComponentInput, *, ignore: Iterable[str] = ()
    ) -> builtins.list[Problem]:
        """Every problem with ``request``: static ones plus what only the account knows.

        See :func:`ic_sdk.preflight.preflight`.
        """
        from ic_sdk.preflight import preflight

        problems: builtins.list[Problem] = await preflight(self, request, ignore=ignore)
        return problems

    async def create_many(
        self,
        requests: Iterable[models.CreateInferenceComponentInput],
        *,
        concurrency: int = 8,
        wait: bool = False,
        preflight: bool = False,
        policy: waiters.WaitPolicy | None = None,
        timeout_s: float | None = None,
        on_event: waiters.OnEvent | None = None,
    ) -> builtins.list[CreateResult]:
        """Create many components (e.g. hundreds of adapters), ``concurrency`` at a time.

        Returns one :class:`CreateResult` per request, in order: nothing raised is lost, each
        error lands in its request's result. Each create is retried on transient errors
        (throttling, 5xx, dropped connections, unreadable answers) with the wait policy's
        backoff until the policy's timeout, and reconciled when its answer may have been
        lost, so every result says what the service did. With ``wait=True`` each one is
        also awaited ``InService``.

        Cancelling it cancels the creates in flight and raises ``CancelledError``; the
        results finished so far are on that exception
        (:func:`ic_sdk.client.partial_results`).
        """
        return await _create_many(
            self,
            requests,
            concurrency=concurrency,
            wait=wait,
            preflight=preflight,
            policy=self._policy(policy, timeout_s),
            on_event=on_event,
        )
