"""Remote pre-flight (``client.preflight`` / ``create(..., preflight=True)``) against
LocalSageMaker: static problems plus what only the account knows, all at once."""

from __future__ import annotations

from typing import Any

import pytest

from ic_sdk.client import InferenceComponentClient
from ic_sdk.clock import FakeClock
from ic_sdk.errors import ResourceNotFound, ValidationError
from ic_sdk.preflight import NOTICE_RULES, REMOTE_RULES
from ic_sdk.testing import LocalSageMaker
from ic_sdk.validation import RULES
from tests.client_support import ROLE, VARIANT, adapter, base, make_endpoint


async def test_preflight_of_a_good_request_is_empty(
    client: InferenceComponentClient, endpoint: str
) -> None:
    assert await client.preflight(base(copies=4)) == []


async def test_preflight_reports_every_remote_problem_at_once(
    raw: Any, client: InferenceComponentClient, clock: FakeClock, endpoint: str
) -> None:
    await client.create_and_wait(base("taken", copies=2))
    spec = base(
        "taken",
        copies=3,  # 2 accelerators are left on the single g5.12xlarge
        variant_name="Nope",
        model_name="no-such-model",
    )
    problems = await client.preflight(spec)
    rules = {(p.path, p.rule) for p in problems}
    assert ("InferenceComponentName", "remote.name-in-use") in rules
    assert ("VariantName", "remote.variant-not-found") in rules
    assert ("Specification.ModelName", "remote.model-not-found") in rules
    fixed_variant = base("fresh", copies=3, model_name=None)
    capacity = await client.preflight(fixed_variant)
    assert [(p.path, p.rule) for p in capacity] == [
        ("RuntimeConfig.CopyCount", "remote.capacity-exceeded")
    ]
    assert "only 2 of 3 copies" in capacity[0].message
    assert await client.preflight(base("fresh", copies=2)) == []
    assert await client.preflight(fixed_variant, ignore=["remote.capacity-exceeded"]) == []


async def test_preflight_endpoint_problems(
    raw: Any, client: InferenceComponentClient, clock: FakeClock
) -> None:
    missing = await client.preflight(base(endpoint_name="ghost"))
    assert [(p.path, p.rule) for p in missing] == [("EndpointName", "remote.endpoint-not-found")]

    await make_endpoint(raw, clock, "classic", model_variant=True)
    classic = await client.preflight(base(endpoint_name="classic"))
    assert ("EndpointName", "remote.endpoint-not-ic-capable") in {(p.path, p.rule) for p in classic}

    await raw.create_endpoint_config(
        EndpointConfigName="slow-config",
        ExecutionRoleArn=ROLE,
        ProductionVariants=[
            {"VariantName": VARIANT, "InstanceType": "ml.g5.2xlarge", "InitialInstanceCount": 1}
        ],
    )
    await raw.create_endpoint(EndpointName="slow", EndpointConfigName="slow-config")
    creating = await client.preflight(base(endpoint_name="slow"))
    assert [(p.path, p.rule) for p in creating] == [
        ("EndpointName", "remote.endpoint-not-in-service")
    ]


async def test_preflight_unknown_instance_type_is_a_notice(
    raw: Any, client: InferenceComponentClient, clock: FakeClock
) -> None:
    await make_endpoint(raw, clock, "exotic", instance_type="ml.g7e.2xlarge")
    problems = await client.preflight(base(endpoint_name="exotic", copies=100))
    assert [(p.path, p.rule) for p in problems] == [("VariantName", "remote.capacity-not-checked")]
    assert "not checked" in problems[0].message
    # a notice does not stop create(preflight=True)
    await client.create(base(endpoint_name="exotic"), preflight=True)


async def test_preflight_adapter_base_checks(
    client: InferenceComponentClient, endpoint: str
) -> None:
    orphan = await client.preflight(adapter("lora", base_name="ghost"))
    assert [(p.path, p.rule) for p in orphan] == [
        ("Specification.BaseInferenceComponentName", "remote.base-not-found")
    ]
    await client.create(base())
    early = await client.preflight(adapter("lora"))
    assert [(p.path, p.rule) for p in early] == [
        ("Specification.BaseInferenceComponentName", "remote.base-not-in-service")
    ]
    await client.wait_until_in_service("base")
    assert await client.preflight(adapter("lora")) == []


async def test_create_with_preflight_raises_before_creating(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    with pytest.raises(ValidationError) as info:
        await client.create(base(copies=5), preflight=True)
    assert [p.rule for p in info.value.problems] == ["remote.capacity-exceeded"]
    with pytest.raises(ResourceNotFound):
        await client.describe("base")
    with pytest.raises(ValueError, match=r"remote\.nonsense"):
        await client.preflight(base(), ignore=["remote.nonsense"])


async def test_static_problems_come_with_the_remote_ones(
    client: InferenceComponentClient, endpoint: str
) -> None:
    bad = base("Bad_Name", endpoint_name="ghost", validate=False)
    problems = await client.preflight(bad)
    assert {(p.path, p.rule) for p in problems} == {
        ("InferenceComponentName", "pattern"),
        ("EndpointName", "remote.endpoint-not-found"),
    }
    assert await client.preflight(bad, ignore=["pattern", "remote.endpoint-not-found"]) == []


def test_rule_tables() -> None:
    assert set(REMOTE_RULES) >= NOTICE_RULES
    assert all(rule.startswith("remote.") for rule in REMOTE_RULES)
    assert not set(REMOTE_RULES) & set(RULES)
