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
``client.create_endpoint(plan)`` or ``client.create_endpoint_and_wait(plan)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ic_sdk import models
from ic_sdk.errors import ValidationError
from ic_sdk.validation import Problem
from ic_sdk.validation import validate as _validate

__all__ = ["EndpointPlan", "ic_endpoint", "plan_problems"]


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
                rule="ic.endpoint.scaling_bounds",
                message="give both min_instances and max_instances, or neither",
            )
        )
    if min_instances is not None and max_instances is not None:
        if min_instances > max_instances:
            problems.append(
                Problem(
                    path=f"{variant}.ManagedInstanceScaling.MinInstanceCount",
                    rule="ic.endpoint.scaling_bounds",
                    message=f"min_instances ({min_instances}) exceeds max_instances ({max_instances})",
                )
            )
        elif not min_instances <= instance_count <= max_instances:
            problems.append(
                Problem(
                    path=f"{variant}.InitialInstanceCount",
                    rule="ic.endpoint.scaling_bounds",
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
