"""The machinery behind :class:`~ic_sdk.client.InferenceComponentClient`: opening the
aiobotocore clients, sending one attempt, and the retry / reconcile paths every client
method takes (:meth:`ClientCore._call` for reads, :meth:`ClientCore._mutate` for
mutations). Methods added to the client (any operation, endpoints, teardown,
autoscaling) go through these, never around them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from contextlib import AsyncExitStack
from datetime import datetime
from typing import Any, TypeVar

import attrs

from ic_sdk import _redact, models, retry, waiters
from ic_sdk._transport import (
    RetryMode,
    aio_config,
    answer_checker,
    drop_botocore_retries,
    map_error,
    settle_answer,
)
from ic_sdk.clock import Clock
from ic_sdk.errors import ClientClosed, IcSdkError, MalformedResponse, ValidationError
from ic_sdk.serde import structure_fn, unstructure_fn
from ic_sdk.validation import Problem, errors_only, validate

__all__ = ["ClientCore"]

logger = logging.getLogger("ic_sdk.client")

_T = TypeVar("_T")


_OPERATIONS: dict[type, str] = {}


def operation_of(request: object) -> str:
    """The operation a request model is for: ``CreateInferenceComponentInput`` ->
    ``CreateInferenceComponent``."""
    cls = request.__class__
    name = _OPERATIONS.get(cls)
    if name is None:
        name = _OPERATIONS[cls] = cls.__name__.removesuffix("Input")
    return name


def raise_problems(request: object, operation: str | None = None) -> None:
    """Raise :class:`~ic_sdk.errors.ValidationError` if ``validate(request)`` finds problems."""
    problems = validate(request)
    if problems:
        raise_errors(problems, operation or operation_of(request))


def raise_errors(problems: Sequence[Problem], operation: str) -> None:
    """Raise :class:`~ic_sdk.errors.ValidationError` for the errors among ``problems``."""
    # Warnings (e.g. an enum value the pinned botocore does not know yet) are sent.
    if problems := errors_only(problems):
        raise ValidationError(problems, operation=operation)


class ClientCore:
    """State and plumbing shared by every client method (see the module docstring)."""

    _region: str | None
    _profile: str | None
    _session: Any
    _endpoint_url: str | None
    _runtime_endpoint_url: str | None
    _user_config: Any
    _retry_mode: RetryMode
    _retry_policy: retry.RetryPolicy
    _credentials: dict[str, str | None]
    _wait_policy: waiters.WaitPolicy
    _closed_event: asyncio.Event
    _clock: Clock
    _rng: Callable[[], float]
    _sm: Any
    _rt: Any
    _others: dict[str, Any]
    _stack: AsyncExitStack
    _lock: asyncio.Lock
    _closed: bool
    _in_flight: int
    _drained: asyncio.Event
    _redaction: _redact.LogRedaction | None
    _endpoints: dict[str, str]

    def _redact_logs(self) -> None:
        if self._redaction is None:
            secrets = [v for k, v in self._credentials.items() if v and k != "aws_access_key_id"]
            self._redaction = _redact.redacting_logs(secrets)

    def _closed_error(self, what: str) -> ClientClosed:
        return ClientClosed(f"{what}: this InferenceComponentClient is closed")

    async def _open(self, service: str, endpoint_url: str | None) -> Any:
        if self._closed:
            raise self._closed_error(f"creating the {service} client")
        if self._session is None:
            from aiobotocore.session import AioSession

            self._session = AioSession(profile=self._profile)
        self._redact_logs()
        logger.debug("creating %s client (endpoint %s)", service, endpoint_url or "default")
        try:
            creator = self._session.create_client(
                service,
                region_name=self._region,
                endpoint_url=endpoint_url,
                config=aio_config(self._retry_mode, self._user_config),
                **{k: v for k, v in self._credentials.items() if v is not None},
            )
            client = await self._stack.enter_async_context(creator)
        except Exception as exc:
            if self._sm is None and self._rt is None and self._redaction is not None:
                # Nothing was opened: callers of a failed __aenter__ never close.
                self._redaction.remove()
                self._redaction = None
            if isinstance(exc, ValueError):  # botocore: invalid region or endpoint URL
                raise IcSdkError(f"cannot create the {service} client: {exc}") from exc
            mapped = map_error(exc, f"creating the {service} client")
            if mapped is None:
                raise
            raise mapped from exc
        _redact.refresh()
        drop_botocore_retries(client)
        if service == "sagemaker":
            client.meta.events.register(
                "before-parse.sagemaker.*",
                answer_checker(client.meta.endpoint_url),
                unique_id="ic_sdk-answer-check",
            )
        return client

    async def _sagemaker(self) -> Any:
        return await self._opened("_sm", "sagemaker", self._endpoint_url, "SageMaker call")

    async def _runtime(self) -> Any:
        return await self._opened(
            "_rt", "sagemaker-runtime", self._runtime_endpoint_url, "runtime call"
        )

    async def _opened(self, attr: str, service: str, endpoint_url: str | None, what: str) -> Any:
        """The client kept in ``self.<attr>`` (``_sm``, ``_rt``), opened on first use.
        :meth:`_send` reads those attributes itself and comes here only when one is unset."""
        if self._closed:
            raise self._closed_error(what)
        client = getattr(self, attr)
        if client is None:
            async with self._lock:
                client = getattr(self, attr)
                if client is None:
                    client = await self._open(service, endpoint_url)
                    setattr(self, attr, client)
        return client

    async def _other(self, service: str) -> Any:
        """The ``application-autoscaling`` or ``cloudwatch`` client (autoscaling): the same
        endpoint URL, region and credentials as the SageMaker one."""
        if self._closed:
            raise self._closed_error(f"{service} call")
        client = self._others.get(service)
        if client is None:
            async with self._lock:
                client = self._others.get(service)
                if client is None:
                    endpoint_url = self._endpoint_url
                    if endpoint_url is None and self._sm is not None:
                        # from_clients: follow the SageMaker client, unless it uses AWS's URL.
                        given = getattr(self._sm.meta, "endpoint_url", None)
                        if given and "amazonaws.com" not in given:
                            endpoint_url = given
                    client = self._others[service] = await self._open(service, endpoint_url)
        return client

    # -- plumbing ----------------------------------------------------------------------

    async def _send(
        self,
        method: str,
        wire: dict[str, Any],
        out: type[Any] | None = None,
        operation: str = "",
        runtime: bool = False,
        *,
        service: str | None = None,
    ) -> Any:
        """One attempt: call aiobotocore's ``method`` with ``wire``; errors mapped,
        metadata dropped; the answer as an ``out`` model when given (else the dict).
        ``service`` names another control-plane service (``application-autoscaling``,
        ``cloudwatch``). A malformed answer raises
        :class:`~ic_sdk.errors.MalformedResponse`, inside the attempt, so it is retried."""
        if service is not None:
            client = await self._other(service)
        elif runtime:
            client = (
                self._rt if self._rt is not None and not self._closed else await self._runtime()
            )
        else:
            client = (
                self._sm if self._sm is not None and not self._closed else await self._sagemaker()
            )
            _redact.remember_environment(wire)
        _redact.refresh()
        debug = logger.isEnabledFor(logging.DEBUG)
        started = time.perf_counter() if debug else 0.0
        self._in_flight += 1
        try:
            raw: dict[str, Any] = await getattr(client, method)(**wire)
            if runtime:
                body: Any = raw.get("Body")
                if hasattr(body, "read"):
                    async with body:
                        raw["Body"] = await body.read()
        except asyncio.CancelledError as exc:
            task = asyncio.current_task()
            if self._closed and task is not None and not task.cancelling():
                # Nobody cancelled this caller: closing the connections did.
                raise self._closed_error(f"{method} was interrupted") from exc
            raise
        except Exception as exc:
            if self._closed and not isinstance(exc, IcSdkError):
                raise self._closed_error(f"{method} was interrupted") from exc
            meta = client.meta
            api = getattr(meta, "method_to_api_mapping", {}).get(method, method)
            mapped = map_error(exc, api, url=getattr(meta, "endpoint_url", None))
            if mapped is None:
                raise
            logger.debug("%s failed: %s", method, mapped)
            raise mapped from exc
        finally:
            self._in_flight -= 1
            if self._closed and not self._in_flight:
                self._drained.set()  # aclose() is waiting for the last call in flight
        meta = raw.pop("ResponseMetadata", None) or {}
        settle_answer(raw)
        if debug:
            logger.debug(
                "%s took %.1f ms (request id %s)",
                method,
                (time.perf_counter() - started) * 1000,
                meta.get("RequestId"),
            )
        if out is not None:
            return self._structure(raw, out, operation)
        return raw

    async def _send_to(
        self,
        service: str,
        method: str,
        wire: dict[str, Any],
        *,
        applied: Callable[[], Awaitable[dict[str, Any] | None]] | None = None,
    ) -> dict[str, Any]:
        """Any control-plane call in wire form (autoscaling uses it), retried through
        :mod:`ic_sdk.retry`; a mutation passes ``applied`` (its answer, from a description,
        if the service holds what it asked for) to settle an answer that may be lost."""

        async def attempt() -> dict[str, Any]:
            answer: dict[str, Any] = await self._send(
                method, wire, service=None if service == "sagemaker" else service
            )
            return answer

        reconcile = None
        if applied is not None:
            check = applied

            async def reconcile(error: IcSdkError) -> dict[str, Any] | None:
                return await check()

        return await retry.run(
            method,
            attempt,
            policy=self._retry_policy,
            clock=self._clock,
            rng=self._rng,
            reconcile=reconcile,
        )

    def _structure(self, raw: dict[str, Any], out: type[_T], operation: str) -> _T:
        """``raw`` as an ``out`` model; :class:`~ic_sdk.errors.MalformedResponse` if it
        cannot be read as one."""
        try:
            return structure_fn(out)(raw)
        except Exception as exc:
            raise MalformedResponse(
                f"cannot read the answer: {type(exc).__name__}: {exc}", operation=operation
            ) from exc

    async def _call_once(self, method: str, request: Any, out: type[_T]) -> _T:
        """Validate ``request`` (a ``<Operation>Input`` model), send it once, structure
        ``out``. Malformed answers raise :class:`~ic_sdk.errors.MalformedResponse`."""
        operation = operation_of(request)
        raise_problems(request, operation)
        wire = unstructure_fn(request.__class__)(request)
        result: _T = await self._send(method, wire, out, operation)
        return result

    def _run(
        self,
        method: str,
        request: Any,
        out: type[_T],
        reconcile: Callable[[IcSdkError], Awaitable[_T | None]] | None,
        policy: retry.RetryPolicy | None,
    ) -> Coroutine[Any, Any, _T]:
        """The one path of :meth:`_call` and :meth:`_mutate`: validate and serialize
        ``request`` now (raising :class:`~ic_sdk.errors.ValidationError`), then the
        coroutine sending it through :func:`ic_sdk.retry.run` and structuring ``out``.

        Not a coroutine itself: the caller awaits :func:`~ic_sdk.retry.run` directly,
        one frame fewer on every resumption of a call. Each attempt is one coroutine
        (:meth:`_send`, which structures the answer): the path is kept short on purpose,
        because every call runs it with cold caches (``benchmarks/bench_client.py``
        measures it).
        """
        operation = operation_of(request)
        raise_problems(request, operation)
        wire = unstructure_fn(request.__class__)(request)
        # The attempt's arguments go through run(), not a partial: 3 objects fewer alive
        # per call in flight, which 10,000 concurrent calls feel in the collector.
        return retry.run(
            operation,
            self._send,
            method,
            wire,
            out,
            operation,
            policy=policy or self._retry_policy,
            clock=self._clock,
            rng=self._rng,
            reconcile=reconcile,
        )

    def _call(
        self, method: str, request: Any, out: type[_T], *, policy: retry.RetryPolicy | None = None
    ) -> Coroutine[Any, Any, _T]:
        """:meth:`_call_once`, retried on transient errors (for reads). Await it at once:
        a request that does not validate raises when this is called."""
        return self._run(method, request, out, None, policy)

    def _mutate(
        self,
        method: str,
        request: Any,
        out: type[_T],
        *,
        reconcile: Callable[[IcSdkError], Awaitable[_T | None]] | None,
        policy: retry.RetryPolicy | None = None,
    ) -> Coroutine[Any, Any, _T]:
        """Validate, send and retry a mutation; settle a possibly lost answer.

        ``reconcile(error)`` is awaited with the error that ends the call once an answer
        may have been lost (see :func:`ic_sdk.retry.run`); it returns the output if the
        service applied the request after all (usually built from a description with
        :mod:`ic_sdk.reconcile`), else ``None``. This is the path every mutating client
        method takes. Await it at once, as :meth:`_call`.
        """
        return self._run(method, request, out, reconcile, policy)

    def _policy(
        self, policy: waiters.WaitPolicy | None, timeout_s: float | None
    ) -> waiters.WaitPolicy:
        chosen = policy or self._wait_policy
        return chosen if timeout_s is None else attrs.evolve(chosen, timeout=timeout_s)

    def _poll(self, name: str) -> Callable[[], Awaitable[models.DescribeInferenceComponentOutput]]:
        """One describe per poll: the waiter retries failed polls within its own deadline."""
        request = models.DescribeInferenceComponentInput(inference_component_name=name)

        def poll() -> Awaitable[models.DescribeInferenceComponentOutput]:
            return self._call_once(
                "describe_inference_component", request, models.DescribeInferenceComponentOutput
            )

        return poll

    async def _wait_for(
        self,
        name: str,
        until: waiters.Until,
        *,
        copies: int | None = None,
        policy: waiters.WaitPolicy | None,
        timeout_s: float | None,
        on_event: waiters.OnEvent | None,
        changed_since: datetime | None = None,
        expect: Callable[[models.DescribeInferenceComponentOutput], bool] | None = None,
        previous_failure: str | None = None,
    ) -> models.DescribeInferenceComponentOutput | None:
        return await waiters.wait(
            name,
            self._poll(name),
            until=until,
            copies=copies,
            policy=self._policy(policy, timeout_s),
            clock=self._clock,
            rng=self._rng,
            on_event=on_event,
            changed_since=changed_since,
            expect=expect,
            previous_failure=previous_failure,
        )
