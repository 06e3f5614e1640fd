"""The emulator's state: every resource of one account and region, and the operation
registry that acts on it.

Each control-plane operation is a handler ``(state, request) -> response`` registered by
name in :data:`SAGEMAKER_OPERATIONS`; the handlers live beside the resources they act on
(``_endpoint_ops`` for models, endpoint configs and endpoints; ``_component_ops`` for
inference components; ``_tag_ops`` for tags). To add an operation, write its handler in
the module of its resource and list it in that module's ``OPERATIONS``.

Errors are :class:`~ic_sdk.testing._resources.ServiceFault`; the transports (``_server``,
``_respx``) turn answers and faults into HTTP. Nothing here knows about sockets. State
changes are scheduled on a :class:`~ic_sdk.testing._timeline.Timeline`.

Behaviour follows the "How the service behaves" guide; the messages quoted there are
reproduced verbatim. Where the service's exact wording is unknown the message says
plainly what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from ic_sdk.clock import Clock
from ic_sdk.errors import NOT_FOUND_PREFIX
from ic_sdk.testing import _component_ops, _endpoint_ops, _tag_ops
from ic_sdk.testing._checks import validate_request
from ic_sdk.testing._faults import Faults
from ic_sdk.testing._resources import (
    Component,
    Endpoint,
    EndpointConfig,
    Model,
    ServiceFault,
    Wire,
    invalid,
)
from ic_sdk.testing._timeline import Delays, Timeline

__all__ = ["SAGEMAKER_OPERATIONS", "EmulatorState", "Handler"]

#: An operation: the state and the request dict in, the response dict out.
Handler = Callable[["EmulatorState", Wire], Wire]

#: Every SageMaker control-plane operation the emulator answers, by name.
SAGEMAKER_OPERATIONS: Mapping[str, Handler] = MappingProxyType(
    {**_endpoint_ops.OPERATIONS, **_component_ops.OPERATIONS, **_tag_ops.OPERATIONS}
)


class EmulatorState:
    """Every resource of one emulated account and region, and the rules they follow."""

    def __init__(
        self,
        *,
        clock: Clock,
        delays: Delays,
        faults: Faults,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        require_in_service_endpoint: bool = True,
    ) -> None:
        self.clock = clock
        self.delays = delays
        self.faults = faults
        self.region = region
        self.account_id = account_id
        #: Whether a base component needs its endpoint InService (the service's rule is
        #: not documented; strict by default so code that passes here waits properly).
        self.require_in_service_endpoint = require_in_service_endpoint
        self.timeline = Timeline(clock)
        self.models: dict[str, Model] = {}
        self.configs: dict[str, EndpointConfig] = {}
        self.endpoints: dict[str, Endpoint] = {}
        self.components: dict[str, Component] = {}
        self.tags: dict[str, list[Wire]] = {}
        self._operations = SAGEMAKER_OPERATIONS

    # -- entry points ------------------------------------------------------------------

    @property
    def operations(self) -> frozenset[str]:
        return frozenset(self._operations)

    def call(self, operation: str, body: Wire) -> Wire:
        """Run one control-plane operation on its request dict; its response dict."""
        handler = self._operations.get(operation)
        if handler is None:
            raise ServiceFault("UnknownOperationException", "")
        validate_request(operation, body)
        self.settle()
        return handler(self, body)

    def settle(self) -> None:
        """Apply every state change whose time has come."""
        self.timeline.settle()

    def later(
        self, delay: float, resource: Endpoint | Component, action: Callable[[], None]
    ) -> None:
        """Run ``action`` after ``delay``, unless ``resource`` moved on (its generation changed)."""
        self.timeline.later(delay, resource, action)

    def wall(self) -> float:
        """Wall-clock epoch seconds for the clock's now (timestamps on the wire)."""
        return self.timeline.wall()

    def arn(self, kind: str, name: str) -> str:
        # SageMaker ARNs carry the name in lower case; names are unique ignoring case.
        return f"arn:aws:sagemaker:{self.region}:{self.account_id}:{kind}/{name.lower()}"

    def set_tags(self, arn: str, tags: Iterable[Wire] | None) -> None:
        merged = {t["Key"]: t for t in self.tags.get(arn, [])}
        merged.update({t["Key"]: dict(t) for t in tags or ()})
        if len(merged) > 50:
            raise invalid(f"Resource {arn} cannot have more than 50 tags.")
        self.tags[arn] = list(merged.values())

    # -- lookups -------------------------------------------------------------------

    def model(self, name: str) -> Model:
        model = self.models.get(name.lower())
        if model is None:
            raise invalid(f'Could not find model "{self.arn("model", name)}".')
        return model

    def config(self, name: str) -> EndpointConfig:
        config = self.configs.get(name.lower())
        if config is None:
            arn = self.arn("endpoint-config", name)
            raise invalid(f'Could not find endpoint configuration "{arn}".')
        return config

    def endpoint(self, name: str) -> Endpoint:
        endpoint = self.endpoints.get(name.lower())
        if endpoint is None:
            raise invalid(f'Could not find endpoint "{self.arn("endpoint", name)}".')
        return endpoint

    def component(self, name: str) -> Component:
        component = self.components.get(name.lower())
        if component is None:
            arn = self.arn("inference-component", name)
            raise invalid(f'{NOT_FOUND_PREFIX} "{arn}".')
        return component
