"""IC-ready endpoints: an endpoint whose variant hosts inference components.

```python
import ic_sdk

plan = ic_sdk.ic_endpoint(
    "shared-gpu",
    instance_type="ml.g5.12xlarge",
    instance_count=2,
    execution_role_arn="arn:aws:iam::123456789012:role/SageMakerRole",
    min_instances=1,
    max_instances=4,
)
plan.config    # models.CreateEndpointConfigInput (one variant, no model on it)
plan.endpoint  # models.CreateEndpointInput
```

A variant that hosts inference components names no model, carries its instance type and
count, and (optionally) lets the service scale its instances between ``min_instances``
and ``max_instances`` (managed instance scaling). The plan is checked with
:func:`ic_sdk.validate` plus the rules below, every problem at once, and sent with
``client.create_endpoint(plan)`` or ``client.create_endpoint_and_wait(plan)``;
``client.apply_endpoint(plan)`` creates the endpoint or updates it to match.

Updating. Endpoint configs cannot be changed, so an update deploys a new config named
:func:`versioned_config_name` (the endpoint's name and a hash of the config's content:
a retried or repeated update of the same plan reuses it) and, once the endpoint runs it,
deletes the previous config if ic_sdk named it (:func:`derived_config_name`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ic_sdk import models
from ic_sdk.errors import ValidationError
from ic_sdk.validation import Problem
from ic_sdk.validation import validate as _validate

if TYPE_CHECKING:
    from ic_sdk.models import DescribeEndpointConfigOutput, DescribeEndpointOutput

__all__ = [
    "EndpointChange",
    "EndpointPlan",
    "config_changes",
    "derived_config_name",
    "ic_endpoint",
    "is_versioned_config_name",
    "plan_problems",
    "versioned_config_name",
]


@attrs.define(frozen=True, kw_only=True, slots=True)
class EndpointPlan:
    """The two requests that make an IC-ready endpoint, in the order they are sent."""

    config: models.CreateEndpointConfigInput
    endpoint: models.CreateEndpointInput

    @property
    def name(self) -> str:
        """The endpoint's name."""
        return self.endpoint.endpoint_name

    @property
    def config_name(self) -> str:
        return self.config.endpoint_config_name


def _plan_problems(
    *,
    instance_count: int,
    min_instances: int | None,
    max_instances: int | None,
) -> list[Problem]:
    variant = "ProductionVariants[0]"
    problems = []
    if (min_instances is None) != (max_instances is None):
        problems.append(
            Problem(
                path=f"{variant}.ManagedInstanceScaling",
                rule="ic.endpoint-scaling-bounds",
                message="give both min_instances and max_instances, or neither",
            )
        )
    if min_instances is not None and max_instances is not None:
        if min_instances > max_instances:
            problems.append(
                Problem(
                    path=f"{variant}.ManagedInstanceScaling.MinInstanceCount",
                    rule="ic.endpoint-scaling-bounds",
                    message=f"min_instances ({min_instances}) exceeds max_instances ({max_instances})",
                )
            )
        elif not min_instances <= instance_count <= max_instances:
            problems.append(
                Problem(
                    path=f"{variant}.InitialInstanceCount",
                    rule="ic.endpoint-scaling-bounds",
                    message=(
                        f"instance_count ({instance_count}) must be within min_instances "
                        f"({min_instances}) and max_instances ({max_instances})"
                    ),
                )
            )
    return problems


def ic_endpoint(
    name: str,
    *,
    instance_type: models.ProductionVariantInstanceType | str,
    instance_count: int = 1,
    execution_role_arn: str,
    variant_name: str = "AllTraffic",
    config_name: str | None = None,
    min_instances: int | None = None,
    max_instances: int | None = None,
    routing: models.RoutingStrategy | str = "LEAST_OUTSTANDING_REQUESTS",
    startup_health_check_timeout_s: int | None = None,
    model_download_timeout_s: int | None = None,
    volume_size_gb: int | None = None,
    tags: Mapping[str, str] | None = None,
    validate: bool = True,
) -> EndpointPlan:
    """The requests for an endpoint ready to host inference components.

    Args:
        name: The endpoint's name.
        instance_type: The variant's instance type, e.g. ``ml.g5.12xlarge``.
        instance_count: Instances to start with.
        execution_role_arn: The role inference components on this endpoint run as.
        variant_name: The production variant's name.
        config_name: The endpoint config's name (default: the endpoint's).
        min_instances: With ``max_instances``: managed instance scaling between them.
        max_instances: See ``min_instances``.
        routing: How requests are routed to instances (``LEAST_OUTSTANDING_REQUESTS``
            or ``RANDOM``).
        startup_health_check_timeout_s: Seconds a container has to pass its health check.
        model_download_timeout_s: Seconds a model has to download.
        volume_size_gb: Storage attached to each instance.
        tags: Tags for both the config and the endpoint.
        validate: Check the plan and raise :class:`~ic_sdk.ValidationError` listing
            every problem (default).
    """
    scaling = None
    if min_instances is not None or max_instances is not None:
        scaling = models.ProductionVariantManagedInstanceScaling(
            status="ENABLED", min_instance_count=min_instances, max_instance_count=max_instances
        )
    tag_list = None if tags is None else [models.Tag(key=k, value=v) for k, v in tags.items()]
    variant = models.ProductionVariant(
        variant_name=variant_name,
        instance_type=instance_type,
        initial_instance_count=instance_count,
        managed_instance_scaling=scaling,
        routing_config=models.ProductionVariantRoutingConfig(routing_strategy=routing),
        container_startup_health_check_timeout_in_seconds=startup_health_check_timeout_s,
        model_data_download_timeout_in_seconds=model_download_timeout_s,
        volume_size_in_gb=volume_size_gb,
    )
    plan = EndpointPlan(
        config=models.CreateEndpointConfigInput(
            endpoint_config_name=config_name or name,
            production_variants=[variant],
            execution_role_arn=execution_role_arn,
            tags=tag_list,
        ),
        endpoint=models.CreateEndpointInput(
            endpoint_name=name, endpoint_config_name=config_name or name, tags=tag_list
        ),
    )
    if validate:
        problems = _problems(plan)
        if problems:
            raise ValidationError(problems, operation="ic_endpoint")
    return plan


def _problems(plan: EndpointPlan) -> list[Problem]:
    variant = plan.config.production_variants[0]
    scaling = variant.managed_instance_scaling
    return [
        *_validate(plan.config),
        *_validate(plan.endpoint),
        *_plan_problems(
            instance_count=variant.initial_instance_count or 1,
            min_instances=scaling.min_instance_count if scaling else None,
            max_instances=scaling.max_instance_count if scaling else None,
        ),
    ]


def plan_problems(name: str, **kwargs: Any) -> list[Problem]:
    """Every problem :func:`ic_endpoint` would raise for these arguments (none: ``[]``)."""
    return _problems(ic_endpoint(name, **kwargs, validate=False))


# -- updates -------------------------------------------------------------------------------

#: A versioned config name: the endpoint's name (at most 54 characters of it), a dash and
#: 8 hex digits, 63 characters at most (the service's limit).
_NAME_ROOM = 63 - 9


@attrs.define(frozen=True, kw_only=True, slots=True)
class EndpointChange:
    """What ``client.apply_endpoint(plan)`` did to make an endpoint match its plan (or,
    from ``client.diff_endpoint(plan)``, what it would do)."""

    #: The endpoint's name.
    name: str
    action: Literal["create", "update", "unchanged"]
    #: The endpoint config the endpoint runs once the change is done.
    config_name: str
    #: Wire paths of the config members that differ, for an update (e.g.
    #: ``ProductionVariants[0].InitialInstanceCount``).
    changes: tuple[str, ...] = ()
    #: The endpoint's description: after the change (``apply_endpoint``), or as it is
    #: (``diff_endpoint``; ``None`` when the endpoint does not exist).
    description: DescribeEndpointOutput | None = attrs.field(default=None, repr=False, eq=False)


def _config_wire(plan: EndpointPlan) -> dict[str, Any]:
    from ic_sdk.serde import converter

    wire: dict[str, Any] = converter.unstructure(plan.config)
    wire.pop("EndpointConfigName", None)
    wire.pop("Tags", None)  # tags are applied on create only
    return wire


def versioned_config_name(plan: EndpointPlan) -> str:
    """The name of the config an update of ``plan``'s endpoint deploys:
    ``<endpoint>-<8 hex digits of the config's content>``.

    Deterministic: an update retried after a lost answer, or run again, asks for the
    same config, so it is created once and the update can be recognised as applied.
    """
    canonical = json.dumps(_config_wire(plan), sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:8]
    return f"{plan.name[:_NAME_ROOM]}-{digest}"


def is_versioned_config_name(endpoint_name: str, config_name: str) -> bool:
    """Whether ``config_name`` has the form of a :func:`versioned_config_name` of
    ``endpoint_name``."""
    pattern = re.escape(endpoint_name[:_NAME_ROOM]) + "-[0-9a-f]{8}"
    return re.fullmatch(pattern, config_name, flags=re.IGNORECASE) is not None


def derived_config_name(endpoint_name: str, config_name: str) -> bool:
    """Whether ``config_name`` is one ic_sdk derives from ``endpoint_name`` (the endpoint's
    own name, :func:`ic_endpoint`'s default, or a :func:`versioned_config_name`): the
    configs an update may delete once the endpoint no longer runs them."""
    return config_name.lower() == endpoint_name.lower() or is_versioned_config_name(
        endpoint_name, config_name
    )


def _differs(wanted: Any, shown: Any) -> bool:
    from ic_sdk.reconcile import matches

    if wanted is None:
        return False
    if shown is None:
        return True  # the plan sets it, the config does not
    return not matches(wanted, shown)


def config_changes(plan: EndpointPlan, described: DescribeEndpointConfigOutput) -> list[str]:
    """Wire paths where the config ``described`` differs from what ``plan`` asks for.

    Compared: the execution role, the variants' names and every variant member the plan
    sets (numbers as numbers; nested members the config adds are the service's), and
    managed instance scaling that is on although the plan has none. Tags are not
    compared (they are applied on create only), nor the config's name.
    """
    from ic_sdk.serde import converter

    wanted = _config_wire(plan)
    shown: dict[str, Any] = converter.unstructure(described)
    changes: list[str] = []
    if _differs(wanted.get("ExecutionRoleArn"), shown.get("ExecutionRoleArn")):
        changes.append("ExecutionRoleArn")
    want_variants = wanted.get("ProductionVariants") or []
    have_variants = shown.get("ProductionVariants") or []
    if [v.get("VariantName") for v in want_variants] != [
        v.get("VariantName") for v in have_variants
    ]:
        return [*changes, "ProductionVariants"]
    for i, (want, have) in enumerate(zip(want_variants, have_variants, strict=True)):
        for key, value in want.items():
            if _differs(value, have.get(key)):
                changes.append(f"ProductionVariants[{i}].{key}")
        scaling = have.get("ManagedInstanceScaling")
        if (
            "ManagedInstanceScaling" not in want
            and isinstance(scaling, Mapping)
            and scaling.get("Status") == "ENABLED"
        ):
            changes.append(f"ProductionVariants[{i}].ManagedInstanceScaling")
    return changes
