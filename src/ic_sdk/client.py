"""``InferenceComponentClient``: the async facade over aiobotocore.

```python
async with InferenceComponentClient(region="us-east-1") as client:
    await client.create(spec)
    ready = await client.wait_until_in_service(spec.inference_component_name)
    answer = await client.invoke(ready.inference_component_name, b"{}", content_type="application/json")
```

Every operation takes and returns the generated models (:mod:`ic_sdk.models`). Each one
validates its input first (raising :class:`~ic_sdk.errors.ValidationError`, nothing sent),
serializes it with :data:`ic_sdk.serde.converter`, calls aiobotocore's public client
method, and structures the answer back into a model. botocore's exceptions never leak:
service errors become :class:`~ic_sdk.errors.ServiceError` subclasses and connection
problems :class:`~ic_sdk.errors.TransportError`, the original kept as ``__cause__``.

aiobotocore is imported when the first aiobotocore client is built, not before.
"""

from __future__ import annotations

import asyncio
import builtins
import logging
import random
import time
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar

import attrs

from ic_sdk import models, waiters
from ic_sdk.clock import Clock, SystemClock
from ic_sdk.errors import (
    IcSdkError,
    ResourceNotFound,
    ServiceValidationError,
    ThrottlingError,
    TransportError,
    ValidationError,
    from_client_error,
)
from ic_sdk.models import runtime as rt
from ic_sdk.serde import converter
from ic_sdk.validation import validate

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Callable, Iterable, Sequence
    from datetime import datetime
    from types import TracebackType

    from ic_sdk.endpoints import EndpointPlan
    from ic_sdk.models._operations import Call, Paginate
    from ic_sdk.teardown import OnTeardownEvent
    from ic_sdk.validation import Problem

__all__ = ["CreateResult", "InferenceComponentClient"]

logger = logging.getLogger("ic_sdk.client")

_T = TypeVar("_T")

RetryMode = Literal["standard", "adaptive", "legacy"]

#: ``Body`` of an invocation: bytes as they are, text encoded as UTF-8.
Body = bytes | bytearray | memoryview | str

#: Marker in the ValidationException the service answers when an IC is already being deleted.
_DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"


@attrs.define(frozen=True, kw_only=True, slots=True)
class CreateResult:
    """What :meth:`InferenceComponentClient.create_many` did with one spec.

    ``output`` is set when the create call succeeded; ``description`` when it was also
    waited for and reached ``InService``; ``error`` holds whatever went wrong (validation,
    the service, the wait), so a failed wait leaves both ``output`` and ``error`` set.
    """

    spec: models.CreateInferenceComponentInput = attrs.field(repr=False)
    output: models.CreateInferenceComponentOutput | None = None
    description: models.DescribeInferenceComponentOutput | None = attrs.field(
        default=None, repr=False
    )
    error: Exception | None = None

    @property
    def name(self) -> str:
        return self.spec.inference_component_name

    @property
    def ok(self) -> bool:
        """True when nothing went wrong."""
        return self.error is None


def _map_error(exc: Exception, operation: str) -> IcSdkError | None:
    """The ``IcSdkError`` for a foreign exception, or ``None`` to let it through.

    ``operation`` labels transport errors; service errors carry botocore's operation name.
    """
    if isinstance(exc, IcSdkError):
        return None
    from botocore import exceptions as bce  # loaded already: a client exists

    if isinstance(exc, bce.ClientError):
        return from_client_error(exc)
    if isinstance(exc, bce.ConnectionError | bce.HTTPClientError | OSError):
        return TransportError(f"{operation}: {exc}")
    module = type(exc).__module__
    if module.startswith(("aiohttp", "httpx", "httpcore")):
        # A transport failure aiobotocore did not translate (e.g. while reading a body).
        return TransportError(f"{operation}: {type(exc).__name__}: {exc}")
    if isinstance(exc, bce.BotoCoreError):
        # Configuration problems: no credentials, no region, ...
        return IcSdkError(f"{operation}: {exc}")
    return None


def _raise_problems(problems: Sequence[Problem], operation: str) -> None:
    if problems:
        raise ValidationError(problems, operation=operation)


def _body_bytes(body: Body) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body)


class InferenceComponentClient:
    """Async client for SageMaker inference components.

    Build it from settings::

        async with InferenceComponentClient(region="us-east-1") as client: ...

    or around aiobotocore clients you already have (which it then never closes)::

        client = InferenceComponentClient.from_clients(sagemaker_client)

    By default botocore's ``standard`` retry mode is used (throttling, 5xx answers and
    connection errors are retried with backoff); ``retry_mode`` picks another and
    ``max_attempts`` caps the attempts per call, the first included (``1``: no retries).
    ``config`` (an ``AioConfig``) tunes the transport; its explicit settings win. The ``sagemaker-runtime`` client is created on the first
    ``invoke``. One instance is meant to be shared by many concurrent tasks.

    ``wait_policy``, ``clock`` and ``rng`` set how the waiters poll (see
    :mod:`ic_sdk.waiters`); tests pass a :class:`~ic_sdk.clock.FakeClock`.
    """

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
        self._max_attempts = max_attempts
        self._credentials = {
            "aws_access_key_id": aws_access_key_id,
            "aws_secret_access_key": aws_secret_access_key,
            "aws_session_token": aws_session_token,
        }
        self._wait_policy = wait_policy or waiters.WaitPolicy()
        self._clock: Clock = clock or SystemClock()
        self._rng: Callable[[], float] = rng or random.random
        self._sm: Any = None
        self._rt: Any = None
        self._stack = AsyncExitStack()
        self._lock = asyncio.Lock()
        self._closed = False
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
        clock: Clock | None = None,
        rng: Callable[[], float] | None = None,
    ) -> Self:
        """Wrap existing aiobotocore clients; they stay open when this client closes.

        Without ``runtime_client`` one is created on the first ``invoke`` (from
        ``session``, or a new ``AioSession``, with the SageMaker client's region and
        config) and closed with this client.
        """
        self = cls(
            session=session,
            region=sagemaker_client.meta.region_name,
            runtime_endpoint_url=runtime_endpoint_url,
            config=sagemaker_client.meta.config,
            wait_policy=wait_policy,
            clock=clock,
            rng=rng,
        )
        self._sm = sagemaker_client
        self._rt = runtime_client
        return self

    # -- lifecycle -------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self._sagemaker()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the aiobotocore clients this client created (not ones it was given)."""
        self._closed = True
        await self._stack.aclose()

    def __repr__(self) -> str:
        where = self._endpoint_url or self._region or "default region"
        return f"<InferenceComponentClient {where}{' closed' if self._closed else ''}>"

    def _aio_config(self) -> Any:
        from aiobotocore.config import AioConfig

        retries: dict[str, Any] = {"mode": self._retry_mode}
        if self._max_attempts is not None:
            retries["total_max_attempts"] = self._max_attempts
        config = AioConfig(retries=retries)
        return config.merge(self._user_config) if self._user_config is not None else config

    async def _open(self, service: str, endpoint_url: str | None) -> Any:
        if self._closed:
            raise RuntimeError("this InferenceComponentClient is closed")
        if self._session is None:
            from aiobotocore.session import AioSession

            self._session = AioSession(profile=self._profile)
        logger.debug("creating %s client (endpoint %s)", service, endpoint_url or "default")
        try:
            creator = self._session.create_client(
                service,
                region_name=self._region,
                endpoint_url=endpoint_url,
                config=self._aio_config(),
                **{k: v for k, v in self._credentials.items() if v is not None},
            )
            return await self._stack.enter_async_context(creator)
        except ValueError as exc:  # botocore: invalid region or endpoint URL
            raise IcSdkError(f"cannot create the {service} client: {exc}") from exc
        except Exception as exc:
            mapped = _map_error(exc, f"creating the {service} client")
            if mapped is None:
                raise
            raise mapped from exc

    async def _sagemaker(self) -> Any:
        if self._sm is None:
            async with self._lock:
                if self._sm is None:
                    self._sm = await self._open("sagemaker", self._endpoint_url)
        elif self._closed:
            raise RuntimeError("this InferenceComponentClient is closed")
        return self._sm

    async def _runtime(self) -> Any:
        if self._rt is None:
            async with self._lock:
                if self._rt is None:
                    self._rt = await self._open("sagemaker-runtime", self._runtime_endpoint_url)
        elif self._closed:
            raise RuntimeError("this InferenceComponentClient is closed")
        return self._rt

    # -- plumbing ----------------------------------------------------------------------

    async def _send(
        self, method: str, wire: dict[str, Any], *, runtime: bool = False
    ) -> dict[str, Any]:
        """Call aiobotocore's ``method`` with ``wire``; errors mapped, metadata dropped."""
        client = await (self._runtime() if runtime else self._sagemaker())
        started = time.perf_counter()
        try:
            raw: dict[str, Any] = await getattr(client, method)(**wire)
            body: Any = raw.get("Body")
            if runtime and hasattr(body, "read"):
                async with body:
                    raw["Body"] = await body.read()
        except Exception as exc:
            mapped = _map_error(exc, method)
            if mapped is None:
                raise
            logger.debug("%s failed: %s", method, mapped)
            raise mapped from exc
        meta = raw.pop("ResponseMetadata", None) or {}
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s took %.1f ms (request id %s)",
                method,
                (time.perf_counter() - started) * 1000,
                meta.get("RequestId"),
            )
        return raw

    def _check(self, request: object, operation: str) -> None:
        """Raise ``ValidationError`` when ``request`` has problems (nothing is sent)."""
        _raise_problems(validate(request), operation)

    async def _call(self, method: str, request: Any, out: type[_T]) -> _T:
        """Validate ``request`` (a ``<Operation>Input`` model), send it, structure ``out``."""
        _raise_problems(validate(request), type(request).__name__.removesuffix("Input"))
        raw = await self._send(method, converter.unstructure(request))
        return converter.structure(raw, out)

    def _policy(
        self, policy: waiters.WaitPolicy | None, timeout: float | None
    ) -> waiters.WaitPolicy:
        chosen = policy or self._wait_policy
        return chosen if timeout is None else attrs.evolve(chosen, timeout=timeout)

    async def _wait_for(
        self,
        name: str,
        until: waiters.Until,
        *,
        copies: int | None = None,
        policy: waiters.WaitPolicy | None,
        timeout: float | None,  # noqa: ASYNC109 - runs on the injected Clock
        on_event: waiters.OnEvent | None,
        changed_since: datetime | None = None,
    ) -> models.DescribeInferenceComponentOutput | None:
        return await waiters.wait(
            name,
            lambda: self.describe(name),
            until=until,
            copies=copies,
            policy=self._policy(policy, timeout),
            clock=self._clock,
            rng=self._rng,
            on_event=on_event,
            changed_since=changed_since,
        )

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

    # -- IC-ready endpoints --------------------------------------------------------------

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
        timeout: float | None = None,  # noqa: ASYNC109 - runs on the injected Clock
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeEndpointOutput:
        """:meth:`create_endpoint`, then :meth:`wait_until_endpoint_in_service`."""
        await self.create_endpoint(plan)
        return await self.wait_until_endpoint_in_service(
            plan.name, policy=policy, timeout=timeout, on_event=on_event
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
        timeout: float | None = None,  # noqa: ASYNC109 - runs on the injected Clock
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeEndpointOutput:
        """Poll until endpoint ``name`` is ``InService``; ``ComponentFailed`` on ``Failed``."""
        from ic_sdk import _deploy

        desc = await _deploy.wait_endpoint(
            self, name, "in_service", policy=self._policy(policy, timeout), on_event=on_event
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
        timeout: float | None = None,  # noqa: ASYNC109 - runs on the injected Clock
        on_event: waiters.OnEvent | None = None,
    ) -> None:
        """:meth:`delete_endpoint`, then poll until the service no longer knows it."""
        from ic_sdk import _deploy

        await _deploy.delete_endpoint(self, name, missing_ok=missing_ok)
        await _deploy.wait_endpoint(
            self, name, "deleted", policy=self._policy(policy, timeout), on_event=on_event
        )

    async def teardown(
        self,
        endpoint_name: str,
        *,
        delete_config: bool = True,
        config_name: str | None = None,
        policy: waiters.WaitPolicy | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - runs on the injected Clock
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
            policy=self._policy(policy, timeout),
            on_event=on_event,
        )

    # -- control plane -----------------------------------------------------------------

    async def create(
        self, spec: models.CreateInferenceComponentInput, *, preflight: bool = False
    ) -> models.CreateInferenceComponentOutput:
        """CreateInferenceComponent.

        With ``preflight=True`` the remote checks of :meth:`preflight` run first and any
        problem (other than "not checked" notices) raises ``ValidationError``.
        """
        if preflight:
            from ic_sdk.preflight import NOTICE_RULES

            problems = await self.preflight(spec)
            _raise_problems(
                [p for p in problems if p.rule not in NOTICE_RULES], "CreateInferenceComponent"
            )
        return await self._call(
            "create_inference_component",
            spec,
            models.CreateInferenceComponentOutput,
        )

    async def create_and_wait(
        self,
        spec: models.CreateInferenceComponentInput,
        *,
        preflight: bool = False,
        policy: waiters.WaitPolicy | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - runs on the injected Clock
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeInferenceComponentOutput:
        """:meth:`create`, then :meth:`wait_until_in_service`."""
        await self.create(spec, preflight=preflight)
        return await self.wait_until_in_service(
            spec.inference_component_name, policy=policy, timeout=timeout, on_event=on_event
        )

    async def describe(self, name: str) -> models.DescribeInferenceComponentOutput:
        """DescribeInferenceComponent."""
        return await self._call(
            "describe_inference_component",
            models.DescribeInferenceComponentInput(inference_component_name=name),
            models.DescribeInferenceComponentOutput,
        )

    async def update(
        self, spec: models.UpdateInferenceComponentInput
    ) -> models.UpdateInferenceComponentOutput:
        """UpdateInferenceComponent (a rolling deployment when ``deployment_config`` says so)."""
        return await self._call(
            "update_inference_component",
            spec,
            models.UpdateInferenceComponentOutput,
        )

    async def update_and_wait(
        self,
        spec: models.UpdateInferenceComponentInput,
        *,
        policy: waiters.WaitPolicy | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - runs on the injected Clock
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeInferenceComponentOutput:
        """:meth:`update`, then wait until the update has shown and ended ``InService``.

        The component is described once first: the wait does not end on an ``InService``
        answer that predates the update (see ``changed_since`` in
        :func:`ic_sdk.waiters.watch`). A rolled-back update ends ``InService`` with
        ``failure_reason`` set: check it.
        """
        name = spec.inference_component_name
        before = await self.describe(name)
        await self.update(spec)
        desc = await self._wait_for(
            name,
            "in_service",
            policy=policy,
            timeout=timeout,
            on_event=on_event,
            changed_since=before.last_modified_time,
        )
        assert desc is not None  # only "deleted" waits end without a description
        return desc

    async def scale(
        self, name: str, copies: int
    ) -> models.UpdateInferenceComponentRuntimeConfigOutput:
        """UpdateInferenceComponentRuntimeConfig: ask for ``copies`` copies."""
        return await self._call(
            "update_inference_component_runtime_config",
            models.UpdateInferenceComponentRuntimeConfigInput(
                inference_component_name=name,
                desired_runtime_config=models.InferenceComponentRuntimeConfig(copy_count=copies),
            ),
            models.UpdateInferenceComponentRuntimeConfigOutput,
        )

    async def scale_and_wait(
        self,
        name: str,
        copies: int,
        *,
        policy: waiters.WaitPolicy | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - runs on the injected Clock
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeInferenceComponentOutput:
        """:meth:`scale`, then :meth:`wait_until_scaled` to exactly ``copies``."""
        await self.scale(name, copies)
        return await self.wait_until_scaled(
            name, copies=copies, policy=policy, timeout=timeout, on_event=on_event
        )

    async def delete(self, name: str, *, missing_ok: bool = False) -> None:
        """DeleteInferenceComponent.

        With ``missing_ok=True`` a component that is already gone or already being
        deleted counts as deleted.
        """
        self._endpoints.pop(name, None)
        request = models.DeleteInferenceComponentInput(inference_component_name=name)
        _raise_problems(validate(request), "DeleteInferenceComponent")
        try:
            await self._send("delete_inference_component", converter.unstructure(request))
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
        timeout: float | None = None,  # noqa: ASYNC109 - runs on the injected Clock
        on_event: waiters.OnEvent | None = None,
    ) -> None:
        """:meth:`delete`, then :meth:`wait_until_deleted`."""
        await self.delete(name, missing_ok=missing_ok)
        await self.wait_until_deleted(name, policy=policy, timeout=timeout, on_event=on_event)

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

    # -- waiters -------------------------------------------------------------------------

    async def wait_until_in_service(
        self,
        name: str,
        *,
        policy: waiters.WaitPolicy | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - runs on the injected Clock
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeInferenceComponentOutput:
        """Poll until ``InService``; raise ``ComponentFailed`` on ``Failed``.

        Returns the final description. ``timeout`` (seconds) overrides the policy's.
        """
        desc = await self._wait_for(
            name, "in_service", policy=policy, timeout=timeout, on_event=on_event
        )
        assert desc is not None  # a successful in-service wait always ends on a description
        return desc

    async def wait_until_scaled(
        self,
        name: str,
        *,
        copies: int | None = None,
        policy: waiters.WaitPolicy | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - runs on the injected Clock
        on_event: waiters.OnEvent | None = None,
    ) -> models.DescribeInferenceComponentOutput:
        """Poll until ``InService`` with current copies equal to desired copies.

        With ``copies``, the desired count must also equal it.
        """
        desc = await self._wait_for(
            name, "scaled", copies=copies, policy=policy, timeout=timeout, on_event=on_event
        )
        assert desc is not None  # a successful scaled wait always ends on a description
        return desc

    async def wait_until_deleted(
        self,
        name: str,
        *,
        policy: waiters.WaitPolicy | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - runs on the injected Clock
        on_event: waiters.OnEvent | None = None,
    ) -> None:
        """Poll until the service no longer knows the component."""
        await self._wait_for(name, "deleted", policy=policy, timeout=timeout, on_event=on_event)

    def watch(
        self,
        name: str,
        *,
        until: waiters.Until = "in_service",
        copies: int | None = None,
        policy: waiters.WaitPolicy | None = None,
        timeout: float | None = None,
    ) -> AsyncGenerator[waiters.WaiterEvent, None]:
        """The waiter as an async iterator of :class:`~ic_sdk.waiters.WaiterEvent`.

        Ends after the ``SUCCEEDED`` event and raises what the matching ``wait_until_*``
        raises. Breaking out early leaves nothing running (no request is in flight while
        an event is being handled); ``contextlib.aclosing`` closes it at once.
        """
        return waiters.watch(
            name,
            lambda: self.describe(name),
            until=until,
            copies=copies,
            policy=self._policy(policy, timeout),
            clock=self._clock,
            rng=self._rng,
        )

    # -- runtime -------------------------------------------------------------------------

    async def _endpoint_for(self, name: str, endpoint_name: str | None) -> str:
        if endpoint_name is not None:
            return endpoint_name
        cached = self._endpoints.get(name)
        if cached is not None:
            return cached
        desc = await self.describe(name)
        if desc.endpoint_name is None:
            raise IcSdkError(f"the service did not say which endpoint hosts {name!r}")
        self._endpoints[name] = desc.endpoint_name
        return desc.endpoint_name

    def _forget_endpoint(self, name: str, exc: IcSdkError) -> None:
        # A cached endpoint may be stale (component deleted and created elsewhere): the
        # runtime then answers ValidationError. Model errors say nothing about routing.
        if isinstance(exc, ResourceNotFound) or (
            isinstance(exc, ServiceValidationError) and exc.code.startswith("Validation")
        ):
            self._endpoints.pop(name, None)

    async def _invoke_raw(
        self,
        shape: type[rt.InvokeEndpointInput] | type[rt.InvokeEndpointWithResponseStreamInput],
        operation: str,
        method: str,
        name: str,
        body: Body,
        *,
        endpoint_name: str | None,
        **options: str | None,
    ) -> dict[str, Any]:
        """Validate and send one runtime invocation of component ``name``; the raw answer."""
        endpoint = await self._endpoint_for(name, endpoint_name)
        request = shape(
            endpoint_name=endpoint,
            inference_component_name=name,
            body=_body_bytes(body),
            **options,
        )
        _raise_problems(validate(request), operation)
        try:
            return await self._send(method, converter.unstructure(request), runtime=True)
        except IcSdkError as exc:
            self._forget_endpoint(name, exc)
            raise

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
        (once; it is cached).
        """
        raw = await self._invoke_raw(
            rt.InvokeEndpointInput,
            "InvokeEndpoint",
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
        return converter.structure(raw, rt.InvokeEndpointOutput)

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
        response is closed when the iteration ends, fails, or is closed early.
        """
        operation = "invoke_endpoint_with_response_stream"
        raw = await self._invoke_raw(
            rt.InvokeEndpointWithResponseStreamInput,
            "InvokeEndpointWithResponseStream",
            operation,
            name,
            body,
            endpoint_name=endpoint_name,
            content_type=content_type,
            accept=accept,
            custom_attributes=custom_attributes,
            inference_id=inference_id,
            session_id=session_id,
        )
        stream = raw["Body"]
        events = aiter(stream)
        try:
            while True:
                try:
                    event = await anext(events)
                except StopAsyncIteration:
                    return
                except Exception as exc:
                    mapped = _map_error(exc, operation)
                    if mapped is None:
                        raise
                    raise mapped from exc
                part = event.get("PayloadPart")
                if part is not None and part.get("Bytes"):
                    yield part["Bytes"]
        finally:
            await events.aclose()
            stream.close()

    # -- checks and bulk -----------------------------------------------------------------

    async def preflight(
        self, spec: models.CreateInferenceComponentInput, *, ignore: Iterable[str] = ()
    ) -> builtins.list[Problem]:
        """Every problem with ``spec``: static ones plus what only the account knows.

        See :func:`ic_sdk.preflight.preflight`.
        """
        from ic_sdk.preflight import preflight

        problems: builtins.list[Problem] = await preflight(self, spec, ignore=ignore)
        return problems

    async def create_many(
        self,
        specs: Iterable[models.CreateInferenceComponentInput],
        *,
        concurrency: int = 8,
        wait: bool = False,
        preflight: bool = False,
        policy: waiters.WaitPolicy | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - runs on the injected Clock
        on_event: waiters.OnEvent | None = None,
    ) -> builtins.list[CreateResult]:
        """Create many components (e.g. hundreds of adapters), ``concurrency`` at a time.

        Returns one :class:`CreateResult` per spec, in order: nothing raised is lost, each
        error lands in its spec's result. A create that is still throttled after
        botocore's retries is retried with the wait policy's backoff until the policy's
        timeout. With ``wait=True`` each one is also awaited ``InService``.
        """
        if concurrency < 1:
            raise ValueError(f"concurrency must be >= 1, got {concurrency}")
        todo = builtins.list(specs)
        chosen = self._policy(policy, timeout)
        results: builtins.list[CreateResult | None] = [None] * len(todo)

        async def create_one(spec: models.CreateInferenceComponentInput) -> CreateResult:
            started = self._clock.now()
            attempt = 0
            while True:
                try:
                    output = await self.create(spec, preflight=preflight)
                    break
                except ThrottlingError as exc:
                    if self._clock.now() - started >= chosen.timeout:
                        return CreateResult(spec=spec, error=exc)
                    await self._clock.sleep(chosen.backoff.delay(attempt, self._rng()))
                    attempt += 1
                except Exception as exc:
                    return CreateResult(spec=spec, error=exc)
            if not wait:
                return CreateResult(spec=spec, output=output)
            try:
                desc = await self.wait_until_in_service(
                    spec.inference_component_name, policy=chosen, on_event=on_event
                )
            except Exception as exc:
                return CreateResult(spec=spec, output=output, error=exc)
            return CreateResult(spec=spec, output=output, description=desc)

        pending = iter(enumerate(todo))

        async def worker() -> None:
            for index, spec in pending:
                results[index] = await create_one(spec)

        async with asyncio.TaskGroup() as group:
            for _ in range(min(concurrency, len(todo))):
                group.create_task(worker())
        done = [r for r in results if r is not None]
        assert len(done) == len(todo)  # every worker ran to completion
        return done
