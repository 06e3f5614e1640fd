"""The inference-component rules: how the service behaves beyond its model.

Each rule has a stable id (``ic.*``, listed in :data:`IC_RULES`) and runs after the
generic walk, on requests of the shapes in :data:`ROOT_RULES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from ic_sdk.validation._engine import member
from ic_sdk.validation._problem import Problem, _num, _show

__all__ = ["IC_RULES", "ROOT_RULES", "Rules"]

#: Rules the service enforces on inference components beyond its model
#: (see ``docs/guides/validation-rules.md``).
IC_RULES: Final[Mapping[str, str]] = {
    "ic.spec-xor-specifications": (
        "Give Specification or Specifications, not both; a create needs one of them."
    ),
    "ic.specifications-instance-type": "Every entry of Specifications names its InstanceType.",
    "ic.specifications-distinct-instance-types": (
        "The entries of Specifications name distinct InstanceTypes."
    ),
    "ic.base-compute-required": (
        "A base component (no BaseInferenceComponentName) has ComputeResourceRequirements."
    ),
    "ic.base-model-or-image": "A base component names a ModelName or a Container.Image.",
    "ic.base-artifact-tar-gz": "A base component's Container.ArtifactUrl ends in .tar.gz.",
    "ic.adapter-artifact-required": "An adapter component has Container.ArtifactUrl.",
    "ic.adapter-no-compute": "An adapter component has no ComputeResourceRequirements.",
    "ic.adapter-extra-field": (
        "An adapter specification holds only BaseInferenceComponentName and Container.ArtifactUrl."
    ),
    "ic.adapter-no-variant": "A request creating an adapter has no VariantName.",
    "ic.adapter-no-runtime-config": "A request creating an adapter has no RuntimeConfig.",
    "ic.memory-min-le-max": "MinMemoryRequiredInMb is not more than MaxMemoryRequiredInMb.",
    "ic.copy-count-positive": "CopyCount is at least 1 when creating a component.",
    "ic.metrics-publish-frequency": (
        "MetricPublishFrequencyInSeconds is one of 10, 30, 60, 120, 180, 240, 300."
    ),
    "ic.update-nothing": (
        "An update changes something: Specification, Specifications or RuntimeConfig."
    ),
    "ic.rolling-batch-percent": (
        "A rolling update's MaximumBatchSize in CAPACITY_PERCENT is between 5 and 50."
    ),
    "ic.rollback-batch-percent": "A RollbackMaximumBatchSize in CAPACITY_PERCENT is at most 100.",
    "ic.rolling-batch-copies": (
        "A COPY_COUNT batch is not larger than the CopyCount the same request sets."
    ),
    "ic.endpoint-scaling-bounds": (
        "An endpoint plan (ic_endpoint) gives both min_instances and max_instances or "
        "neither, min_instances <= max_instances, and instance_count between them."
    ),
}

# Rules see the request as either model instances or dicts (the same walk handles both),
# read it through ``_get`` and never trust a type they have not checked: a value the
# generic walk already reported as wrong is skipped, not re-reported.


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Rules:
    """Collects IC-rule problems, skipping ignored rule ids.

    ``dm`` says how the request came: as dicts (structures are mappings) or as models
    (structures are model instances). A structure of the other kind was already reported
    as a ``type`` problem, so rules treat it as absent.
    """

    __slots__ = ("dm", "ignore", "out")

    def __init__(self, out: list[Problem], ignore: frozenset[str], dm: bool) -> None:
        self.out = out
        self.ignore = ignore
        self.dm = dm

    def node(self, value: Any, shape: str | None = None) -> bool:
        """Whether ``value`` is a structure the rules can read (a model of ``shape``)."""
        if self.dm:
            return value.__class__ is dict or isinstance(value, Mapping)
        if shape is not None and value.__class__.__name__ != shape:
            return False
        return attrs.has(value.__class__)

    def on(self, rule: str) -> bool:
        return rule not in self.ignore

    def add(self, path: str, rule: str, message: str) -> None:
        if rule in self.ignore:
            return
        # a value the model rules already found wrong is not reported twice
        if any(p.path == path and p.is_error for p in self.out):
            return
        self.out.append(Problem(path, rule, message))


def _join(path: str, wire: str) -> str:
    return f"{path}.{wire}" if path else wire


def _specs(root: Any, path: str, r: Rules) -> tuple[Any, Any, list[tuple[str, Any]]]:
    """(Specification, Specifications, [(path, spec node)…]) of a create/update request."""
    spec = member(root, "Specification")
    specs = member(root, "Specifications")
    nodes: list[tuple[str, Any]] = []
    shape = "InferenceComponentSpecification"
    if r.node(spec, shape):
        nodes.append((_join(path, "Specification"), spec))
    if isinstance(specs, list | tuple):
        base = _join(path, "Specifications")
        nodes.extend((f"{base}[{i}]", s) for i, s in enumerate(specs) if r.node(s, shape))
    return spec, specs, nodes


def _is_adapter(spec: Any) -> bool:
    return member(spec, "BaseInferenceComponentName") is not None


_ADAPTER_EXTRA_SPEC: Final = (
    "ModelName",
    "StartupParameters",
    "DataCacheConfig",
    "SchedulingConfig",
)
_ADAPTER_EXTRA_CONTAINER: Final = ("Image", "Environment", "ContainerMetricsConfig")


def _spec_rules(spec: Any, path: str, r: Rules, *, create: bool) -> None:
    container = member(spec, "Container")
    if not r.node(container):
        container = None
    compute = member(spec, "ComputeResourceRequirements")
    artifact = member(container, "ArtifactUrl")
    if _is_adapter(spec):
        if compute is not None:
            r.add(
                _join(path, "ComputeResourceRequirements"),
                "ic.adapter-no-compute",
                "an adapter uses its base component's compute resources; "
                "omit ComputeResourceRequirements",
            )
        if create and artifact is None:
            r.add(
                _join(path, "Container.ArtifactUrl"),
                "ic.adapter-artifact-required",
                "an adapter needs the S3 location of its artifacts in Container.ArtifactUrl",
            )
        if r.on("ic.adapter-extra-field"):
            for wire in _ADAPTER_EXTRA_SPEC:
                if member(spec, wire) is not None:
                    r.add(
                        _join(path, wire),
                        "ic.adapter-extra-field",
                        f"an adapter specification takes no {wire}",
                    )
            for wire in _ADAPTER_EXTRA_CONTAINER:
                if member(container, wire) is not None:
                    r.add(
                        _join(path, "Container." + wire),
                        "ic.adapter-extra-field",
                        f"an adapter's container takes no {wire} (it runs in its base component)",
                    )
    else:
        if create and compute is None:
            r.add(
                _join(path, "ComputeResourceRequirements"),
                "ic.base-compute-required",
                "a base component needs ComputeResourceRequirements (at least "
                "MinMemoryRequiredInMb)",
            )
        if create and member(spec, "ModelName") is None and member(container, "Image") is None:
            r.add(
                path,
                "ic.base-model-or-image",
                "a base component needs a ModelName or a Container with an Image",
            )
        if isinstance(artifact, str) and not artifact.endswith(".tar.gz"):
            r.add(
                _join(path, "Container.ArtifactUrl"),
                "ic.base-artifact-tar-gz",
                f"a base component's artifact must be a single .tar.gz archive, got {_show(artifact)}",
            )
    metrics = member(container, "ContainerMetricsConfig")
    if metrics is not None and r.on("ic.metrics-publish-frequency"):
        _metrics_rules(metrics, _join(path, "Container.ContainerMetricsConfig"), r)
    if r.node(compute):
        lo = member(compute, "MinMemoryRequiredInMb")
        hi = member(compute, "MaxMemoryRequiredInMb")
        if _is_int(lo) and _is_int(hi) and lo > hi:
            r.add(
                _join(path, "ComputeResourceRequirements.MaxMemoryRequiredInMb"),
                "ic.memory-min-le-max",
                f"MaxMemoryRequiredInMb {_num(hi)} is less than MinMemoryRequiredInMb {_num(lo)}",
            )


_PUBLISH_FREQUENCIES: Final = (10, 30, 60, 120, 180, 240, 300)


def _metrics_rules(metrics: Any, path: str, r: Rules) -> None:
    endpoints = member(metrics, "MetricsEndpoints")
    if not isinstance(endpoints, list | tuple):
        return
    for i, endpoint in enumerate(endpoints):
        every = member(endpoint, "MetricPublishFrequencyInSeconds") if r.node(endpoint) else None
        if _is_int(every) and every not in _PUBLISH_FREQUENCIES:
            r.add(
                f"{path}.MetricsEndpoints[{i}].MetricPublishFrequencyInSeconds",
                "ic.metrics-publish-frequency",
                f"{_num(every)} is not one of " + ", ".join(map(str, _PUBLISH_FREQUENCIES)),
            )


def _specifications_rules(specs: Any, path: str, r: Rules) -> None:
    if not isinstance(specs, list | tuple):
        return
    base = _join(path, "Specifications")
    seen: dict[str, int] = {}
    for i, spec in enumerate(specs):
        if not r.node(spec, "InferenceComponentSpecification"):
            continue
        where = f"{base}[{i}].InstanceType"
        itype = member(spec, "InstanceType")
        if itype is None:
            r.add(
                where,
                "ic.specifications-instance-type",
                "each entry of Specifications names the InstanceType it applies to",
            )
        elif isinstance(itype, str):
            key = str(itype)
            if key in seen:
                r.add(
                    where,
                    "ic.specifications-distinct-instance-types",
                    f"{key!r} is already used by Specifications[{seen[key]}]",
                )
            else:
                seen[key] = i


def _spec_presence(spec: Any, specs: Any, path: str, r: Rules, *, create: bool) -> None:
    if spec is not None and specs is not None:
        r.add(
            _join(path, "Specifications"),
            "ic.spec-xor-specifications",
            "give Specification or Specifications, not both",
        )
    elif create and spec is None and specs is None:
        r.add(
            _join(path, "Specification"),
            "ic.spec-xor-specifications",
            "a new inference component needs Specification (or Specifications, one per "
            "instance type)",
        )


def _shared_spec_rules(
    root: Any, path: str, r: Rules, *, create: bool
) -> tuple[Any, Any, list[tuple[str, Any]]]:
    """The Specification/Specifications rules create and update share; what :func:`_specs` found."""
    spec, specs, nodes = _specs(root, path, r)
    _spec_presence(spec, specs, path, r, create=create)
    for where, node in nodes:
        _spec_rules(node, where, r, create=create)
    _specifications_rules(specs, path, r)
    return spec, specs, nodes


def _create_rules(root: Any, path: str, r: Rules) -> None:
    _, _, nodes = _shared_spec_rules(root, path, r, create=True)
    runtime = member(root, "RuntimeConfig")
    if any(_is_adapter(node) for _, node in nodes):
        if member(root, "VariantName") is not None:
            r.add(
                _join(path, "VariantName"),
                "ic.adapter-no-variant",
                "an adapter is placed with its base component; omit VariantName",
            )
        if runtime is not None:
            r.add(
                _join(path, "RuntimeConfig"),
                "ic.adapter-no-runtime-config",
                "an adapter runs in its base component's copies; omit RuntimeConfig",
            )
        return
    copies = member(runtime, "CopyCount") if r.node(runtime) else None
    if _is_int(copies) and copies == 0:
        r.add(
            _join(path, "RuntimeConfig.CopyCount"),
            "ic.copy-count-positive",
            "the service rejects 0 copies on create; start with at least 1 "
            "(scale to zero later through autoscaling)",
        )


def _batch_rules(size: Any, where: str, r: Rules, *, rollback: bool, copies: Any) -> None:
    if not r.node(size):
        return
    kind = member(size, "Type")
    value = member(size, "Value")
    if not _is_int(value) or value < 1:  # missing or below the model's min: already reported
        return
    where = _join(where, "Value")
    if kind == "CAPACITY_PERCENT":
        if rollback and value > 100:
            r.add(where, "ic.rollback-batch-percent", f"{_num(value)}% is more than 100%")
        elif not rollback and not 5 <= value <= 50:
            r.add(
                where,
                "ic.rolling-batch-percent",
                f"a rolling batch of {_num(value)}% is outside 5–50% of the copy count",
            )
    elif kind == "COPY_COUNT" and _is_int(copies) and value > copies:
        r.add(
            where,
            "ic.rolling-batch-copies",
            f"a batch of {_num(value)} copies is larger than the {_num(copies)} copies this request "
            "sets",
        )


def _update_rules(root: Any, path: str, r: Rules) -> None:
    spec, specs, _ = _shared_spec_rules(root, path, r, create=False)
    runtime = member(root, "RuntimeConfig")
    if spec is None and specs is None and runtime is None:
        r.add(
            path,
            "ic.update-nothing",
            "an update needs Specification, Specifications or RuntimeConfig",
        )
    deployment = member(root, "DeploymentConfig")
    policy = member(deployment, "RollingUpdatePolicy") if r.node(deployment) else None
    if not r.node(policy):
        return
    copies = member(runtime, "CopyCount") if r.node(runtime) else None
    where = _join(path, "DeploymentConfig.RollingUpdatePolicy")
    _batch_rules(
        member(policy, "MaximumBatchSize"),
        where + ".MaximumBatchSize",
        r,
        rollback=False,
        copies=copies,
    )
    _batch_rules(
        member(policy, "RollbackMaximumBatchSize"),
        where + ".RollbackMaximumBatchSize",
        r,
        rollback=True,
        copies=copies,
    )


def _specification_rules(root: Any, path: str, r: Rules) -> None:
    _spec_rules(root, path, r, create=True)


#: Shape name → rules applied when a request of that shape is validated.
ROOT_RULES: Final[Mapping[str, Callable[[Any, str, Rules], None]]] = {
    "CreateInferenceComponentInput": _create_rules,
    "UpdateInferenceComponentInput": _update_rules,
    "InferenceComponentSpecification": _specification_rules,
}
