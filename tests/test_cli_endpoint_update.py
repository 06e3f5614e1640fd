"""``ic-sdk apply`` converging ``Endpoint:`` documents, and ``ic-sdk endpoint update``,
in-process against LocalSageMaker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_support import ROLE_ARN, Emulator, cli, cli_json, no_traceback, write


def endpoint_doc(count: int = 1, *, scaling: tuple[int, int] | None = None) -> str:
    text = (
        "Endpoint:\n"
        "  Name: shared-gpu\n"
        "  InstanceType: ml.g5.12xlarge\n"
        f"  InstanceCount: {count}\n"
        f"  ExecutionRoleArn: {ROLE_ARN}\n"
        "  Tags:\n"
        "    team: search\n"
    )
    if scaling is not None:
        text += f"  MinInstances: {scaling[0]}\n  MaxInstances: {scaling[1]}\n"
    return text


def configs(emu: Emulator) -> list[str]:
    listed = emu.call("list_endpoint_configs", MaxResults=100)["EndpointConfigs"]
    return sorted(c["EndpointConfigName"] for c in listed)


def apply_json(emu: Emulator, capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict]:  # type: ignore[type-arg]
    results: list[dict] = cli_json(emu, capsys, "apply", *argv)  # type: ignore[type-arg]
    return results


def test_apply_creates_updates_and_leaves_endpoints(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = write(tmp_path, "one.yaml", endpoint_doc(1))
    created = apply_json(emu, capsys, one)
    assert created == [
        {"name": "shared-gpu", "kind": "endpoint", "action": "create", "status": "InService"}
    ]
    assert apply_json(emu, capsys, one)[0]["action"] == "unchanged"

    two = write(tmp_path, "two.yaml", endpoint_doc(2, scaling=(1, 3)))
    dry = apply_json(emu, capsys, two, "--dry-run")
    assert dry[0]["action"] == "update"
    assert dry[0]["changes"] == [
        "ProductionVariants[0].InitialInstanceCount",
        "ProductionVariants[0].ManagedInstanceScaling",
    ]
    assert configs(emu) == ["shared-gpu"]  # a dry run sends nothing
    updated = apply_json(emu, capsys, two)
    assert (updated[0]["action"], updated[0]["status"]) == ("update", "InService")
    assert updated[0]["config"].startswith("shared-gpu-")
    assert configs(emu) == [updated[0]["config"]]  # the previous config is gone
    desc = emu.call("describe_endpoint", EndpointName="shared-gpu")
    assert desc["ProductionVariants"][0]["CurrentInstanceCount"] == 2
    assert apply_json(emu, capsys, two)[0]["action"] == "unchanged"


def test_apply_says_what_it_did(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(emu, "--plain", "apply", write(tmp_path, "a.yaml", endpoint_doc(1))) == 0
    assert "shared-gpu: create the endpoint (config shared-gpu)" in capsys.readouterr().out
    assert cli(emu, "--plain", "apply", write(tmp_path, "b.yaml", endpoint_doc(2))) == 0
    out = capsys.readouterr().out
    assert "shared-gpu: update the endpoint (ProductionVariants[0].InitialInstanceCount)" in out
    assert cli(emu, "--plain", "apply", write(tmp_path, "c.yaml", endpoint_doc(2))) == 0
    assert "shared-gpu: endpoint unchanged" in capsys.readouterr().out


def test_a_rolled_back_endpoint_update_fails_the_apply(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(emu, "-q", "apply", write(tmp_path, "a.yaml", endpoint_doc(1))) == 0
    emu.sm.faults.fail_next_update("shared-gpu", reason="Request to service failed: no capacity")
    assert cli(emu, "apply", write(tmp_path, "b.yaml", endpoint_doc(2))) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "the update of endpoint 'shared-gpu' was rolled back" in err
    assert "no capacity" in err
    assert configs(emu) == ["shared-gpu"]


def test_endpoint_update_changes_only_what_is_given(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["endpoint", "create", "shared-gpu", "--instance-type", "ml.g5.12xlarge"]
    assert cli(emu, *argv, "--min", "1", "--max", "2", "--role", ROLE_ARN, "--wait") == 0
    capsys.readouterr()
    update = ["--output", "json", "endpoint", "update", "shared-gpu"]
    assert cli(emu, *update, "--max", "4", "--wait") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["action"] == "update"
    assert result["changes"] == ["ProductionVariants[0].ManagedInstanceScaling"]
    assert result["status"] == "InService"
    variant = cli_json(emu, capsys, "endpoint", "describe", "shared-gpu")["variants"][0]
    assert (variant["min_instances"], variant["max_instances"]) == (1, 4)
    assert variant["instances"] == 1  # the rest as it was

    assert cli(emu, *update, "--max", "4") == 0
    assert json.loads(capsys.readouterr().out)["action"] == "unchanged"
    assert cli(emu, *update, "--no-scaling", "--count", "2", "--dry-run") == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["changes"] == [
        "ProductionVariants[0].InitialInstanceCount",
        "ProductionVariants[0].ManagedInstanceScaling",
    ]
    before = emu.call("describe_endpoint", EndpointName="shared-gpu")["EndpointConfigName"]
    assert before == result["config"]  # the dry run sent nothing

    assert cli(emu, *update, "--no-scaling", "--count", "2") == 0  # started, not awaited
    assert emu.call("describe_endpoint", EndpointName="shared-gpu")["EndpointStatus"] == "Updating"


def test_endpoint_update_of_a_missing_endpoint(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(emu, "endpoint", "update", "nope", "--count", "2") == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "Could not find endpoint" in err
