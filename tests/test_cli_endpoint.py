"""``ic-sdk endpoint ...`` and ``ic-sdk teardown``, in-process against LocalSageMaker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ic_sdk.cli import main
from tests.test_cli import (  # the emulator fixtures and helpers of the CLI tests
    ADAPTER_YAML,
    BASE_YAML,
    ROLE_ARN,
    Emulator,
    aws_env,  # noqa: F401 - fixture
    cli,
    emu,  # noqa: F401 - fixture
    write,
)


def test_endpoint_create_wait_describe(
    emu: Emulator,  # noqa: F811 - fixture
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        cli(
            emu,
            "endpoint",
            "create",
            "shared-gpu",
            "--instance-type",
            "ml.g5.12xlarge",
            "--count",
            "2",
            "--min",
            "1",
            "--max",
            "3",
            "--role",
            ROLE_ARN,
            "--wait",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "shared-gpu: creating" in out
    assert cli(emu, "--output", "json", "endpoint", "describe", "shared-gpu") == 0
    desc = json.loads(capsys.readouterr().out)
    assert desc["status"] == "InService"
    assert desc["config"] == "shared-gpu"
    assert desc["variants"] == [
        {
            "variant": "AllTraffic",
            "instances": 2,
            "desired_instances": 2,
            "min_instances": 1,
            "max_instances": 3,
        }
    ]


def test_endpoint_create_reports_bad_input(
    emu: Emulator,  # noqa: F811 - fixture
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["endpoint", "create", "e", "--instance-type", "ml.g5.xlarge", "--role", ROLE_ARN]
    assert cli(emu, *argv, "--min", "2") == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ic_endpoint request has 1 problem")
    assert "min_instances and max_instances" in err
    assert "nothing was sent" in err


def test_teardown_from_the_command_line(
    emu: Emulator,  # noqa: F811 - fixture
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["endpoint", "create", "shared-gpu", "--instance-type", "ml.g5.12xlarge"]
    assert cli(emu, *argv, "--role", ROLE_ARN, "--wait") == 0
    assert cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML), "--wait") == 0
    assert cli(emu, "apply", write(tmp_path, "adapter.yaml", ADAPTER_YAML), "--wait") == 0
    capsys.readouterr()
    assert cli(emu, "--output", "json", "teardown", "shared-gpu", "--wait") == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert [(s["resource"], s["step"]) for s in steps] == [
        ("adapter", "deleting"),
        ("adapter", "deleted"),
        ("base", "deleting"),
        ("base", "deleted"),
        ("endpoint", "deleting"),
        ("endpoint", "deleted"),
        ("endpoint_config", "deleting"),
        ("endpoint_config", "deleted"),
    ]
    assert cli(emu, "endpoint", "describe", "shared-gpu") == 1
    assert "Could not find endpoint" in capsys.readouterr().err
    assert main(["--endpoint-url", emu.url, "-q", "teardown", "shared-gpu"]) == 0
