"""Which component is an adapter, and deleting several in the order the service allows:
one answer (``ic_sdk._adapters``) for teardown, ``ic-sdk delete``, ``apply`` and autoscaling.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest

import ic_sdk
from ic_sdk import models
from ic_sdk._adapters import adapters_first, base_of
from ic_sdk.autoscaling import scale_to_zero_problems
from ic_sdk.client import InferenceComponentClient
from ic_sdk.errors import ResourceNotFound
from ic_sdk.serde import converter
from tests.cli_support import ADAPTER_YAML, BASE_YAML, Emulator, cli, steps, write
from tests.client_support import ROLE, adapter, base

PLAN = ic_sdk.ic_endpoint("ep", instance_type="ml.g5.12xlarge", execution_role_arn=ROLE)


def listed(
    desc: models.DescribeInferenceComponentOutput,
) -> models.DescribeInferenceComponentOutput:
    """``desc`` as a description in the list form: ``Specifications``, no ``Specification``."""
    if desc.specification is None:
        return desc
    return attrs.evolve(desc, specification=None, specifications=[desc.specification])


@pytest.fixture
def described_as_a_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every client's ``describe`` answers in the list form."""
    describe = InferenceComponentClient.describe

    async def as_list(
        self: InferenceComponentClient, name: str
    ) -> models.DescribeInferenceComponentOutput:
        return listed(await describe(self, name))

    monkeypatch.setattr(InferenceComponentClient, "describe", as_list)


def _description(spec: dict[str, Any], *, plural: bool) -> models.DescribeInferenceComponentOutput:
    wire: dict[str, Any] = {"InferenceComponentName": "a", "EndpointName": "ep"}
    wire["Specifications" if plural else "Specification"] = [spec] if plural else spec
    return converter.structure(wire, models.DescribeInferenceComponentOutput)


@pytest.mark.parametrize("plural", [False, True])
def test_base_of_reads_either_specification_shape(plural: bool) -> None:
    riding = {"BaseInferenceComponentName": "b", "Container": {"ArtifactUrl": "s3://x/"}}
    own = {"InstanceType": "ml.g5.12xlarge", "ModelName": "m"}
    assert base_of(_description(riding, plural=plural)) == "b"
    assert base_of(_description(own, plural=plural)) is None
    assert base_of(converter.unstructure(_description(riding, plural=plural))) == "b"
    assert base_of(converter.unstructure(_description(own, plural=plural))) is None


def test_base_of_reads_requests_too() -> None:
    assert base_of(adapter("a0")) == "base"
    assert base_of(base()) is None
    assert base_of(converter.unstructure(adapter("a0"))) == "base"


def test_adapters_first_keeps_the_given_order() -> None:
    given = [base("b1"), adapter("a1", "b1"), base("b2"), adapter("a0", "b2")]
    adapters, bases = adapters_first(given)
    assert [r.inference_component_name for r in adapters] == ["a1", "a0"]
    assert [r.inference_component_name for r in bases] == ["b1", "b2"]


def test_an_adapter_is_refused_by_autoscaling_whatever_its_description_shows() -> None:
    # An adapter whose description reports a RuntimeConfig is still an adapter.
    component = {
        "InferenceComponentName": "a",
        "Specifications": [{"BaseInferenceComponentName": "b"}],
        "RuntimeConfig": {"DesiredCopyCount": 1, "CurrentCopyCount": 1},
    }
    (problem,) = scale_to_zero_problems(component, {})
    assert problem.rule == "autoscaling.adapter"


async def test_teardown_deletes_adapters_described_as_a_list_first(
    client: InferenceComponentClient, described_as_a_list: None
) -> None:
    await client.create_endpoint_and_wait(PLAN)
    await client.create_and_wait(base())
    results = await client.create_many([adapter(f"a{i}") for i in range(2)], wait=True)
    assert all(r.ok for r in results)
    assert (await client.describe("a0")).specification is None  # the list form indeed
    events: list[ic_sdk.TeardownEvent] = []
    await client.teardown("ep", on_event=events.append)
    deleting = [(e.resource, e.name) for e in events if e.step == "deleting"]
    assert deleting[:3] == [("adapter", "a0"), ("adapter", "a1"), ("base", "base")]
    assert [s async for s in client.list()] == []
    with pytest.raises(ResourceNotFound):
        await client.describe_endpoint("ep")


def test_cli_delete_orders_adapters_described_as_a_list_first(
    emu: Emulator,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    described_as_a_list: None,
) -> None:
    emu.endpoint()
    stack = write(tmp_path, "stack.yaml", BASE_YAML + "---\n" + ADAPTER_YAML)
    assert cli(emu, "apply", stack, "--wait") == 0
    capsys.readouterr()
    assert cli(emu, "delete", "llama-base", "llama-sql", "--wait") == 0
    out = capsys.readouterr().out
    assert steps(out) == [
        "llama-sql: deleting",
        "waiting until the adapters are gone before deleting their bases",
        "llama-base: deleting",
    ]
    found = emu.call("list_inference_components")["InferenceComponents"]
    assert found == []


def test_cli_delete_removes_a_base_s_autoscaling_first(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_cli_autoscale import policies

    emu.endpoint()
    assert cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML), "--wait") == 0
    assert cli(emu, "autoscale", "llama-base", "--min", "1", "--max", "2", "--target", "5") == 0
    assert policies(emu) != []
    capsys.readouterr()
    assert cli(emu, "delete", "llama-base") == 0
    out = capsys.readouterr().out
    assert steps(out) == [
        "llama-base: autoscaling removed",
        "llama-base: deleting",
    ]
    assert policies(emu) == []  # nothing left to scale a component that is going
