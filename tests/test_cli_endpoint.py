"""``ic-sdk endpoint ...`` and ``ic-sdk teardown``, in-process against LocalSageMaker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ic_sdk.cli import main
from tests.cli_support import ADAPTER_YAML, BASE_YAML, ROLE_ARN, Emulator, cli, cli_json, write


def test_endpoint_create_wait_describe(
    emu: Emulator,
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
    desc = cli_json(emu, capsys, "endpoint", "describe", "shared-gpu")
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
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["endpoint", "create", "e", "--instance-type", "ml.g5.xlarge", "--role", ROLE_ARN]
    assert cli(emu, *argv, "--min", "2") == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ic_endpoint request has 1 problem")
    assert "min_instances and max_instances" in err
    assert "nothing was sent" in err


def test_teardown_from_the_command_line(
    emu: Emulator,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["endpoint", "create", "shared-gpu", "--instance-type", "ml.g5.12xlarge"]
    assert cli(emu, *argv, "--role", ROLE_ARN, "--wait") == 0
    assert cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML), "--wait") == 0
    assert cli(emu, "apply", write(tmp_path, "adapter.yaml", ADAPTER_YAML), "--wait") == 0
    capsys.readouterr()
    steps = cli_json(emu, capsys, "teardown", "shared-gpu", "--wait")["steps"]
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


# -- stacks with endpoint documents ---------------------------------------------------------

STACK = Path(__file__).resolve().parent.parent / "examples" / "stacks" / "shared-gpu.yaml"


def test_apply_a_stack_with_an_endpoint(
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli(emu, "validate", str(STACK)) == 0
    assert capsys.readouterr().out.count(": OK") == 4
    dry = cli_json(emu, capsys, "apply", str(STACK), "--dry-run")
    assert dry[0] == {"name": "shared-gpu", "kind": "endpoint", "action": "create"}
    results = cli_json(emu, capsys, "apply", str(STACK), "--wait")
    assert [(r["name"], r["action"], r["status"]) for r in results] == [
        ("shared-gpu", "create", "InService"),
        ("mistral-7b-base", "create", "InService"),
        ("mistral-7b-sql", "create", "InService"),
        ("mistral-7b-chat", "create", "InService"),
    ]
    again = cli_json(emu, capsys, "apply", str(STACK))
    assert {r["action"] for r in again} == {"unchanged"}
    assert cli(emu, "-q", "teardown", "shared-gpu") == 0


def test_endpoint_documents_are_checked(
    emu: Emulator,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = write(
        tmp_path,
        "bad.yaml",
        "Endpoint:\n  Name: shared gpu\n  InstanceType: 3\n  MinInstance: 1\n",
    )
    assert cli(emu, "validate", bad) == 1
    out = capsys.readouterr().out
    assert "Endpoint.InstanceType" in out
    assert "Endpoint.MinInstance" in out
    assert "Endpoint.ExecutionRoleArn" in out
    assert cli(emu, "apply", bad) == 1
    assert "nothing was sent" in capsys.readouterr().err


def test_stack_schema_is_current_and_matches_the_examples() -> None:
    import jsonschema

    from ic_sdk.cli import _endpoint_doc
    from ic_sdk.cli._specs import load_specs

    assert _endpoint_doc.schema_path().read_text(encoding="utf-8") == _endpoint_doc.schema_text(), (
        "stale: run python -m ic_sdk.cli._endpoint_doc"
    )
    schema = json.loads(_endpoint_doc.schema_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=None)
    docs = load_specs(str(STACK))
    assert len(docs) == 4
    for doc in docs:
        assert list(validator.iter_errors(doc.data)) == []
    assert list(validator.iter_errors({"Endpoint": {"Name": "x"}}))  # required members
    fields = set(_endpoint_doc.FIELDS)
    assert (
        set(schema["$defs"]["IcEndpointDocument"]["properties"]["Endpoint"]["properties"]) == fields
    )


def test_endpoint_ls(
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    emu.sm.add_endpoint("seeded")
    listed = cli_json(emu, capsys, "endpoint", "ls")
    assert [(e["name"], e["status"]) for e in listed] == [("seeded", "InService")]
    assert cli(emu, "endpoint", "ls") == 0
    assert "seeded" in capsys.readouterr().out


def test_endpoint_delete_wait_sends_one_delete(
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    create = ("endpoint", "create", "solo", "--instance-type", "ml.g5.12xlarge")
    assert cli(emu, *create, "--role", ROLE_ARN, "--wait") == 0
    capsys.readouterr()
    deletes = emu.sm.faults.latency(0.0, operations="DeleteEndpoint")  # counts the calls
    assert cli_json(emu, capsys, "endpoint", "delete", "solo", "--wait") == {
        "deleted": "solo",
        "waited": True,
    }
    assert deletes.fired == 1
    assert cli(emu, "endpoint", "describe", "solo") != 0  # gone
