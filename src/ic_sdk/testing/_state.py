"""The emulator's core: resources, their lifecycle, capacity and the service's rules.

Everything here speaks botocore wire dicts (PascalCase keys, timestamps as epoch seconds)
and raises :class:`ServiceFault` for errors; the transports (``_server``, ``_respx``) turn
both into HTTP. Nothing here knows about sockets. A request dict handed in becomes the
state's own (each is freshly parsed JSON); a response dict may share parts with the state,
and is only read (serialized at once), never changed.

Time: every state change is an event scheduled on the injected :class:`~ic_sdk.clock.Clock`
("InService at t+0.5"). Events are applied lazily, at the start of every request, for
whatever time the clock shows then, so a test with ``FakeClock`` sees components change
state exactly when its waiter's sleeps move the clock.

Behaviour follows ``IC_SEMANTICS.md``; the messages quoted there are reproduced verbatim.
Where the service's exact wording is unknown the message says plainly what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import heapq
import itertools
import json
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from ic_sdk.clock import Clock
from ic_sdk.errors import NOT_FOUND_PREFIX
from ic_sdk.instance_types import Requirement, fitting_copies, lookup
from ic_sdk.testing._faults import Faults

__all__ = [
    "Delays",
    "EmulatorState",
    "InvocationTarget",
    "ServiceFault",
    "validate_request",
]

Wire = dict[str, Any]

#: Message of the service when a base component is created with zero copies (verbatim).
COPY_COUNT_ZERO_MESSAGE: Final = "Inference components copy count an integer larger than 0"
#: Message of the runtime when an IC endpoint is invoked without the IC header.
IC_HEADER_REQUIRED_MESSAGE: Final = (
    "Inference Component Name header is required for endpoints to which you plan to deploy "
    "inference components. Please include Inference Component Name header or consider using "
    "SageMaker models."
)
#: Message of the control plane when an IC targets an endpoint that cannot host one.
IC_NOT_SUPPORTED_MESSAGE: Final = (
    "Inference Components are not supported in this Endpoint. Please make sure this "
    "endpoint can deploy inference components."
)
NO_CAPACITY_MESSAGE: Final = (
    "Inference Component has no capacity to process this request. ApplicationAutoScaling "
    "may be in-progress (if configured) or try to increase the capacity by invoking "
    "UpdateInferenceComponentRuntimeConfig API."
)

# Problem rules that are the service model's own constraints. Anything else `validate`
# reports is an ic_sdk rule about inference components, which the emulator enforces
# itself, with the service's messages.
_MODEL_RULES: Final = frozenset(
    {"required", "type", "min_length", "max_length", "min", "max", "pattern", "enum"}
)


class ServiceFault(Exception):
    """An error answer of the service: code, message, HTTP status, extra body fields."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        fields: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.fields: Mapping[str, Any] = fields or {}


def _invalid(message: str) -> ServiceFault:
    return ServiceFault("ValidationException", message)


def _runtime_invalid(message: str) -> ServiceFault:
    return ServiceFault("ValidationError", message)


class Status(enum.StrEnum):
    CREATING = "Creating"
    IN_SERVICE = "InService"
    UPDATING = "Updating"
    DELETING = "Deleting"
    FAILED = "Failed"


@attrs.frozen(kw_only=True)
class Delays:
    """How long each state change takes, in seconds of the emulator's clock."""

    endpoint_create: float = 0.5
    endpoint_delete: float = 0.3
    component_create: float = 0.5
    component_update: float = 0.4
    component_delete: float = 0.3

    @classmethod
    def uniform(cls, seconds: float) -> Delays:
        """Every change takes ``seconds``."""
        return cls(
            endpoint_create=seconds,
            endpoint_delete=seconds,
            component_create=seconds,
            component_update=seconds,
            component_delete=seconds,
        )


# -- request validation -------------------------------------------------------------------


def _service_path(path: str) -> str:
    """``Specification.Container.Environment`` -> ``specification.container.environment``."""
    return ".".join(part[:1].lower() + part[1:] for part in path.split("."))


def validate_request(operation: str, body: Mapping[str, Any]) -> None:
    """Reject a request that breaks the service model's constraints, as the service does.

    The one place the emulator checks a request against the model: ``ic_sdk.validate``
    on the wire dict, keeping the model's own rules (required, type, length, range,
    pattern, enum). The answer is a ``ValidationException`` listing every problem.
    """
    from ic_sdk import models
    from ic_sdk.validation import validate

    shape = getattr(models, f"{operation}Input", None)
    if shape is None:
        return
    problems = [p for p in validate(dict(body), shape) if p.rule in _MODEL_RULES]
    if not problems:
        return
    count = len(problems)
    details = "; ".join(
        f"Value at '{_service_path(p.path)}' failed to satisfy constraint: {p.message}"
        for p in problems
    )
    raise _invalid(f"{count} validation error{'s' if count != 1 else ''} detected: {details}")


# -- resources ------------------------------------------------------------------------


@attrs.define(kw_only=True, eq=False)
class _Model:
    name: str
    arn: str
    created: float
    request: Wire


@attrs.define(kw_only=True, eq=False)
class _EndpointConfig:
    name: str
    arn: str
    created: float
    request: Wire

    @property
    def variants(self) -> list[Wire]:
        return list(self.request.get("ProductionVariants") or [])

    @property
    def hosts_components(self) -> bool:
        """An IC endpoint: an execution role, and no variant names a model."""
        return bool(self.request.get("ExecutionRoleArn")) and not any(
            v.get("ModelName") for v in self.variants
        )


@attrs.define(kw_only=True, eq=False)
class _Endpoint:
    name: str
    arn: str
    config: _EndpointConfig
    created: float
    modified: float
    status: Status
    failure_reason: str | None = None
    generation: int = 0

    def variant(self, name: str) -> Wire | None:
        return next((v for v in self.config.variants if v.get("VariantName") == name), None)


@attrs.define(kw_only=True, eq=False)
class _Component:
    name: str
    arn: str
    endpoint: _Endpoint
    variant: str
    created: float
    modified: float
    status: Status
    specification: Wire | None
    specifications: list[Wire] | None
    desired: int
    current: int
    base: _Component | None = None
    failure_reason: str | None = None
    last_deployment: Wire | None = None
    generation: int = 0

    @property
    def reserved_copies(self) -> int:
        """Copies holding capacity: wanted ones while alive, running ones while deleting."""
        if self.status is Status.FAILED:
            return 0
        if self.status is Status.DELETING:
            return self.current
        return max(self.desired, self.current)


@attrs.frozen(kw_only=True)
class InvocationTarget:
    """Who answers an invocation."""

    endpoint_name: str
    variant_name: str
    component_name: str | None
    base_component_name: str | None


@attrs.frozen(order=True)
class _Event:
    at: float
    seq: int
    action: Callable[[], None] = attrs.field(order=False)


def _instance_count(variant: Mapping[str, Any]) -> int:
    """Instances a variant may use: its initial count, or its managed-scaling maximum."""
    count = int(variant.get("InitialInstanceCount") or 1)
    scaling = variant.get("ManagedInstanceScaling") or {}
    if scaling.get("Status") == "ENABLED" and scaling.get("MaxInstanceCount"):
        count = max(count, int(scaling["MaxInstanceCount"]))
    return count


def _requirement(
    spec: Wire | None, specs: list[Wire] | None, instance_type: str | None
) -> Requirement | None:
    """What one copy reserves on ``instance_type`` (the matching entry of ``Specifications``)."""
    entry = spec
    if specs:
        entry = next((e for e in specs if e.get("InstanceType") == instance_type), specs[0])
    return Requirement.from_wire(entry.get("ComputeResourceRequirements")) if entry else None


def _without_tags(request: Mapping[str, Any]) -> Wire:
    return {k: v for k, v in request.items() if k != "Tags"}


def _copies(count: int) -> str:
    return f"{count} cop{'y' if count == 1 else 'ies'}"


# -- the state ------------------------------------------------------------------------


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
        self._epoch = time.time() - clock.now()
        self._events: list[_Event] = []
        self._seq = itertools.count()
        #: While an event runs, "now" is its time (catching up after a clock jump).
        self._event_time: float | None = None
        self._models: dict[str, _Model] = {}
        self._configs: dict[str, _EndpointConfig] = {}
        self._endpoints: dict[str, _Endpoint] = {}
        self._components: dict[str, _Component] = {}
        self._tags: dict[str, list[Wire]] = {}
        self._operations: dict[str, Callable[[Wire], Wire]] = {
            "CreateModel": self.create_model,
            "DescribeModel": self.describe_model,
            "DeleteModel": self.delete_model,
            "CreateEndpointConfig": self.create_endpoint_config,
            "DescribeEndpointConfig": self.describe_endpoint_config,
            "DeleteEndpointConfig": self.delete_endpoint_config,
            "CreateEndpoint": self.create_endpoint,
            "DescribeEndpoint": self.describe_endpoint,
            "DeleteEndpoint": self.delete_endpoint,
            "CreateInferenceComponent": self.create_inference_component,
            "DescribeInferenceComponent": self.describe_inference_component,
            "UpdateInferenceComponent": self.update_inference_component,
            "UpdateInferenceComponentRuntimeConfig": self.update_inference_component_runtime_config,
            "DeleteInferenceComponent": self.delete_inference_component,
            "ListInferenceComponents": self.list_inference_components,
            "ListTags": self.list_tags,
            "AddTags": self.add_tags,
        }

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
        return handler(body)

    def settle(self) -> None:
        """Apply every state change whose time has come."""
        if self._event_time is not None:
            return  # an event is running (and calling operations): no re-entry
        now = self.clock.now()
        try:
            while self._events and self._events[0].at <= now:
                event = heapq.heappop(self._events)
                self._event_time = event.at
                event.action()
        finally:
            self._event_time = None

    def now(self) -> float:
        """The emulator's time: the running event's, else the clock's."""
        return self.clock.now() if self._event_time is None else self._event_time

    def schedule(self, at: float, action: Callable[[], None]) -> None:
        """Run ``action`` at clock time ``at``, in order with every other state change."""
        heapq.heappush(self._events, _Event(at, next(self._seq), action))

    def component_copies(self, name: str) -> tuple[int, int, bool] | None:
        """``(desired, current, in_service)`` of a base component; ``None`` if absent."""
        component = self._components.get(name.lower())
        if component is None or component.base is not None:
            return None
        return component.desired, component.current, component.status is Status.IN_SERVICE

    def _later(
        self, delay: float, resource: _Endpoint | _Component, action: Callable[[], None]
    ) -> None:
        """Run ``action`` after ``delay``, unless ``resource`` moved on (its generation changed)."""
        generation = resource.generation

        def run() -> None:
            if resource.generation == generation:
                action()

        heapq.heappush(self._events, _Event(self.now() + delay, next(self._seq), run))

    def _wall(self) -> float:
        """Wall-clock epoch seconds for the clock's now (timestamps on the wire)."""
        return round(self._epoch + self.now(), 3)

    def _arn(self, kind: str, name: str) -> str:
        # SageMaker ARNs carry the name in lower case; names are unique ignoring case.
        return f"arn:aws:sagemaker:{self.region}:{self.account_id}:{kind}/{name.lower()}"

    def _set_tags(self, arn: str, tags: Iterable[Wire] | None) -> None:
        merged = {t["Key"]: t for t in self._tags.get(arn, [])}
        merged.update({t["Key"]: dict(t) for t in tags or ()})
        if len(merged) > 50:
            raise _invalid(f"Resource {arn} cannot have more than 50 tags.")
        self._tags[arn] = list(merged.values())

    # -- lookups -------------------------------------------------------------------

    def _model(self, name: str) -> _Model:
        model = self._models.get(name.lower())
        if model is None:
            raise _invalid(f'Could not find model "{self._arn("model", name)}".')
        return model

    def _config(self, name: str) -> _EndpointConfig:
        config = self._configs.get(name.lower())
        if config is None:
            arn = self._arn("endpoint-config", name)
            raise _invalid(f'Could not find endpoint configuration "{arn}".')
        return config

    def _endpoint(self, name: str) -> _Endpoint:
        endpoint = self._endpoints.get(name.lower())
        if endpoint is None:
            raise _invalid(f'Could not find endpoint "{self._arn("endpoint", name)}".')
        return endpoint

    def _component(self, name: str) -> _Component:
        component = self._components.get(name.lower())
        if component is None:
            arn = self._arn("inference-component", name)
            raise _invalid(f'{NOT_FOUND_PREFIX} "{arn}".')
        return component

    # -- models ------------------------------------------------------------------------

    def create_model(self, body: Wire) -> Wire:
        name = body["ModelName"]
        arn = self._arn("model", name)
        if name.lower() in self._models:
            raise _invalid(f'Cannot create already existing model "{arn}".')
        if not body.get("PrimaryContainer") and not body.get("Containers"):
            raise _invalid("Either PrimaryContainer or Containers must be specified.")
        self._set_tags(arn, body.get("Tags"))
        self._models[name.lower()] = _Model(
            name=name, arn=arn, created=self._wall(), request=_without_tags(body)
        )
        return {"ModelArn": arn}

    def describe_model(self, body: Wire) -> Wire:
        model = self._model(body["ModelName"])
        return {
            **model.request,
            "ModelArn": model.arn,
            "CreationTime": model.created,
        }

    def delete_model(self, body: Wire) -> Wire:
        model = self._model(body["ModelName"])
        del self._models[model.name.lower()]
        self._tags.pop(model.arn, None)
        return {}

    # -- endpoint configs ------------------------------------------------------------------

    def create_endpoint_config(self, body: Wire) -> Wire:
        name = body["EndpointConfigName"]
        arn = self._arn("endpoint-config", name)
        if name.lower() in self._configs:
            raise _invalid(f'Cannot create already existing endpoint configuration "{arn}".')
        variants = body.get("ProductionVariants") or []
        names = [v.get("VariantName", "") for v in variants]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise _invalid(f"Variant names must be unique; repeated: {', '.join(duplicates)}.")
        for variant in variants:
            if variant.get("ModelName"):
                self._model(variant["ModelName"])
        self._set_tags(arn, body.get("Tags"))
        self._configs[name.lower()] = _EndpointConfig(
            name=name, arn=arn, created=self._wall(), request=_without_tags(body)
        )
        return {"EndpointConfigArn": arn}

    def describe_endpoint_config(self, body: Wire) -> Wire:
        config = self._config(body["EndpointConfigName"])
        return {
            **config.request,
            "EndpointConfigArn": config.arn,
            "CreationTime": config.created,
        }

    def delete_endpoint_config(self, body: Wire) -> Wire:
        config = self._config(body["EndpointConfigName"])
        del self._configs[config.name.lower()]
        self._tags.pop(config.arn, None)
        return {}

    # -- endpoints -----------------------------------------------------------------------

    def create_endpoint(self, body: Wire) -> Wire:
        name = body["EndpointName"]
        arn = self._arn("endpoint", name)
        if name.lower() in self._endpoints:
            raise _invalid(f'Cannot create already existing endpoint "{arn}".')
        config = self._config(body["EndpointConfigName"])
        if config.hosts_components:
            missing = [v["VariantName"] for v in config.variants if not v.get("InstanceType")]
            if missing:
                raise _invalid(
                    "An endpoint for inference components needs an InstanceType on every "
                    f"production variant; missing on: {', '.join(missing)}."
                )
        now = self._wall()
        endpoint = _Endpoint(
            name=name,
            arn=arn,
            config=config,
            created=now,
            modified=now,
            status=Status.CREATING,
        )
        self._endpoints[name.lower()] = endpoint
        self._set_tags(arn, body.get("Tags"))
        failure = self.faults.take_create_failure(name)

        def finish() -> None:
            endpoint.modified = self._wall()
            if failure is not None:
                endpoint.status = Status.FAILED
                endpoint.failure_reason = failure
            else:
                endpoint.status = Status.IN_SERVICE

        self._later(self.delays.endpoint_create, endpoint, finish)
        return {"EndpointArn": arn}

    def describe_endpoint(self, body: Wire) -> Wire:
        endpoint = self._endpoint(body["EndpointName"])
        running = endpoint.status in (Status.IN_SERVICE, Status.UPDATING)
        summaries = []
        for variant in endpoint.config.variants:
            count = int(variant.get("InitialInstanceCount") or 1)
            weight = float(variant.get("InitialVariantWeight", 1.0))
            summary: Wire = {
                "VariantName": variant["VariantName"],
                "CurrentWeight": weight if running else 0.0,
                "DesiredWeight": weight,
                "CurrentInstanceCount": count if running else 0,
                "DesiredInstanceCount": count,
            }
            for key in ("ManagedInstanceScaling", "RoutingConfig"):
                if key in variant:
                    summary[key] = variant[key]
            if endpoint.status is Status.CREATING:
                summary["VariantStatus"] = [{"Status": "Creating", "StartTime": endpoint.created}]
            summaries.append(summary)
        out: Wire = {
            "EndpointName": endpoint.name,
            "EndpointArn": endpoint.arn,
            "EndpointConfigName": endpoint.config.name,
            "ProductionVariants": summaries,
            "EndpointStatus": str(endpoint.status),
            "CreationTime": endpoint.created,
            "LastModifiedTime": endpoint.modified,
        }
        if endpoint.failure_reason is not None:
            out["FailureReason"] = endpoint.failure_reason
        return out

    def delete_endpoint(self, body: Wire) -> Wire:
        endpoint = self._endpoint(body["EndpointName"])
        if endpoint.status is Status.DELETING:
            raise _invalid(f'Cannot delete endpoint "{endpoint.arn}": it is already being deleted.')
        hosted = sorted(
            (c for c in self._components.values() if c.endpoint is endpoint), key=lambda c: c.name
        )
        if hosted:
            listing = ", ".join(f"{c.name} ({c.status})" for c in hosted)
            raise _invalid(
                f'Cannot delete endpoint "{endpoint.arn}" while it hosts inference components: '
                f"{listing}. Delete the inference components first."
            )
        endpoint.generation += 1
        endpoint.status = Status.DELETING
        endpoint.modified = self._wall()

        def finish() -> None:
            del self._endpoints[endpoint.name.lower()]
            self._tags.pop(endpoint.arn, None)

        self._later(self.delays.endpoint_delete, endpoint, finish)
        return {}

    # -- inference components: rules ----------------------------------------------------------

    def _requirement(self, component: _Component, instance_type: str | None) -> Requirement | None:
        return _requirement(component.specification, component.specifications, instance_type)

    def _ensure_fits(
        self,
        component: _Component,
        copies: int,
        *,
        requirement: Requirement | None,
    ) -> None:
        """``ResourceLimitExceeded`` unless ``copies`` of ``component`` fit on its variant."""
        endpoint = component.endpoint
        variant = endpoint.variant(component.variant) or {}
        instance_type = variant.get("InstanceType")
        instance = lookup(instance_type) if instance_type else None
        if instance is None or requirement is None or copies <= 0:
            return  # unknown hardware: no basis for refusing
        count = _instance_count(variant)
        if not requirement.fits_on(instance):
            raise ServiceFault(
                "ResourceLimitExceeded",
                f"Inference component {component.name} cannot be placed: one copy requires "
                f"{requirement.describe()}, more than one {instance_type} instance has "
                f"({instance.describe()}).",
            )
        placed = []
        for other in self._components.values():
            if (
                other is component
                or other.base is not None
                or other.endpoint is not endpoint
                or other.variant != component.variant
            ):
                continue
            other_requirement = self._requirement(other, instance_type)
            if other_requirement is not None and other.reserved_copies:
                placed.append((other_requirement, other.reserved_copies))
        fitted = fitting_copies(instance, count, placed, requirement, copies)
        if fitted < copies:
            raise ServiceFault(
                "ResourceLimitExceeded",
                f"Insufficient capacity for inference component {component.name} on variant "
                f"{component.variant} of endpoint {endpoint.name}: {_copies(copies)} requested, "
                f"only {fitted} fit. Each copy requires {requirement.describe()}; the variant "
                f"has {count} x {instance_type} ({instance.describe()} each), shared with "
                f"{_copies(sum(n for _, n in placed))} of other inference components.",
            )

    def _check_base_entries(self, entries: list[Wire], *, multiple: bool) -> None:
        problems = []
        for index, entry in enumerate(entries):
            where = f"Specifications[{index}]" if multiple else "Specification"
            if entry.get("BaseInferenceComponentName"):
                problems.append(
                    f"{where}.BaseInferenceComponentName: only a single Specification can "
                    "name a base inference component"
                    if multiple
                    else f"{where}.BaseInferenceComponentName cannot be changed"
                )
            if not entry.get("ComputeResourceRequirements"):
                problems.append(f"{where}.ComputeResourceRequirements is required")
            if not entry.get("ModelName") and not (entry.get("Container") or {}).get("Image"):
                problems.append(f"{where}: either ModelName or Container.Image is required")
            if multiple and not entry.get("InstanceType"):
                problems.append(f"{where}.InstanceType is required when using Specifications")
        if multiple:
            types = [e.get("InstanceType") for e in entries if e.get("InstanceType")]
            if len(types) != len(set(types)):
                problems.append("Specifications must name each InstanceType at most once")
        if problems:
            raise _invalid("; ".join(problems) + ".")
        for entry in entries:
            if entry.get("ModelName"):
                self._model(entry["ModelName"])

    @staticmethod
    def _check_adapter_entry(body: Wire, spec: Wire) -> None:
        problems = []
        if body.get("VariantName"):
            problems.append(
                "VariantName must not be set for an adapter inference component "
                "(it runs on the variant of its base)"
            )
        if body.get("RuntimeConfig"):
            problems.append(
                "RuntimeConfig must not be set for an adapter inference component "
                "(it runs on the copies of its base)"
            )
        if spec.get("ComputeResourceRequirements"):
            problems.append(
                "Specification.ComputeResourceRequirements must not be set for an adapter "
                "inference component (it shares the compute of its base)"
            )
        if spec.get("ModelName") or (spec.get("Container") or {}).get("Image"):
            problems.append(
                "an adapter inference component takes only BaseInferenceComponentName and "
                "Container.ArtifactUrl (no ModelName, no Container.Image)"
            )
        if not (spec.get("Container") or {}).get("ArtifactUrl"):
            problems.append("Specification.Container.ArtifactUrl is required for an adapter")
        if problems:
            raise _invalid("; ".join(problems) + ".")

    def _adapter_base(self, endpoint: _Endpoint, base_name: str) -> _Component:
        base = self._components.get(base_name.lower())
        if base is None:
            arn = self._arn("inference-component", base_name)
            raise _invalid(f'Could not find base inference component "{arn}".')
        if base.base is not None:
            raise _invalid(
                f"Inference component {base.name} is an adapter and cannot be the base of "
                "another adapter."
            )
        if base.endpoint is not endpoint:
            raise _invalid(
                f"Base inference component {base.name} is hosted on endpoint "
                f"{base.endpoint.name}, not {endpoint.name}."
            )
        if base.status is not Status.IN_SERVICE:
            raise _invalid(
                f"Base inference component {base.name} must be InService to create an adapter "
                f"inference component; its status is {base.status}."
            )
        return base

    # -- inference components: operations ------------------------------------------------------

    def create_inference_component(self, body: Wire) -> Wire:
        name = body["InferenceComponentName"]
        arn = self._arn("inference-component", name)
        if name.lower() in self._components:
            raise _invalid(f'Cannot create already existing inference component "{arn}".')
        endpoint = self._endpoint(body["EndpointName"])
        if not endpoint.config.hosts_components:
            raise _invalid(IC_NOT_SUPPORTED_MESSAGE)
        spec: Wire | None = body.get("Specification")
        specs: list[Wire] | None = body.get("Specifications")
        if (spec is None) == (specs is None):
            raise _invalid("Exactly one of Specification or Specifications must be provided.")
        if endpoint.status in (Status.DELETING, Status.FAILED):
            raise _invalid(
                f'Endpoint "{endpoint.arn}" is {endpoint.status} and cannot host inference '
                "components."
            )

        base: _Component | None = None
        if spec is not None and spec.get("BaseInferenceComponentName"):
            self._check_adapter_entry(body, spec)
            base = self._adapter_base(endpoint, spec["BaseInferenceComponentName"])
            variant, copies = base.variant, 0
        else:
            if self.require_in_service_endpoint and endpoint.status is not Status.IN_SERVICE:
                raise _invalid(
                    f'Endpoint "{endpoint.arn}" is {endpoint.status}; inference components can '
                    "be created only on an InService endpoint."
                )
            variants = [v["VariantName"] for v in endpoint.config.variants]
            variant = body.get("VariantName") or (variants[0] if len(variants) == 1 else "")
            if not variant:
                raise _invalid(
                    "VariantName is required: endpoint "
                    f"{endpoint.name} has variants {', '.join(variants)}."
                )
            if endpoint.variant(variant) is None:
                raise _invalid(
                    f"Variant {variant} does not exist on endpoint {endpoint.name} "
                    f"(variants: {', '.join(variants)})."
                )
            runtime = body.get("RuntimeConfig")
            if runtime is None:
                raise _invalid(
                    "RuntimeConfig is required for an inference component that is not an adapter."
                )
            copies = int(runtime["CopyCount"])
            if copies < 1:
                raise _invalid(COPY_COUNT_ZERO_MESSAGE)
            self._check_base_entries(
                [spec] if spec is not None else specs or [], multiple=spec is None
            )

        now = self._wall()
        component = _Component(
            name=name,
            arn=arn,
            endpoint=endpoint,
            variant=variant,
            created=now,
            modified=now,
            status=Status.CREATING,
            specification=spec,
            specifications=specs,
            desired=copies,
            current=0,
            base=base,
        )
        if base is None:
            instance_type = (endpoint.variant(variant) or {}).get("InstanceType")
            self._ensure_fits(
                component, copies, requirement=self._requirement(component, instance_type)
            )
        self._set_tags(arn, body.get("Tags"))
        self._components[name.lower()] = component
        failure = self.faults.take_create_failure(name)

        def finish() -> None:
            component.modified = self._wall()
            if failure is not None:
                component.status = Status.FAILED
                component.failure_reason = failure
            else:
                component.status = Status.IN_SERVICE
                component.current = component.desired

        self._later(self.delays.component_create, component, finish)
        return {"InferenceComponentArn": arn}

    def _summary_of(self, component: _Component, entry: Wire) -> Wire:
        summary = dict(entry)
        if "Container" in summary:
            container = summary["Container"] = dict(summary["Container"])
            image = container.pop("Image", None)
            if image is not None:
                digest = hashlib.sha256(image.encode()).hexdigest()
                container["DeployedImage"] = {
                    "SpecifiedImage": image,
                    "ResolvedImage": f"{image.split(':')[0]}@sha256:{digest}",
                    "ResolutionTime": component.created,
                }
        return summary

    def describe_inference_component(self, body: Wire) -> Wire:
        component = self._component(body["InferenceComponentName"])
        out: Wire = {
            "InferenceComponentName": component.name,
            "InferenceComponentArn": component.arn,
            "EndpointName": component.endpoint.name,
            "EndpointArn": component.endpoint.arn,
            "VariantName": component.variant,
        }
        if component.failure_reason is not None:
            out["FailureReason"] = component.failure_reason
        if component.specification is not None:
            out["Specification"] = self._summary_of(component, component.specification)
        if component.specifications is not None:
            out["Specifications"] = [
                self._summary_of(component, entry) for entry in component.specifications
            ]
        if component.base is None:
            out["RuntimeConfig"] = {
                "DesiredCopyCount": component.desired,
                "CurrentCopyCount": component.current,
            }
        out["CreationTime"] = component.created
        out["LastModifiedTime"] = component.modified
        out["InferenceComponentStatus"] = str(component.status)
        if component.last_deployment is not None:
            out["LastDeploymentConfig"] = component.last_deployment
        return out

    def _ensure_updatable(self, component: _Component) -> None:
        if component.status is not Status.IN_SERVICE:
            raise _invalid(
                f'Cannot update inference component "{component.arn}" while its status is '
                f"{component.status}; wait until it is InService."
            )

    def update_inference_component(self, body: Wire) -> Wire:
        component = self._component(body["InferenceComponentName"])
        spec: Wire | None = body.get("Specification")
        specs: list[Wire] | None = body.get("Specifications")
        runtime: Wire | None = body.get("RuntimeConfig")
        if spec is None and specs is None and runtime is None:
            raise _invalid(
                "UpdateInferenceComponent needs a Specification, Specifications or a "
                "RuntimeConfig to change."
            )
        if spec is not None and specs is not None:
            raise _invalid("Specify either Specification or Specifications, not both.")
        self._ensure_updatable(component)
        if component.base is not None:
            if runtime is not None or specs is not None:
                raise _invalid(
                    "Only the Specification of an adapter inference component can be updated; "
                    "it runs on the copies of its base."
                )
            assert spec is not None
            given_base = spec.get("BaseInferenceComponentName")
            if given_base and given_base.lower() != component.base.name.lower():
                raise _invalid("The base of an adapter inference component cannot be changed.")
            self._check_adapter_entry(
                {}, {**spec, "BaseInferenceComponentName": component.base.name}
            )
            spec = {**spec, "BaseInferenceComponentName": component.base.name}
        elif spec is not None or specs is not None:
            self._check_base_entries(
                [spec] if spec is not None else specs or [], multiple=spec is None
            )

        copies = int(runtime["CopyCount"]) if runtime is not None else component.desired
        if spec is not None:
            new_spec, new_specs = spec, None
        elif specs is not None:
            new_spec, new_specs = None, specs
        else:
            new_spec, new_specs = component.specification, component.specifications
        if component.base is None:
            variant = component.endpoint.variant(component.variant) or {}
            requirement = _requirement(new_spec, new_specs, variant.get("InstanceType"))
            self._ensure_fits(component, copies, requirement=requirement)

        previous = (
            component.specification,
            component.specifications,
            component.desired,
        )
        component.specification = new_spec
        component.specifications = new_specs
        component.desired = copies
        if body.get("DeploymentConfig") is not None:
            component.last_deployment = body["DeploymentConfig"]
        self._start_update(component, previous, self.faults.take_update_failure(component.name))
        return {"InferenceComponentArn": component.arn}

    def _start_update(
        self,
        component: _Component,
        previous: tuple[Wire | None, list[Wire] | None, int],
        failure: str | None,
    ) -> None:
        component.status = Status.UPDATING
        component.modified = self._wall()

        def finish() -> None:
            component.modified = self._wall()
            component.status = Status.IN_SERVICE
            if failure is not None:
                # Rolled back: the old deployment stays, and so does the reason.
                component.specification, component.specifications, component.desired = previous
                component.failure_reason = failure
            elif component.base is None:
                component.current = component.desired

        self._later(self.delays.component_update, component, finish)

    def update_inference_component_runtime_config(self, body: Wire) -> Wire:
        component = self._component(body["InferenceComponentName"])
        if component.base is not None:
            raise _invalid(
                f"Inference component {component.name} is an adapter; it runs on the copies of "
                f"its base {component.base.name}, whose runtime config is the one to update."
            )
        self._ensure_updatable(component)
        copies = int(body["DesiredRuntimeConfig"]["CopyCount"])
        instance_type = (component.endpoint.variant(component.variant) or {}).get("InstanceType")
        self._ensure_fits(
            component, copies, requirement=self._requirement(component, instance_type)
        )
        previous = (component.specification, component.specifications, component.desired)
        component.desired = copies
        self._start_update(component, previous, self.faults.take_update_failure(component.name))
        return {"InferenceComponentArn": component.arn}

    def delete_inference_component(self, body: Wire) -> Wire:
        component = self._component(body["InferenceComponentName"])
        if component.status is Status.DELETING:
            raise _invalid(
                f'Inference component "{component.arn}" is already being deleted '
                "(status DELETE_IN_PROGRESS)."
            )
        adapters = sorted(c.name for c in self._components.values() if c.base is component)
        if adapters:
            raise _invalid(
                f'Inference component "{component.arn}" is a base inference component for one '
                f"or more associated adapter inference components ({', '.join(adapters)}). "
                "Delete them first."
            )
        component.generation += 1
        component.status = Status.DELETING
        component.modified = self._wall()

        def finish() -> None:
            del self._components[component.name.lower()]
            self._tags.pop(component.arn, None)

        self._later(self.delays.component_delete, component, finish)
        return {}

    def list_inference_components(self, body: Wire) -> Wire:
        found = list(self._components.values())
        if body.get("NameContains"):
            needle = body["NameContains"].lower()
            found = [c for c in found if needle in c.name.lower()]
        if body.get("EndpointNameEquals"):
            endpoint = body["EndpointNameEquals"].lower()
            found = [c for c in found if c.endpoint.name.lower() == endpoint]
        if body.get("VariantNameEquals"):
            found = [c for c in found if c.variant == body["VariantNameEquals"]]
        if body.get("StatusEquals"):
            found = [c for c in found if c.status == body["StatusEquals"]]
        for key, attribute, before in (
            ("CreationTimeBefore", "created", True),
            ("CreationTimeAfter", "created", False),
            ("LastModifiedTimeBefore", "modified", True),
            ("LastModifiedTimeAfter", "modified", False),
        ):
            if body.get(key) is not None:
                bound = float(body[key])
                found = [
                    c
                    for c in found
                    if (getattr(c, attribute) < bound if before else getattr(c, attribute) > bound)
                ]
        sort_by = body.get("SortBy") or "CreationTime"
        keys: dict[str, Callable[[_Component], Any]] = {
            "Name": lambda c: c.name,
            "CreationTime": lambda c: (c.created, c.name),
            "Status": lambda c: (str(c.status), c.name),
        }
        found.sort(
            key=keys[sort_by], reverse=(body.get("SortOrder") or "Descending") == "Descending"
        )
        offset = _decode_token(body.get("NextToken"))
        limit = int(body.get("MaxResults") or 10)
        page = found[offset : offset + limit]
        out: Wire = {
            "InferenceComponents": [
                {
                    "CreationTime": c.created,
                    "InferenceComponentArn": c.arn,
                    "InferenceComponentName": c.name,
                    "EndpointArn": c.endpoint.arn,
                    "EndpointName": c.endpoint.name,
                    "VariantName": c.variant,
                    "InferenceComponentStatus": str(c.status),
                    "LastModifiedTime": c.modified,
                }
                for c in page
            ]
        }
        if offset + limit < len(found):
            out["NextToken"] = _encode_token(offset + limit)
        return out

    # -- tags -------------------------------------------------------------------------

    def _ensure_resource(self, arn: str) -> None:
        resources: Iterable[_Model | _EndpointConfig | _Endpoint | _Component] = itertools.chain(
            self._models.values(),
            self._configs.values(),
            self._endpoints.values(),
            self._components.values(),
        )
        if not any(resource.arn == arn for resource in resources):
            raise _invalid(f"Could not find resource {arn}.")

    def list_tags(self, body: Wire) -> Wire:
        arn = body["ResourceArn"]
        self._ensure_resource(arn)
        return {"Tags": self._tags.get(arn, [])}

    def add_tags(self, body: Wire) -> Wire:
        arn = body["ResourceArn"]
        self._ensure_resource(arn)
        self._set_tags(arn, body["Tags"])
        return {"Tags": body["Tags"]}

    # -- runtime ---------------------------------------------------------------------

    def invocation_target(
        self, endpoint_name: str, component_name: str | None, target_variant: str | None
    ) -> InvocationTarget:
        """Who answers an invocation, or the runtime's ``ValidationError``."""
        self.settle()
        endpoint = self._endpoints.get(endpoint_name.lower())
        if endpoint is None or endpoint.status in (Status.CREATING, Status.DELETING):
            raise _runtime_invalid(
                f"Endpoint {endpoint_name} of account {self.account_id} not found."
            )
        if endpoint.status is Status.FAILED:
            raise _runtime_invalid(
                f"Endpoint {endpoint_name} of account {self.account_id} is not in service."
            )
        if not endpoint.config.hosts_components:
            if component_name:
                raise _runtime_invalid(
                    "Inference Component Name header is not allowed for endpoints to which you "
                    "dont plan to deploy inference components. Please remove the Inference "
                    "Component Name header and try again."
                )
            variants = [v["VariantName"] for v in endpoint.config.variants]
            variant = target_variant or variants[0]
            if variant not in variants:
                raise _runtime_invalid(f"Variant {variant} not found for endpoint {endpoint_name}.")
            return InvocationTarget(
                endpoint_name=endpoint.name,
                variant_name=variant,
                component_name=None,
                base_component_name=None,
            )
        if not component_name:
            raise _runtime_invalid(IC_HEADER_REQUIRED_MESSAGE)
        component = self._components.get(component_name.lower())
        if component is None or component.endpoint is not endpoint:
            raise _runtime_invalid(
                f"Inference Component {component_name} not found for endpoint {endpoint_name}."
            )
        runner = component.base or component
        if (
            component.status in (Status.CREATING, Status.FAILED, Status.DELETING)
            or runner.current == 0
        ):
            raise _runtime_invalid(NO_CAPACITY_MESSAGE)
        return InvocationTarget(
            endpoint_name=endpoint.name,
            variant_name=component.variant,
            component_name=component.name,
            base_component_name=component.base.name if component.base else None,
        )


def _encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _decode_token(token: str | None) -> int:
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise _invalid("The NextToken is invalid.") from None
    if not isinstance(offset, int) or offset < 0:
        raise _invalid("The NextToken is invalid.")
    return offset
