"""The emulator's state: every resource of one account and region, the operation
registry that acts on it, and :class:`Accounts`, which keeps one state per account and
region (requests are isolated by their SigV4 credential: the access key names the
account, the credential scope the region).

Each control-plane operation is a handler ``(state, request) -> response`` registered by
name in :data:`SAGEMAKER_OPERATIONS`; the handlers live beside the resources they act on
(``_endpoint_ops`` for models, endpoint configs and endpoints; ``_component_ops`` for
inference components; ``_tag_ops`` for tags). To add an operation, write its handler in
the module of its resource and list it in that module's ``OPERATIONS``.

Errors are :class:`~ic_sdk.testing._resources.ServiceFault`; the transports (``_server``,
``_respx``) turn answers and faults into HTTP. Nothing here knows about sockets. State
changes are scheduled on a :class:`~ic_sdk.testing._timeline.Timeline`.

Behaviour follows the "How the service behaves" guide
(``docs/guides/service-behaviour.md``); the messages quoted there are reproduced
verbatim. Where the service's exact wording is unknown the message says plainly what is
wrong.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TypeVar

from ic_sdk.clock import Clock
from ic_sdk.errors import NOT_FOUND_PREFIX
from ic_sdk.testing import _component_ops, _endpoint_ops, _list_ops, _tag_ops
from ic_sdk.testing._alarms import AlarmStates
from ic_sdk.testing._checks import clean_request, validate_request
from ic_sdk.testing._faults import Faults
from ic_sdk.testing._resources import (
    Component,
    Endpoint,
    EndpointConfig,
    Model,
    ServiceFault,
    Status,
    Wire,
    invalid,
)
from ic_sdk.testing._timeline import Delays, Timeline

__all__ = ["SAGEMAKER_OPERATIONS", "Accounts", "EmulatorState", "Handler", "partition"]

_Lived = TypeVar("_Lived", Endpoint, Component)

#: An operation: the state and the request dict in, the response dict out.
Handler = Callable[["EmulatorState", Wire], Wire]

#: Every SageMaker control-plane operation the emulator answers, by name.
SAGEMAKER_OPERATIONS: Mapping[str, Handler] = MappingProxyType(
    {
        **_endpoint_ops.OPERATIONS,
        **_component_ops.OPERATIONS,
        **_list_ops.OPERATIONS,
        **_tag_ops.OPERATIONS,
    }
)


def partition(region: str) -> str:
    """The ARN partition of ``region`` (``aws``, ``aws-cn``, ``aws-us-gov``, ...)."""
    for prefix, name in (
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-iso-", "aws-iso"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-isof-", "aws-iso-f"),
    ):
        if region.startswith(prefix):
            return name
    return "aws"


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
        timeline: Timeline | None = None,
        alarms: AlarmStates | None = None,
    ) -> None:
        self.clock = clock
        self.delays = delays
        self.faults = faults
        self.region = region
        self.account_id = account_id
        self.partition = partition(region)
        #: Whether a base component needs its endpoint InService (the service's rule is
        #: not documented; strict by default so code that passes here waits properly).
        self.require_in_service_endpoint = require_in_service_endpoint
        self.timeline = timeline if timeline is not None else Timeline(clock)
        self.alarms = alarms if alarms is not None else AlarmStates()
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
            raise _not_emulated(operation)
        body = clean_request(operation, body)
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

    def settle_create(
        self,
        delay: float,
        resource: Endpoint | Component,
        on_ready: Callable[[], None] | None = None,
    ) -> None:
        """After ``delay``, a created ``resource`` is ``InService`` (then ``on_ready`` runs),
        or ``Failed`` with the reason of an injected create failure."""
        failure = self.faults.take_create_failure(resource.name)

        def finish() -> None:
            resource.modified = self.wall()
            if failure is not None:
                resource.status = Status.FAILED
                resource.failure_reason = failure
            else:
                resource.status = Status.IN_SERVICE
                if on_ready is not None:
                    on_ready()

        self.later(delay, resource, finish)

    def start_delete(self, delay: float, table: dict[str, _Lived], resource: _Lived) -> None:
        """``resource`` is ``Deleting`` now (pending changes to it are dropped) and, after
        ``delay``, gone from ``table`` with its tags."""
        resource.generation += 1
        resource.status = Status.DELETING
        resource.modified = self.wall()

        def finish() -> None:
            del table[resource.name.lower()]
            self.tags.pop(resource.arn, None)

        self.later(delay, resource, finish)

    def wall(self) -> float:
        """Wall-clock epoch seconds for the clock's now (timestamps on the wire)."""
        return self.timeline.wall()

    def arn(self, kind: str, name: str) -> str:
        # SageMaker ARNs carry the name in lower case; names are unique ignoring case.
        return (
            f"arn:{self.partition}:sagemaker:{self.region}:{self.account_id}:{kind}/{name.lower()}"
        )

    def claim(self, table: Mapping[str, object], kind: str, name: str, label: str) -> str:
        """The ARN a new ``kind`` named ``name`` gets, refused when ``table`` already has
        the name (names ignore case)."""
        arn = self.arn(kind, name)
        if name.lower() in table:
            raise invalid(f'Cannot create already existing {label} "{arn}".')
        return arn

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

    def hosted(self, endpoint: Endpoint) -> list[Component]:
        """The inference components on ``endpoint``, by name."""
        return sorted(
            (c for c in self.components.values() if c.endpoint is endpoint), key=lambda c: c.name
        )

    def component(self, name: str) -> Component:
        component = self.components.get(name.lower())
        if component is None:
            arn = self.arn("inference-component", name)
            raise invalid(f'{NOT_FOUND_PREFIX} "{arn}".')
        return component


def _not_emulated(operation: str) -> ServiceFault:
    """The answer to an operation the emulator does not serve (a 400: never retried)."""
    from ic_sdk.models._operations import OPERATIONS

    if any(op.name == operation for op in OPERATIONS.values()):
        return ServiceFault(
            "UnknownOperationException",
            f"LocalSageMaker does not emulate {operation}; it emulates "
            "models, endpoint configs, endpoints, inference components and tags.",
        )
    return ServiceFault("UnknownOperationException", "")


def derived_account(access_key: str) -> str:
    """A stable 12-digit account id for an access key nobody mapped."""
    digest = hashlib.sha256(access_key.encode()).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**12:012d}"


class Accounts:
    """One :class:`EmulatorState` per account and region, made on first use.

    ``access_keys`` maps access key ids to account ids; the default access key
    (``default_access_key``, what :meth:`LocalSageMaker.client_kwargs` hands out) belongs
    to ``default_account``; any other key is an account of its own, with an id derived
    from the key. The clock, the delays, the faults and the alarms are shared.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        delays: Delays,
        faults: Faults,
        alarms: AlarmStates,
        default_region: str,
        default_account: str,
        default_access_key: str,
        access_keys: Mapping[str, str] | None = None,
        require_in_service_endpoint: bool = True,
    ) -> None:
        self.clock = clock
        self.delays = delays
        self.faults = faults
        self.alarms = alarms
        self.default_region = default_region
        self.default_account = default_account
        self.access_keys = {default_access_key: default_account, **(access_keys or {})}
        self.require_in_service_endpoint = require_in_service_endpoint
        self.timeline = Timeline(clock)
        self._states: dict[tuple[str, str], EmulatorState] = {}

    def account_of(self, access_key: str) -> str:
        account = self.access_keys.get(access_key)
        return account if account is not None else derived_account(access_key)

    def state(self, account_id: str | None = None, region: str | None = None) -> EmulatorState:
        """The state of ``account_id`` in ``region`` (the defaults when ``None``)."""
        key = (account_id or self.default_account, region or self.default_region)
        state = self._states.get(key)
        if state is None:
            state = self._states[key] = EmulatorState(
                clock=self.clock,
                delays=self.delays,
                faults=self.faults,
                account_id=key[0],
                region=key[1],
                require_in_service_endpoint=self.require_in_service_endpoint,
                timeline=self.timeline,
                alarms=self.alarms,
            )
        return state
