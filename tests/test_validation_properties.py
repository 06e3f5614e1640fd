"""Property tests: valid-by-construction requests pass; breaking one constraint is caught.

The breaking step is generic: it walks a valid request's wire dict alongside the models'
field metadata, picks one value and breaks one of the constraints that metadata declares
(length, size, range, enum, required, type, unknown member). The problem must then be
reported at exactly that path, with that rule — for the dict and for the model made of it.
"""

from __future__ import annotations

import copy
import string
from collections.abc import Iterator
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ic_sdk import models
from ic_sdk.serde import converter
from ic_sdk.validation import RULES, validate

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------- valid requests

names = st.from_regex(r"[a-zA-Z0-9]([\-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?", fullmatch=True)
images = st.text(string.ascii_letters + string.digits + ":/.-_@", min_size=1, max_size=255)
artifacts = st.builds(
    "s3://{}/{}.tar.gz".format,
    st.from_regex(r"[a-z0-9][a-z0-9\-]{2,20}", fullmatch=True),
    st.from_regex(r"[a-z0-9_/\-]{1,40}", fullmatch=True),
)
environments = st.dictionaries(
    st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,30}", fullmatch=True),
    st.text(max_size=200),
    max_size=8,
)
instance_types = st.sampled_from(list(models.ProductionVariantInstanceType))
tag_text = st.characters(categories=["L", "N", "Zs"], include_characters="_.:/=+-@")
tag_lists = st.lists(
    st.builds(
        models.Tag,
        key=st.text(tag_text, min_size=1, max_size=128),
        value=st.text(tag_text, max_size=256),
    ),
    max_size=6,
)
timeouts = st.none() | st.integers(60, 3600)


@st.composite
def computes(draw: st.DrawFn) -> models.InferenceComponentComputeResourceRequirements:
    low = draw(st.integers(128, 2**20))
    return models.InferenceComponentComputeResourceRequirements(
        min_memory_required_in_mb=low,
        max_memory_required_in_mb=draw(st.none() | st.integers(low, 2**21)),
        number_of_cpu_cores_required=draw(
            st.none() | st.floats(0.25, 192, allow_nan=False) | st.integers(1, 192)
        ),
        number_of_accelerator_devices_required=draw(
            st.none() | st.integers(1, 16) | st.floats(1, 16, allow_nan=False)
        ),
    )


@st.composite
def base_specs(
    draw: st.DrawFn, instance_type: Any = None
) -> models.InferenceComponentSpecification:
    image = draw(st.none() | images)
    model_name = draw(names) if image is None else draw(st.none() | names)
    metrics = draw(
        st.none()
        | st.builds(
            lambda path, every: models.ContainerMetricsConfig(
                metrics_endpoints=[
                    models.MetricsEndpoint(
                        metrics_endpoint_path=path, metric_publish_frequency_in_seconds=every
                    )
                ]
            ),
            st.from_regex(r"(/[a-zA-Z0-9_\-]{1,20}){1,3}", fullmatch=True),
            st.none() | st.sampled_from([10, 30, 60, 120, 180, 240, 300]),
        )
    )
    balance = st.builds(
        models.InferenceComponentAvailabilityZoneBalance,
        enforcement_mode=st.just("PERMISSIVE"),
        max_imbalance=st.none() | st.integers(0, 100),
    )
    return models.InferenceComponentSpecification(
        instance_type=instance_type,
        model_name=model_name,
        container=models.InferenceComponentContainerSpecification(
            image=image,
            artifact_url=draw(st.none() | artifacts),
            environment=draw(st.none() | environments),
            container_metrics_config=metrics,
        ),
        startup_parameters=draw(
            st.none()
            | st.builds(
                models.InferenceComponentStartupParameters,
                model_data_download_timeout_in_seconds=timeouts,
                container_startup_health_check_timeout_in_seconds=timeouts,
            )
        ),
        compute_resource_requirements=draw(computes()),
        data_cache_config=draw(
            st.none()
            | st.builds(models.InferenceComponentDataCacheConfig, enable_caching=st.booleans())
        ),
        scheduling_config=draw(
            st.none()
            | st.builds(
                models.InferenceComponentSchedulingConfig,
                placement_strategy=st.sampled_from(
                    list(models.InferenceComponentPlacementStrategy)
                ),
                availability_zone_balance=st.none() | balance,
            )
        ),
    )


@st.composite
def spec_lists(draw: st.DrawFn) -> list[models.InferenceComponentSpecification]:
    types = draw(st.lists(instance_types, min_size=1, max_size=5, unique=True))
    return [draw(base_specs(instance_type=t)) for t in types]


@st.composite
def base_creates(draw: st.DrawFn) -> models.CreateInferenceComponentInput:
    several = draw(st.booleans())
    return models.CreateInferenceComponentInput(
        inference_component_name=draw(names),
        endpoint_name=draw(names),
        variant_name=draw(st.none() | names),
        specification=None if several else draw(base_specs(draw(st.none() | instance_types))),
        specifications=draw(spec_lists()) if several else None,
        runtime_config=draw(
            st.none()
            | st.builds(models.InferenceComponentRuntimeConfig, copy_count=st.integers(1, 1000))
        ),
        tags=draw(st.none() | tag_lists),
    )


adapter_creates = st.builds(
    models.CreateInferenceComponentInput,
    inference_component_name=names,
    endpoint_name=names,
    specification=st.builds(
        models.InferenceComponentSpecification,
        base_inference_component_name=names,
        container=st.builds(
            models.InferenceComponentContainerSpecification,
            artifact_url=st.builds("s3://adapters/{}/".format, names),
        ),
    ),
    tags=st.none() | tag_lists,
)


@st.composite
def updates(draw: st.DrawFn) -> models.UpdateInferenceComponentInput:
    copies = draw(st.none() | st.integers(1, 100))
    spec = draw(st.none() | base_specs())
    if copies is None and spec is None:
        copies = 1

    def size(rollback: bool) -> Any:
        percent = st.integers(1, 100) if rollback else st.integers(5, 50)
        copy_count = st.integers(1, copies if copies is not None else 10**6)
        return st.builds(
            models.InferenceComponentCapacitySize,
            type=st.just("CAPACITY_PERCENT"),
            value=percent,
        ) | st.builds(
            models.InferenceComponentCapacitySize, type=st.just("COPY_COUNT"), value=copy_count
        )

    deployment = st.builds(
        models.InferenceComponentDeploymentConfig,
        rolling_update_policy=st.builds(
            models.InferenceComponentRollingUpdatePolicy,
            maximum_batch_size=size(rollback=False),
            wait_interval_in_seconds=st.integers(0, 3600),
            maximum_execution_timeout_in_seconds=st.none() | st.integers(600, 28800),
            rollback_maximum_batch_size=st.none() | size(rollback=True),
        ),
        auto_rollback_configuration=st.none()
        | st.builds(
            models.AutoRollbackConfig,
            alarms=st.lists(
                st.builds(
                    models.Alarm,
                    alarm_name=st.from_regex(r"[a-z][a-z0-9 \-]{0,40}", fullmatch=True),
                ),
                min_size=1,
                max_size=10,
            ),
        ),
    )
    return models.UpdateInferenceComponentInput(
        inference_component_name=draw(names),
        specification=spec,
        runtime_config=(
            models.InferenceComponentRuntimeConfig(copy_count=copies)
            if copies is not None
            else None
        ),
        deployment_config=draw(st.none() | deployment),
    )


requests = base_creates() | adapter_creates | updates()


@SETTINGS
@given(requests)
def test_valid_by_construction_has_no_problems(request: Any) -> None:
    assert validate(request) == []
    wire = converter.unstructure(request)
    assert validate(wire, type(request)) == []


# --------------------------------------------------------------------------- breaking one thing


@attrs.frozen
class Breakable:
    """One place in a wire dict and a way to break it."""

    path: str  # wire path, as Problem.path spells it
    container: Any  # the dict or list holding the value
    key: Any  # its key/index in ``container``
    meta: dict[str, Any]
    required: bool
    in_struct: bool  # the value is a structure member (can be deleted / joined by unknowns)


def _fields(cls: type) -> Iterator[tuple[str, dict[str, Any]]]:
    for f in attrs.fields(cls):
        if f.init and not f.metadata.get("unknown"):
            yield f.metadata["wire"], dict(f.metadata)


def _key_seg(key: str) -> str:
    return '["' + key.replace("\\", "\\\\").replace('"', '\\"') + '"]'


def breakables(node: Any, cls: type, path: str = "") -> Iterator[Breakable]:
    """Every value of a wire dict that metadata lets us break, depth first."""
    prefix = f"{path}." if path else ""
    for wire, meta in _fields(cls):
        here = prefix + wire
        if wire not in node:
            continue
        yield Breakable(here, node, wire, meta, bool(meta.get("required")), True)
        yield from _inner(node[wire], meta, here)


def _inner(value: Any, meta: dict[str, Any], path: str) -> Iterator[Breakable]:
    kind = meta.get("type")
    if kind == "structure":
        yield from breakables(value, getattr(models, meta["shape"]), path)
    elif kind == "list" and "member" in meta:
        for i, item in enumerate(value):
            yield Breakable(f"{path}[{i}]", value, i, meta["member"], False, False)
            yield from _inner(item, meta["member"], f"{path}[{i}]")
    elif kind == "map" and "value" in meta:
        for key in value:
            yield Breakable(path + _key_seg(key), value, key, meta["value"], False, False)


def ways_to_break(b: Breakable) -> list[tuple[str, Any]]:
    """(rule, new value or a callable applying the change) that must produce ``rule`` at b.path."""
    meta, kind = b.meta, b.meta.get("type")
    current = b.container[b.key]
    out: list[tuple[str, Any]] = []
    if b.required:
        out.append(("required", DELETE))
    if meta.get("enum"):
        out.append(("enum", "NOT-A-" + "VALUE"))
        out.append(("type", 7))
    elif kind == "string":
        if meta.get("max") is not None:
            out.append(("max_length", "a" * (int(meta["max"]) + 1)))
        if meta.get("min"):
            out.append(("min_length", ""))
        out.append(("type", 7))
    elif kind in ("integer", "long"):
        if meta.get("min") is not None:
            out.append(("min", int(meta["min"]) - 1))
        if meta.get("max") is not None:
            out.append(("max", int(meta["max"]) + 1))
        out.append(("type", "seven"))
    elif kind in ("float", "double"):
        if meta.get("min") is not None:
            out.append(("min", float(meta["min"]) - 0.125))
        out.append(("type", True))
    elif kind == "boolean":
        out.append(("type", "yes"))
    elif kind == "list":
        if meta.get("max") is not None and current:
            out.append(("max_length", [current[0]] * (int(meta["max"]) + 1)))
        if meta.get("min"):
            out.append(("min_length", []))
        out.append(("type", "not-a-list"))
    elif kind == "map":
        if meta.get("max") is not None:
            out.append(("max_length", {f"K{i}": "v" for i in range(int(meta["max"]) + 1)}))
        out.append(("type", ["not", "a", "map"]))
    elif kind == "structure":
        out.append(("unknown", ADD_UNKNOWN))
        out.append(("type", 3))
    return out


DELETE = object()
ADD_UNKNOWN = object()


def break_one(wire: dict[str, Any], cls: type, index: int) -> tuple[dict[str, Any], str, str]:
    """A copy of ``wire`` with its ``index``-th way of breaking applied: (dict, path, rule)."""
    broken = copy.deepcopy(wire)
    choices = [
        (b, rule, value) for b in breakables(broken, cls) for rule, value in ways_to_break(b)
    ]
    b, rule, value = choices[index]
    path = b.path
    if value is DELETE:
        del b.container[b.key]
    elif value is ADD_UNKNOWN:
        b.container[b.key]["NoSuchMember"] = 1
        path = f"{b.path}.NoSuchMember"
    else:
        b.container[b.key] = value
    return broken, path, rule


@settings(SETTINGS, max_examples=60)
@given(requests)
def test_breaking_any_one_constraint_is_reported_at_its_path(request: Any) -> None:
    """For each generated request, every way of breaking every value is tried in turn."""
    cls = type(request)
    wire = converter.unstructure(request)
    count = sum(len(ways_to_break(b)) for b in breakables(wire, cls))
    assert count > 0
    for index in range(count):
        broken, path, rule = break_one(wire, cls, index)
        problems = {(p.path, p.rule) for p in validate(broken, cls)}
        assert (path, rule) in problems, (index, path, rule, problems)
        if rule != "type":  # a model cannot carry every wrong type (a str is no list of tags)
            model = converter.structure(broken, cls)
            assert (path, rule) in {(p.path, p.rule) for p in validate(model)}


# --------------------------------------------------------------------------- never raises

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=25,
)
member_names = st.sampled_from(
    [
        "InferenceComponentName",
        "EndpointName",
        "VariantName",
        "Specification",
        "Specifications",
        "RuntimeConfig",
        "Tags",
        "DeploymentConfig",
        "Container",
        "ComputeResourceRequirements",
        "BaseInferenceComponentName",
        "CopyCount",
        "RollingUpdatePolicy",
        "MaximumBatchSize",
        "Type",
        "Value",
    ]
)
shaped_garbage = st.recursive(
    json_values,
    lambda inner: st.dictionaries(member_names, inner, max_size=6) | st.lists(inner, max_size=3),
    max_leaves=40,
)


@SETTINGS
@given(
    shaped_garbage,
    st.sampled_from(
        [
            models.CreateInferenceComponentInput,
            models.UpdateInferenceComponentInput,
            models.InferenceComponentSpecification,
        ]
    ),
)
def test_garbage_never_raises_and_is_never_changed(garbage: Any, shape: type) -> None:
    before = copy.deepcopy(garbage)
    problems = validate(garbage, shape)
    # (a NaN inside compares equal: containers compare items by identity first)
    assert garbage == before
    assert all(p.rule in RULES and p.message for p in problems)
