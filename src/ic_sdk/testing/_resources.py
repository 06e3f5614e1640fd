"""The emulator's resources: what it stores of models, endpoint configs, endpoints and
inference components, and the error type every rule raises.

Everything here speaks botocore wire dicts (PascalCase keys, timestamps as epoch seconds).
A request dict handed in becomes the state's own (each is freshly parsed JSON); a
response dict may share parts with the state, and is only read (serialized at once),
never changed.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import attrs

if TYPE_CHECKING:
    from ic_sdk.testing._rollout import Rollout

__all__ = [
    "COPY_COUNT_ZERO_MESSAGE",
    "IC_HEADER_REQUIRED_MESSAGE",
    "IC_NOT_SUPPORTED_MESSAGE",
    "NO_CAPACITY_MESSAGE",
    "Component",
    "Endpoint",
    "EndpointConfig",
    "Model",
    "ServiceFault",
    "Status",
    "Wire",
    "copies_text",
    "invalid",
    "runtime_invalid",
    "stamp",
    "without_tags",
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


def invalid(message: str) -> ServiceFault:
    """The control plane's ``ValidationException``."""
    return ServiceFault("ValidationException", message)


def stamp(epoch: float) -> datetime:
    """Epoch seconds as an aware UTC datetime: how the Application Auto Scaling and
    CloudWatch answers carry timestamps (each wire protocol writes it its own way)."""
    return datetime.fromtimestamp(epoch, UTC)


def runtime_invalid(message: str) -> ServiceFault:
    """The runtime's ``ValidationError``."""
    return ServiceFault("ValidationError", message)


class Status(enum.StrEnum):
    CREATING = "Creating"
    IN_SERVICE = "InService"
    UPDATING = "Updating"
    DELETING = "Deleting"
    FAILED = "Failed"


@attrs.define(kw_only=True, eq=False)
class Model:
    name: str
    arn: str
    created: float
    request: Wire


@attrs.define(kw_only=True, eq=False)
class EndpointConfig:
    name: str
    arn: str
    created: float
    request: Wire

    @property
    def variants(self) -> list[Wire]:
        return list(self.request.get("ProductionVariants") or [])

    def variant(self, name: str) -> Wire | None:
        """The production variant named ``name`` (``None``: there is none)."""
        return next((v for v in self.variants if v.get("VariantName") == name), None)

    @property
    def hosts_components(self) -> bool:
        """An IC endpoint: an execution role, and no variant names a model."""
        return bool(self.request.get("ExecutionRoleArn")) and not any(
            v.get("ModelName") for v in self.variants
        )


@attrs.define(kw_only=True, eq=False)
class Endpoint:
    name: str
    arn: str
    config: EndpointConfig
    created: float
    modified: float
    status: Status
    failure_reason: str | None = None
    generation: int = 0
    #: The config an UpdateEndpoint in progress deploys (``_endpoint_update``), and since when.
    pending: EndpointConfig | None = None
    pending_since: float | None = None
    #: Instance counts and weights per variant set by UpdateEndpointWeightsAndCapacities:
    #: they replace the config's initial ones until the next UpdateEndpoint.
    capacities: dict[str, int] = attrs.field(factory=dict)
    weights: dict[str, float] = attrs.field(factory=dict)
    #: Instance counts still running while such a change is applied.
    settling: dict[str, int] = attrs.field(factory=dict)

    def effective(self, variant: Wire) -> Wire:
        """``variant`` of the config, with the instance count and weight set since."""
        name = variant.get("VariantName", "")
        if name not in self.capacities and name not in self.weights:
            return variant
        out = dict(variant)
        if name in self.capacities:
            out["InitialInstanceCount"] = self.capacities[name]
        if name in self.weights:
            out["InitialVariantWeight"] = self.weights[name]
        return out

    def variant(self, name: str) -> Wire | None:
        found = self.config.variant(name)
        return None if found is None else self.effective(found)


@attrs.define(kw_only=True, eq=False)
class Component:
    name: str
    arn: str
    endpoint: Endpoint
    variant: str
    created: float
    modified: float
    status: Status
    specification: Wire | None
    specifications: list[Wire] | None
    desired: int
    current: int
    base: Component | None = None
    failure_reason: str | None = None
    last_deployment: Wire | None = None
    #: A deployment of a new specification in progress (``_rollout``).
    rollout: Rollout | None = None
    generation: int = 0

    @property
    def entries(self) -> list[Wire]:
        """The specification entries: the single one, or the several."""
        if self.specification is not None:
            return [self.specification]
        return list(self.specifications or ())

    @property
    def running_copies(self) -> int:
        """Copies running now, of both fleets during a deployment."""
        if self.rollout is not None:
            return self.rollout.old_copies + self.rollout.new_copies
        return self.current

    @property
    def wanted_copies(self) -> int:
        return self.rollout.target if self.rollout is not None else self.desired


def without_tags(request: Mapping[str, Any]) -> Wire:
    return {k: v for k, v in request.items() if k != "Tags"}


def copies_text(count: int) -> str:
    return f"{count} cop{'y' if count == 1 else 'ies'}"
