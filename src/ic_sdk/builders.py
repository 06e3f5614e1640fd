"""Typed builders for inference-component requests, with names you can read without the docs.

```python
import ic_sdk

request = ic_sdk.base_component(
    name="llama-3-8b",
    endpoint_name="shared-gpu-endpoint",
    image="763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124",
    artifact_url="s3://models/llama-3-8b/model.tar.gz",
    environment={"OPTION_TENSOR_PARALLEL_DEGREE": "1"},
    memory_mb=24_576,
    accelerators=1,
    copies=2,
    tags={"team": "search"},
)
```

Every builder returns a model (``ic_sdk.models.<Shape>``), checks it with
:func:`ic_sdk.validate` and raises :class:`ic_sdk.ValidationError` listing every problem at
once. ``validate=False`` skips the check (the client still checks before sending).

Builders combining arguments in an impossible way (``specifications`` together with
per-spec arguments, two batch sizes for one rolling step) raise ``TypeError``: that is a
mistake in the calling code, not in the request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from ic_sdk import models
from ic_sdk.errors import ValidationError
from ic_sdk.validation import errors_only
from ic_sdk.validation import validate as _validate

if TYPE_CHECKING:
    from ic_sdk.models import (
        CreateInferenceComponentInput,
        InferenceComponentCapacitySize,
        InferenceComponentDeploymentConfig,
        InferenceComponentPlacementStrategy,
        InferenceComponentSpecification,
        ProductionVariantInstanceType,
        UpdateInferenceComponentInput,
    )

__all__ = [
    "adapter_component",
    "adapter_spec",
    "base_component",
    "base_spec",
    "rolling_deployment",
    "update_component",
]

#: Path the service scrapes when a container names no metrics endpoint.
DEFAULT_METRICS_PATH = "/metrics"


def base_spec(
    *,
    memory_mb: int,
    max_memory_mb: int | None = None,
    cpu_cores: float | None = None,
    accelerators: float | None = None,
    image: str | None = None,
    artifact_url: str | None = None,
    model_name: str | None = None,
    environment: Mapping[str, str] | None = None,
    instance_type: ProductionVariantInstanceType | str | None = None,
    model_download_timeout_s: int | None = None,
    startup_health_check_timeout_s: int | None = None,
    data_cache: bool | None = None,
    placement: InferenceComponentPlacementStrategy | str | None = None,
    az_balance: bool = False,
    az_max_imbalance: int | None = None,
    metrics_path: str | None = None,
    metrics_publish_frequency_s: int | None = None,
) -> InferenceComponentSpecification:
    """The specification of a base component (a model with its own compute resources).

    Args:
        memory_mb: Memory reserved per copy (``MinMemoryRequiredInMb``, at least 128).
        max_memory_mb: Memory a copy may grow to (``MaxMemoryRequiredInMb``).
        cpu_cores: CPU cores per copy, e.g. ``0.5`` (``NumberOfCpuCoresRequired``).
        accelerators: GPUs / Inferentia devices per copy (``NumberOfAcceleratorDevicesRequired``).
        image: Container image URI in ECR (``Container.Image``).
        artifact_url: S3 URL of the model's ``.tar.gz`` (``Container.ArtifactUrl``).
        model_name: An existing SageMaker model to deploy instead of ``image`` (``ModelName``).
        environment: Container environment; values are treated as secrets in every message.
        instance_type: The instance type this spec applies to, when several are used.
        model_download_timeout_s: Time allowed to download the model (60–3600 s).
        startup_health_check_timeout_s: Time allowed for the container to pass its first
            health check (60–3600 s).
        data_cache: Cache the artifacts and image on each instance so new copies start faster.
        placement: ``"SPREAD"`` (resilience) or ``"BINPACK"`` (fewer instances).
        az_balance: Balance copies across Availability Zones (permissive enforcement).
        az_max_imbalance: Most copies any two zones may differ by; implies ``az_balance``.
        metrics_path: Path of the container's metrics endpoint, e.g. ``"/metrics"``.
        metrics_publish_frequency_s: How often scraped metrics go to CloudWatch
            (10, 30, 60, 120, 180, 240 or 300 s); implies the default path if none is given.
    """
    container = None
    if (
        image is not None
        or artifact_url is not None
        or environment is not None
        or (metrics_path is not None or metrics_publish_frequency_s is not None)
    ):
        metrics = None
        if metrics_path is not None or metrics_publish_frequency_s is not None:
            metrics = models.ContainerMetricsConfig(
                metrics_endpoints=[
                    models.MetricsEndpoint(
                        metrics_endpoint_path=metrics_path or DEFAULT_METRICS_PATH,
                        metric_publish_frequency_in_seconds=metrics_publish_frequency_s,
                    )
                ]
            )
        container = models.InferenceComponentContainerSpecification(
            image=image,
            artifact_url=artifact_url,
            environment=dict(environment) if environment is not None else None,
            container_metrics_config=metrics,
        )
    startup = None
    if model_download_timeout_s is not None or startup_health_check_timeout_s is not None:
        startup = models.InferenceComponentStartupParameters(
            model_data_download_timeout_in_seconds=model_download_timeout_s,
            container_startup_health_check_timeout_in_seconds=startup_health_check_timeout_s,
        )
    scheduling = None
    if placement is not None or az_balance or az_max_imbalance is not None:
        balance = None
        if az_balance or az_max_imbalance is not None:
            balance = models.InferenceComponentAvailabilityZoneBalance(
                enforcement_mode=models.AvailabilityZoneBalanceEnforcementMode.PERMISSIVE,
                max_imbalance=az_max_imbalance,
            )
        scheduling = models.InferenceComponentSchedulingConfig(
            placement_strategy=placement,  # type: ignore[arg-type]  # None is reported by validate
            availability_zone_balance=balance,
        )
    return models.InferenceComponentSpecification(
        instance_type=instance_type,
        model_name=model_name,
        container=container,
        startup_parameters=startup,
        compute_resource_requirements=models.InferenceComponentComputeResourceRequirements(
            min_memory_required_in_mb=memory_mb,
            max_memory_required_in_mb=max_memory_mb,
            number_of_cpu_cores_required=cpu_cores,
            number_of_accelerator_devices_required=accelerators,
        ),
        data_cache_config=(
            models.InferenceComponentDataCacheConfig(enable_caching=data_cache)
            if data_cache is not None
            else None
        ),
        scheduling_config=scheduling,
    )


def adapter_spec(*, base_component_name: str, artifact_url: str) -> InferenceComponentSpecification:
    """The specification of an adapter (e.g. LoRA weights) loaded by a base component."""
    return models.InferenceComponentSpecification(
        base_inference_component_name=base_component_name,
        container=models.InferenceComponentContainerSpecification(artifact_url=artifact_url),
    )


def base_component(
    *,
    name: str,
    endpoint_name: str,
    variant_name: str | None = None,
    copies: int = 1,
    memory_mb: int | None = None,
    max_memory_mb: int | None = None,
    cpu_cores: float | None = None,
    accelerators: float | None = None,
    image: str | None = None,
    artifact_url: str | None = None,
    model_name: str | None = None,
    environment: Mapping[str, str] | None = None,
    instance_type: ProductionVariantInstanceType | str | None = None,
    instance_types: Sequence[ProductionVariantInstanceType | str] | None = None,
    specifications: Sequence[InferenceComponentSpecification] | None = None,
    model_download_timeout_s: int | None = None,
    startup_health_check_timeout_s: int | None = None,
    data_cache: bool | None = None,
    placement: InferenceComponentPlacementStrategy | str | None = None,
    az_balance: bool = False,
    az_max_imbalance: int | None = None,
    metrics_path: str | None = None,
    metrics_publish_frequency_s: int | None = None,
    tags: Mapping[str, str] | None = None,
    validate: bool = True,
) -> CreateInferenceComponentInput:
    """A ``CreateInferenceComponent`` request for a base component (a model with its compute).

    The per-copy resources and container are those of :func:`base_spec` (see it for each
    argument); ``memory_mb`` is required unless ``specifications`` is given.

    Args:
        name: The component's name (``InferenceComponentName``).
        endpoint_name: The existing endpoint that hosts it.
        variant_name: The endpoint's production variant, e.g. ``"AllTraffic"``.
        copies: Copies to start with (at least 1 on create).
        instance_type: The one instance type the specification applies to.
        instance_types: Deploy the same specification on several instance types
            (``Specifications``, one entry per type).
        specifications: Full control: one :func:`base_spec` per instance type. Excludes
            the per-spec arguments.
        tags: Tags as a mapping, in the order given.
        validate: Check the request and raise :class:`~ic_sdk.ValidationError` listing
            every problem (default). ``False`` returns it unchecked.
    """
    per_spec = {
        "memory_mb": memory_mb,
        "max_memory_mb": max_memory_mb,
        "cpu_cores": cpu_cores,
        "accelerators": accelerators,
        "image": image,
        "artifact_url": artifact_url,
        "model_name": model_name,
        "environment": environment,
        "instance_type": instance_type,
        "instance_types": instance_types,
        "model_download_timeout_s": model_download_timeout_s,
        "startup_health_check_timeout_s": startup_health_check_timeout_s,
        "data_cache": data_cache,
        "placement": placement,
        "az_max_imbalance": az_max_imbalance,
        "metrics_path": metrics_path,
        "metrics_publish_frequency_s": metrics_publish_frequency_s,
    }
    spec: InferenceComponentSpecification | None = None
    specs: list[InferenceComponentSpecification] | None = None
    if specifications is not None:
        given = sorted(k for k, v in per_spec.items() if v is not None)
        if az_balance:
            given.append("az_balance")
        if given:
            raise TypeError(
                "base_component() takes either specifications or per-spec arguments, got both "
                f"(specifications and {', '.join(given)})"
            )
        specs = list(specifications)
    else:
        if instance_type is not None and instance_types is not None:
            raise TypeError("base_component() takes instance_type or instance_types, not both")
        if memory_mb is None:
            raise TypeError("base_component() needs memory_mb (or specifications)")
        spec = base_spec(
            memory_mb=memory_mb,
            max_memory_mb=max_memory_mb,
            cpu_cores=cpu_cores,
            accelerators=accelerators,
            image=image,
            artifact_url=artifact_url,
            model_name=model_name,
            environment=environment,
            instance_type=instance_type,
            model_download_timeout_s=model_download_timeout_s,
            startup_health_check_timeout_s=startup_health_check_timeout_s,
            data_cache=data_cache,
            placement=placement,
            az_balance=az_balance,
            az_max_imbalance=az_max_imbalance,
            metrics_path=metrics_path,
            metrics_publish_frequency_s=metrics_publish_frequency_s,
        )
        if instance_types is not None:
            specs = [_with_instance_type(spec, t) for t in instance_types]
            spec = None
    request = models.CreateInferenceComponentInput(
        inference_component_name=name,
        endpoint_name=endpoint_name,
        variant_name=variant_name,
        specification=spec,
        specifications=specs,
        runtime_config=models.InferenceComponentRuntimeConfig(copy_count=copies),
        tags=_tags(tags),
    )
    if validate:
        _check(request, "CreateInferenceComponent")
    return request


def adapter_component(
    *,
    name: str,
    endpoint_name: str,
    base_component_name: str,
    artifact_url: str,
    tags: Mapping[str, str] | None = None,
    validate: bool = True,
) -> CreateInferenceComponentInput:
    """A ``CreateInferenceComponent`` request for an adapter of a base component.

    The adapter runs inside its base component's copies, on its compute: it takes no
    resources, variant, copy count or image — only where its artifacts are.

    Args:
        name: The adapter component's name.
        endpoint_name: The endpoint hosting the base component.
        base_component_name: The base component (it must be ``InService``).
        artifact_url: S3 location of the adapter's artifacts.
        tags: Tags as a mapping.
        validate: Check and raise :class:`~ic_sdk.ValidationError` (default).
    """
    request = models.CreateInferenceComponentInput(
        inference_component_name=name,
        endpoint_name=endpoint_name,
        specification=adapter_spec(
            base_component_name=base_component_name, artifact_url=artifact_url
        ),
        tags=_tags(tags),
    )
    if validate:
        _check(request, "CreateInferenceComponent")
    return request


def rolling_deployment(
    *,
    batch_copies: int | None = None,
    batch_percent: int | None = None,
    wait_s: int,
    timeout_s: int | None = None,
    rollback_batch_copies: int | None = None,
    rollback_batch_percent: int | None = None,
    alarms: Sequence[str] = (),
) -> InferenceComponentDeploymentConfig:
    """A rolling deployment for :func:`update_component`.

    Args:
        batch_copies: Replace this many copies per step, or
        batch_percent: replace this percentage of the copies per step (5–50).
        wait_s: Baking time after each step while alarms are watched (0–3600 s).
        timeout_s: Limit for the whole deployment (600–28800 s).
        rollback_batch_copies: Copies restored per step on rollback, or
        rollback_batch_percent: percentage restored per step (default: all at once).
        alarms: CloudWatch alarm names; any of them firing rolls the deployment back.
    """
    batch = _capacity(batch_copies, batch_percent, "batch_copies", "batch_percent")
    if batch is None:
        raise TypeError("rolling_deployment() needs batch_copies or batch_percent")
    rollback = _capacity(
        rollback_batch_copies,
        rollback_batch_percent,
        "rollback_batch_copies",
        "rollback_batch_percent",
    )
    return models.InferenceComponentDeploymentConfig(
        rolling_update_policy=models.InferenceComponentRollingUpdatePolicy(
            maximum_batch_size=batch,
            wait_interval_in_seconds=wait_s,
            maximum_execution_timeout_in_seconds=timeout_s,
            rollback_maximum_batch_size=rollback,
        ),
        auto_rollback_configuration=(
            models.AutoRollbackConfig(alarms=[models.Alarm(alarm_name=a) for a in alarms])
            if alarms
            else None
        ),
    )


def update_component(
    *,
    name: str,
    specification: InferenceComponentSpecification | None = None,
    specifications: Sequence[InferenceComponentSpecification] | None = None,
    copies: int | None = None,
    deployment: InferenceComponentDeploymentConfig | None = None,
    validate: bool = True,
) -> UpdateInferenceComponentInput:
    """An ``UpdateInferenceComponent`` request.

    Args:
        name: The component to update.
        specification: Its new specification (:func:`base_spec` or :func:`adapter_spec`), or
        specifications: one per instance type.
        copies: The new copy count.
        deployment: How to roll the change out (:func:`rolling_deployment`).
        validate: Check and raise :class:`~ic_sdk.ValidationError` (default).
    """
    request = models.UpdateInferenceComponentInput(
        inference_component_name=name,
        specification=specification,
        specifications=list(specifications) if specifications is not None else None,
        runtime_config=(
            models.InferenceComponentRuntimeConfig(copy_count=copies)
            if copies is not None
            else None
        ),
        deployment_config=deployment,
    )
    if validate:
        _check(request, "UpdateInferenceComponent")
    return request


# --------------------------------------------------------------------------- helpers


def _check(request: object, operation: str) -> None:
    problems = errors_only(_validate(request))  # warnings do not stop a request
    if problems:
        raise ValidationError(problems, operation=operation)


def _tags(tags: Mapping[str, str] | None) -> list[models.Tag] | None:
    if not tags:
        return None
    return [models.Tag(key=k, value=v) for k, v in tags.items()]


def _with_instance_type(
    spec: InferenceComponentSpecification, instance_type: ProductionVariantInstanceType | str
) -> InferenceComponentSpecification:
    return attrs.evolve(spec, instance_type=instance_type)


def _capacity(
    copies: int | None, percent: int | None, copies_arg: str, percent_arg: str
) -> InferenceComponentCapacitySize | None:
    if copies is not None and percent is not None:
        raise TypeError(f"give {copies_arg} or {percent_arg}, not both")
    if copies is not None:
        return models.InferenceComponentCapacitySize(
            type=models.InferenceComponentCapacitySizeType.COPY_COUNT, value=copies
        )
    if percent is not None:
        return models.InferenceComponentCapacitySize(
            type=models.InferenceComponentCapacitySizeType.CAPACITY_PERCENT, value=percent
        )
    return None
