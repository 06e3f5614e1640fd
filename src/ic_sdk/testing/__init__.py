"""LocalSageMaker: a local emulator of the SageMaker inference-component service.

```python
from aiobotocore.session import get_session
from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker

clock = FakeClock()
async with LocalSageMaker(clock=clock) as sm:
    session = get_session()
    async with session.create_client("sagemaker", **sm.client_kwargs("sagemaker")) as sagemaker:
        await sagemaker.create_endpoint_config(...)   # any plain aiobotocore call
        clock.advance(1)                              # Creating -> InService
```

It serves the SageMaker JSON 1.1 protocol and the runtime REST protocol on 127.0.0.1 over
aiohttp, so plain aiobotocore and boto3 clients work against it unchanged (any fake
credentials). The same core also answers through respx routes for socket-free tests with
aiobotocore's httpx session (``with sm.mock(): ...``, no server started), and stands alone
with ``python -m ic_sdk.testing --port 4566``.

State changes follow an injectable clock (:class:`~ic_sdk.clock.FakeClock` in tests);
faults are injected through :attr:`LocalSageMaker.faults`; each inference component
answers invocations with a pluggable handler (:meth:`LocalSageMaker.set_handler`).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from ic_sdk.clock import Clock, FakeClock, SystemClock
from ic_sdk.testing import _handlers, _protocol, _server, _state
from ic_sdk.testing._alarms import AlarmStates
from ic_sdk.testing._autoscaling_sim import SimulatedTraffic
from ic_sdk.testing._faults import FaultRule, Faults
from ic_sdk.testing._handlers import Handler, Invocation, ModelError, Reply, StreamHandler
from ic_sdk.testing._timeline import Delays

if TYPE_CHECKING:
    import respx

__all__ = [
    "AlarmStates",
    "Delays",
    "FakeClock",
    "FaultRule",
    "Faults",
    "Handler",
    "Invocation",
    "LocalSageMaker",
    "ModelError",
    "Reply",
    "ServiceName",
    "SimulatedTraffic",
    "StreamHandler",
    "serve",
]

#: The services LocalSageMaker serves (``client_kwargs(service)``).
ServiceName = Literal["sagemaker", "sagemaker-runtime", "application-autoscaling", "cloudwatch"]


class LocalSageMaker:
    """The emulator: an async context manager serving on ``127.0.0.1``.

    ``port=0`` picks a free port. ``clock`` drives every state change (a real clock by
    default); ``delays`` says how long each change takes (a :class:`Delays`, or one number
    for all; at most half a second by default). ``require_in_service_endpoint`` refuses
    base components on endpoints that are not yet InService (the service's exact rule is
    undocumented). ``seed`` makes rate-based faults repeatable.

    Each account and region has resources of its own: a request's region is its SigV4
    credential scope's, and its account is ``access_keys[access key]`` (the access key
    :meth:`client_kwargs` hands out belongs to ``account_id``; any other key is an account
    of its own, its id derived from the key). ARNs name that partition, region and account.
    """

    #: The access key :meth:`client_kwargs` hands out.
    ACCESS_KEY = "testing"

    def __init__(
        self,
        *,
        port: int = 0,
        clock: Clock | None = None,
        delays: Delays | float | None = None,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        require_in_service_endpoint: bool = True,
        seed: int = 0,
        access_keys: Mapping[str, str] | None = None,
    ) -> None:
        self.clock: Clock = clock if clock is not None else SystemClock()
        if delays is None:
            delays = Delays()
        elif not isinstance(delays, Delays):
            delays = Delays.uniform(float(delays))
        self.region = region
        self.account_id = account_id
        #: Inject throttling, 5xx, latency, dropped connections and failed deployments.
        self.faults = Faults(seed=seed)
        #: CloudWatch alarm states rolling updates watch (``alarms.set_state(name)``).
        self.alarms = AlarmStates()
        self._accounts = _state.Accounts(
            clock=self.clock,
            delays=delays,
            faults=self.faults,
            alarms=self.alarms,
            default_region=region,
            default_account=account_id,
            default_access_key=self.ACCESS_KEY,
            access_keys=access_keys,
            require_in_service_endpoint=require_in_service_endpoint,
        )
        self._handlers = _handlers.HandlerRegistry()
        self._service = _protocol.Service(
            self._accounts, faults=self.faults, handlers=self._handlers, clock=self.clock
        )
        self._server = _server.Server(self._service, port=port)

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        await self._server.start()

    async def stop(self) -> None:
        await self._server.stop()

    async def __aenter__(self) -> LocalSageMaker:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- where to connect --------------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        """The control plane (``endpoint_url`` of a ``sagemaker`` client)."""
        return self._server.url

    @property
    def runtime_endpoint_url(self) -> str:
        """The runtime (``endpoint_url`` of a ``sagemaker-runtime`` client)."""
        return self._server.url

    def client_kwargs(
        self,
        service: ServiceName,
    ) -> dict[str, Any]:
        """Keyword arguments for ``session.create_client(service, **kwargs)``.

        One URL serves all four services (Application Auto Scaling and CloudWatch too).

        Fake credentials, and ``verify=False``: the emulator speaks plain HTTP, so there is
        no certificate to check, and skipping the CA bundle makes each new client's first
        call about ten times faster.
        """
        url = self.endpoint_url if service == "sagemaker" else self.runtime_endpoint_url
        return {
            "endpoint_url": url,
            "region_name": self.region,
            "aws_access_key_id": self.ACCESS_KEY,
            "aws_secret_access_key": "testing",
            "verify": False,
        }

    # -- behaviour ---------------------------------------------------------------------

    def set_handler(
        self,
        name: str,
        handler: Handler | None = None,
        *,
        stream: StreamHandler | None = None,
    ) -> None:
        """Answer invocations of component ``name`` with ``handler`` / ``stream``.

        ``None`` restores the default JSON echo. A component with only one kind of handler
        serves both operations with it. For an endpoint hosting models directly, name the
        endpoint.
        """
        self._handlers.set(name, handler, stream=stream)

    def add_endpoint(
        self,
        name: str,
        *,
        instance_type: str = "ml.g5.12xlarge",
        instance_count: int = 1,
        execution_role_arn: str = "arn:aws:iam::123456789012:role/LocalSageMaker",
        min_instances: int | None = None,
        max_instances: int | None = None,
    ) -> None:
        """An IC-ready endpoint ``name`` (config of the same name), ``InService`` at once.

        Made through the emulator's own CreateEndpointConfig and CreateEndpoint (same
        rules and messages), in the default account and region. ``min_instances`` and
        ``max_instances`` enable managed instance scaling between them (``min_instances=0``
        lets autoscaling take components to zero copies).
        """
        from ic_sdk.testing._resources import Status

        variant: dict[str, Any] = {
            "VariantName": "AllTraffic",
            "InstanceType": instance_type,
            "InitialInstanceCount": instance_count,
            "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
        }
        if min_instances is not None or max_instances is not None:
            scaling: dict[str, Any] = {"Status": "ENABLED"}
            if min_instances is not None:
                scaling["MinInstanceCount"] = min_instances
            if max_instances is not None:
                scaling["MaxInstanceCount"] = max_instances
            variant["ManagedInstanceScaling"] = scaling
        state = self._accounts.state()
        state.call(
            "CreateEndpointConfig",
            {
                "EndpointConfigName": name,
                "ExecutionRoleArn": execution_role_arn,
                "ProductionVariants": [variant],
            },
        )
        state.call("CreateEndpoint", {"EndpointName": name, "EndpointConfigName": name})
        endpoint = state.endpoint(name)
        endpoint.generation += 1  # the scheduled Creating -> InService no longer applies
        endpoint.status = Status.IN_SERVICE

    def traffic(
        self, name: str, requests: int, *, concurrency: float | None = None
    ) -> SimulatedTraffic:
        """Simulate ``requests`` invocations of component ``name`` now, without HTTP.

        They count in the metrics autoscaling watches exactly as served invocations do
        (or, when the component has no copy, as ``NoCapacityInvocationFailures``), so long
        simulations (a day of load for many components) run in seconds. ``concurrency``
        is how many are in flight at once (default: all of them). Default account and
        region.
        """
        simulation = self._service.simulations.of()
        return simulation.traffic(name, requests, concurrency=concurrency)

    def on_alarm(self, listener: Callable[[str, str, str], None]) -> None:
        """Call ``listener(alarm_name, old_state, new_state)`` on every CloudWatch alarm
        state change (any account and region)."""
        self._service.simulations.add_alarm_listener(listener)

    def mock(self, *, assert_all_called: bool = False) -> respx.MockRouter:
        """A respx router answering SageMaker's default AWS URLs from this emulator.

        ``with sm.mock():`` then use an aiobotocore client built with
        ``AioConfig(http_session_cls=HttpxSession)`` and no ``endpoint_url``, in any region.
        No server needs to run.
        """
        from ic_sdk.testing._respx import mock_router

        return mock_router(self._service, assert_all_called=assert_all_called)


async def serve(
    *,
    port: int = 4566,
    delays: Delays | float | None = None,
    region: str = "us-east-1",
    account_id: str = "123456789012",
    seed: int = 0,
    ready: Callable[[LocalSageMaker], None] | None = None,
) -> None:
    """Serve a :class:`LocalSageMaker` until SIGINT (Ctrl-C) or SIGTERM, then stop cleanly.

    ``ready`` is called once the server listens (to print where). Raises ``OSError`` when
    the port cannot be bound.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for signum in signals:
        loop.add_signal_handler(signum, stop.set)
    try:
        async with LocalSageMaker(
            port=port, delays=delays, region=region, account_id=account_id, seed=seed
        ) as sm:
            if ready is not None:
                ready(sm)
            await stop.wait()
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)
