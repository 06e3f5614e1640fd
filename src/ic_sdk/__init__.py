"""ic_sdk: an async, fully typed SDK for Amazon SageMaker inference components.

```python
import ic_sdk

spec = ic_sdk.base_component(
    name="llama-base", endpoint_name="shared", model_name="llama", memory_mb=16_384, accelerators=1
)
async with ic_sdk.InferenceComponentClient(region="us-east-1") as client:
    await client.create(spec)
    await client.wait_until_in_service("llama-base")
```

Importing ``ic_sdk`` is cheap: the names below load on first use (PEP 562), the
generated :mod:`ic_sdk.models` load one shape at a time, and aiobotocore is imported
only when a client is first opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ic_sdk._lazy import attach
from ic_sdk.errors import (
    ClientClosed,
    ComponentFailed,
    EndpointFailed,
    IcSdkError,
    MalformedResponse,
    ResourceInUse,
    ResourceLimitExceeded,
    ResourceNotFound,
    ServiceError,
    ServiceValidationError,
    ThrottlingError,
    TransportError,
    UpdateRolledBack,
    ValidationError,
    WaiterError,
    WaiterTimeout,
)

if TYPE_CHECKING:
    from ic_sdk import models as models
    from ic_sdk._redact import redacting_logs as redacting_logs
    from ic_sdk.builders import adapter_component as adapter_component
    from ic_sdk.builders import adapter_spec as adapter_spec
    from ic_sdk.builders import base_component as base_component
    from ic_sdk.builders import base_spec as base_spec
    from ic_sdk.builders import rolling_deployment as rolling_deployment
    from ic_sdk.builders import update_component as update_component
    from ic_sdk.client import CreateResult as CreateResult
    from ic_sdk.client import InferenceComponentClient as InferenceComponentClient
    from ic_sdk.endpoints import EndpointChange as EndpointChange
    from ic_sdk.endpoints import EndpointPlan as EndpointPlan
    from ic_sdk.endpoints import ic_endpoint as ic_endpoint
    from ic_sdk.retry import Backoff as Backoff
    from ic_sdk.teardown import TeardownEvent as TeardownEvent
    from ic_sdk.validation import Problem as Problem
    from ic_sdk.validation import validate as validate
    from ic_sdk.waiters import EventKind as EventKind
    from ic_sdk.waiters import WaiterEvent as WaiterEvent
    from ic_sdk.waiters import WaitPolicy as WaitPolicy

__version__ = "0.1.0"

__all__ = [
    "Backoff",
    "ClientClosed",
    "ComponentFailed",
    "CreateResult",
    "EndpointChange",
    "EndpointFailed",
    "EndpointPlan",
    "EventKind",
    "IcSdkError",
    "InferenceComponentClient",
    "MalformedResponse",
    "Problem",
    "ResourceInUse",
    "ResourceLimitExceeded",
    "ResourceNotFound",
    "ServiceError",
    "ServiceValidationError",
    "TeardownEvent",
    "ThrottlingError",
    "TransportError",
    "UpdateRolledBack",
    "ValidationError",
    "WaitPolicy",
    "WaiterError",
    "WaiterEvent",
    "WaiterTimeout",
    "adapter_component",
    "adapter_spec",
    "base_component",
    "base_spec",
    "ic_endpoint",
    "models",
    "redacting_logs",
    "rolling_deployment",
    "update_component",
    "validate",
]

#: Lazily loaded public names → the module that defines them.
_LAZY: dict[str, str] = {
    "Backoff": "ic_sdk.retry",
    "CreateResult": "ic_sdk.client",
    "EndpointChange": "ic_sdk.endpoints",
    "EndpointPlan": "ic_sdk.endpoints",
    "EventKind": "ic_sdk.waiters",
    "InferenceComponentClient": "ic_sdk.client",
    "Problem": "ic_sdk.validation",
    "TeardownEvent": "ic_sdk.teardown",
    "WaitPolicy": "ic_sdk.waiters",
    "WaiterEvent": "ic_sdk.waiters",
    "adapter_component": "ic_sdk.builders",
    "adapter_spec": "ic_sdk.builders",
    "base_component": "ic_sdk.builders",
    "base_spec": "ic_sdk.builders",
    "ic_endpoint": "ic_sdk.endpoints",
    "models": "ic_sdk.models",
    "redacting_logs": "ic_sdk._redact",
    "rolling_deployment": "ic_sdk.builders",
    "update_component": "ic_sdk.builders",
    "validate": "ic_sdk.validation",
}

if not TYPE_CHECKING:
    __getattr__, __dir__ = attach(__name__, _LAZY, __all__)
