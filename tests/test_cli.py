"""The ``ic-sdk`` command line, run in-process: ``main(argv)`` against LocalSageMaker.

``main`` runs its own event loop (``asyncio.run``), so the emulator serves from a thread
with a loop of its own. Emulator and CLI share one FakeClock: a ``--wait`` moves the
emulator's time on as it polls, and nothing sleeps on the wall clock.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from ic_sdk.cli import main
from ic_sdk.cli._apply import plan
from ic_sdk.cli._demo import run_demo
from ic_sdk.cli._output import to_jsonable
from ic_sdk.cli._progress import PlainReporter, RichReporter, make_reporter
from ic_sdk.cli._specs import load_specs, parse_path, schema_path
from ic_sdk.clock import FakeClock
from ic_sdk.waiters import EventKind, WaiterEvent
from tests.cli_support import (
    ADAPTER_YAML,
    BASE_YAML,
    SECRET,
    SPECS,
    Emulator,
    cli,
    cli_json,
    no_traceback,
    steps,
    write,
)

# -- demo --------------------------------------------------------------------------------


def test_demo_runs_the_whole_flow(aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--delay", "0", "--plain"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    shown = steps(out)
    assert shown[0].startswith("LocalSageMaker is serving on http://127.0.0.1:")
    assert shown[1:] == [
        "Checking a spec with mistakes (nothing is sent)",
        "Creating model llama-3-8b and endpoint config ic-sdk-demo-config",
        "Creating endpoint ic-sdk-demo",
        "Creating base component llama-3-8b-base (1 GPU, 4 vCPU, 24 GiB per copy)",
        "Creating 3 LoRA adapters on llama-3-8b-base",
        "Invoking each adapter",
        "Scaling llama-3-8b-base to 2 copies (the adapters scale with it)",
        "Inference components on ic-sdk-demo",
        "Tearing down: adapters, base, endpoint, endpoint config, model",
        "Summary",
    ]
    # every adapter answered with its own handler, through its base
    assert "SELECT * FROM orders" in out
    for name in ("llama-3-8b-sql", "llama-3-8b-support", "llama-3-8b-summarize"):
        assert re.search(rf"✓ {name} +InService", out), name
        assert re.search(rf"✓ {name} +deleted", out), name
    assert re.search(r"✓ llama-3-8b-base +InService +copies 2/2", out)
    assert re.search(r"✓ endpoint ic-sdk-demo +deleted", out)
    assert "[ic.adapter-no-compute]" in out
    assert "0 components left after teardown" in out


def test_demo_on_a_fake_clock_reports_simulated_time() -> None:
    async def go() -> tuple[Any, str]:
        buffer = io.StringIO()
        # 5 s per state change: a minute of simulated time, no real waiting.
        summary = await run_demo(PlainReporter(buffer), delay=5, clock=FakeClock())
        return summary, buffer.getvalue()

    summary, out = asyncio.run(go())
    assert summary.adapters == ["llama-3-8b-sql", "llama-3-8b-support", "llama-3-8b-summarize"]
    assert [i.component for i in summary.invocations] == summary.adapters
    assert all(i.answer for i in summary.invocations)
    assert summary.copies == (1, 2)
    assert summary.components_left == 0
    assert summary.problems_caught == 4
    assert summary.describe_polls > 0
    # the base took the emulator's 7.5 s (1.5 x 5) of simulated time to come up
    step = dict(summary.steps)["base component InService"]
    assert 7.5 <= step < 9
    assert summary.seconds > 30
    assert re.search(r"✓ llama-3-8b-base +InService +copies 1/1 +after \d+\.\ds", out)


def test_demo_json_summary_on_stdout_progress_on_stderr(
    aws_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--output", "json", "demo", "--delay", "0", "--plain"]) == 0
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert summary["copies"] == {"before": 1, "after": 2}
    assert summary["components_left"] == 0
    assert len(summary["invocations"]) == 3
    assert "==> Summary" in err


def test_quiet_demo_prints_one_line(aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-q", "demo", "--delay", "0"]) == 0
    out, err = capsys.readouterr()
    assert re.fullmatch(r"demo done in \d+\.\ds: 3 adapters invoked, 0 components left\n", out)
    assert err == ""


def test_demo_rejects_a_negative_delay(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--delay", "-1"]) == 1
    no_traceback(capsys.readouterr().err)


# -- validate ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["base.yaml", "stack.yaml", "base.json"])
def test_validate_shipped_examples(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SPECS / name)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("OK")
    assert "problem" not in out


def test_validate_reports_every_problem_with_line_path_and_rule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = str(SPECS / "broken.yaml")
    assert main(["validate", source]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "6 problems found"
    pattern = rf"{re.escape(source)}:(\d+): (\S+): .* \[([\w.-]+)\]$"
    found = [re.match(pattern, line) for line in lines[:-1]]
    assert all(found), lines
    got = [(int(m[1]), m[2], m[3]) for m in found if m]
    assert got == [
        (5, "InferenceComponentName", "pattern"),
        (11, "Specification.Container.ArtifactUrl", "ic.base-artifact-tar-gz"),
        (13, 'Specification.Container.Environment["1_TENSOR_PARALLEL"]', "pattern"),
        (16, "Specification.ComputeResourceRequirements.MinMemoryRequiredInMb", "min"),
        (18, "Specification.StartupParameters.ModelDataDownloadTimeoutInSecond", "unknown"),
        (20, "RuntimeConfig.CopyCount", "ic.copy-count-positive"),
    ]
    text = "\n".join(lines)
    assert "did you mean 'ModelDataDownloadTimeoutInSeconds'" in text


def test_validate_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--output", "json", "validate", str(SPECS / "broken.yaml")]) == 1
    (report,) = json.loads(capsys.readouterr().out)
    assert report["name"] == "llama_3_8b"
    assert len(report["problems"]) == 6
    first = report["problems"][0]
    assert first == {
        "path": "InferenceComponentName",
        "rule": "pattern",
        "severity": "error",
        "message": first["message"],
        "line": 5,
    }


def test_validate_multi_document_file_names_each_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken_adapter = ADAPTER_YAML.replace("s3://adapters/llama-sql/", "ftp://nope")
    source = write(tmp_path, "stack.yaml", BASE_YAML + "---\n" + broken_adapter)
    assert main(["validate", source]) == 1
    out = capsys.readouterr().out
    assert f"{source} (document 1): llama-base: OK" in out
    # the adapter's ArtifactUrl is on line 6 of the second document: line 21 of the file
    assert f"{source}:21: Specification.Container.ArtifactUrl:" in out
    assert "1 problem found" in out


def test_validate_json_file_gets_line_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "$schema": "./create-inference-component.json",
        "InferenceComponentName": "x",
        "EndpointName": "ep",
        "Specification": {"ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1}},
        "RuntimeConfig": {"CopyCount": 1},
    }
    source = write(tmp_path, "spec.json", json.dumps(document, indent=2))
    assert main(["validate", source]) == 1
    out = capsys.readouterr().out
    assert f"{source}:7: Specification.ComputeResourceRequirements.MinMemoryRequiredInMb" in out
    assert "$schema" not in out  # the editor's schema pointer is not a member


def test_validate_ignore_switches_a_rule_off(capsys: pytest.CaptureFixture[str]) -> None:
    source = str(SPECS / "broken.yaml")
    assert main(["validate", source, "--ignore", "ic.base-artifact-tar-gz"]) == 1
    out = capsys.readouterr().out
    assert "ic.base-artifact-tar-gz" not in out
    assert out.splitlines()[-1] == "5 problems found"


def test_validate_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(ADAPTER_YAML))
    assert main(["validate", "-"]) == 0
    assert capsys.readouterr().out == "-: llama-sql: OK\n"


@pytest.mark.parametrize(
    ("text", "name", "message"),
    [
        (None, "missing.yaml", "missing.yaml: no such file"),
        ("a: [1, 2\n", "bad.yaml", "bad.yaml:2:1: invalid YAML:"),
        ('{"a": 1,}', "bad.json", "bad.json:1:9: invalid JSON: Expecting property name"),
        ("- 1\n- 2\n", "list.yaml", "got a list"),
        ("# nothing\n", "empty.yaml", "no request in the file"),
        (BASE_YAML + "---\n---\n", "hole.yaml", "(document 2): expected a mapping"),
    ],
)
def test_validate_file_errors_are_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str | None,
    name: str,
    message: str,
) -> None:
    source = str(tmp_path / name) if text is None else write(tmp_path, name, text)
    assert main(["validate", source]) == 1
    captured = capsys.readouterr()
    no_traceback(captured.err)
    assert message in captured.err
    assert captured.err.count("\n") == 1


def test_validate_unknown_ignore_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SPECS / "base.yaml"), "--ignore", "no-such-rule"]) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "unknown rule id no-such-rule" in err


def test_spec_paths_are_parsed_like_validation_writes_them() -> None:
    assert parse_path('Specifications[1].Container.Environment["A.B\\"C"]') == [
        "Specifications",
        1,
        "Container",
        "Environment",
        'A.B"C',
    ]
    assert parse_path("") == []


def test_shipped_example_specs_match_the_json_schema() -> None:
    import jsonschema

    from ic_sdk.models._patterns import compile_pattern

    def pattern(validator: Any, regex: str, instance: Any, schema: Any) -> Iterator[Any]:
        # The schema writes botocore's pattern P as ^(?:P)$; P may use \p{L}-style
        # classes, which Python's re lacks: translate them as the models do.
        inner = regex.removeprefix("^(?:").removesuffix(")$")
        if isinstance(instance, str) and not compile_pattern(inner).fullmatch(instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {regex!r}")

    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    base = jsonschema.Draft202012Validator
    checker = jsonschema.validators.extend(base, {"pattern": pattern})
    validator = checker(schema)
    for path in sorted(SPECS.iterdir()):
        for doc in load_specs(str(path)):
            errors = list(validator.iter_errors(doc.data))
            if path.name == "broken.yaml":
                assert errors, "the schema also sees the broken spec's model-level mistakes"
            else:
                assert errors == [], (path.name, [e.message for e in errors])


def test_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--path"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.is_file()
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["$ref"] == "#/$defs/CreateInferenceComponentInput"


# -- apply ------------------------------------------------------------------------------------


def test_apply_creates_base_then_adapter_and_is_idempotent(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    source = write(tmp_path, "stack.yaml", BASE_YAML + "---\n" + ADAPTER_YAML)
    # Without --wait, apply still waits for the base before creating its adapter.
    assert cli(emu, "apply", source) == 0
    out = capsys.readouterr().out
    assert "==> llama-base: created" in out
    assert "==> llama-base: waiting until InService before its adapters" in out
    assert "==> llama-sql: created" in out
    assert SECRET not in out
    emu.clock.advance(5)
    assert emu.status("llama-base") == "InService"
    assert emu.status("llama-sql") == "InService"

    results = cli_json(emu, capsys, "apply", source, "--wait")
    assert [(r["name"], r["action"]) for r in results] == [
        ("llama-base", "unchanged"),
        ("llama-sql", "unchanged"),
    ]


def test_apply_updates_only_what_differs(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    assert cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML), "--wait") == 0
    capsys.readouterr()
    changed = BASE_YAML.replace("CopyCount: 1", "CopyCount: 2").replace(SECRET, "hf_rotated")
    source = write(tmp_path, "changed.yaml", changed)

    assert cli(emu, "apply", source, "--dry-run") == 0
    out = capsys.readouterr().out
    assert (
        "llama-base: would update (Specification.Container.Environment, RuntimeConfig.CopyCount)"
        in out
    )
    assert emu.status("llama-base") == "InService"  # nothing was sent

    (result,) = cli_json(emu, capsys, "apply", source, "--wait")
    assert result == {
        "name": "llama-base",
        "action": "update",
        "changes": ["Specification.Container.Environment", "RuntimeConfig.CopyCount"],
        "status": "InService",
    }
    described = emu.call("describe_inference_component", InferenceComponentName="llama-base")
    assert described["RuntimeConfig"]["DesiredCopyCount"] == 2
    assert described["RuntimeConfig"]["CurrentCopyCount"] == 2
    assert described["Specification"]["Container"]["Environment"] == {"HF_TOKEN": "hf_rotated"}


def test_apply_refuses_a_spec_with_problems_and_sends_nothing(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(emu, "apply", str(SPECS / "broken.yaml")) == 1
    captured = capsys.readouterr()
    no_traceback(captured.err)
    assert captured.err.startswith("error: the spec has 6 problems; nothing was sent\n")
    assert captured.err.count("broken.yaml:") == 6
    assert emu.call("list_inference_components")["InferenceComponents"] == []


def test_apply_will_not_move_a_component(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    emu.endpoint("other")
    assert cli(emu, "apply", write(tmp_path, "a.yaml", BASE_YAML), "--wait") == 0
    moved = BASE_YAML.replace("EndpointName: shared-gpu", "EndpointName: other")
    assert cli(emu, "apply", write(tmp_path, "b.yaml", moved)) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "is on endpoint 'shared-gpu', the spec says 'other'" in err


def test_apply_names_a_component_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path, "twice.yaml", BASE_YAML + "---\n" + BASE_YAML)
    assert main(["apply", source]) == 1
    assert "names llama-base more than once" in capsys.readouterr().err


def test_plan_compares_the_described_image_with_the_spec() -> None:
    from datetime import UTC, datetime

    from ic_sdk import models

    wire: dict[str, Any] = {
        "InferenceComponentName": "c",
        "EndpointName": "ep",
        "Specification": {
            "Container": {"Image": "img:2"},
            "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024},
        },
    }
    now = datetime.now(UTC)
    described = models.DescribeInferenceComponentOutput(
        inference_component_name="c",
        inference_component_arn="arn:c",
        endpoint_name="ep",
        endpoint_arn="arn:ep",
        creation_time=now,
        last_modified_time=now,
        inference_component_status=models.InferenceComponentStatus.IN_SERVICE,
        specification=models.InferenceComponentSpecificationSummary(
            container=models.InferenceComponentContainerSpecificationSummary(
                deployed_image=models.DeployedImage(specified_image="img:1", resolved_image="x")
            ),
            compute_resource_requirements=models.InferenceComponentComputeResourceRequirements(
                min_memory_required_in_mb=1024, max_memory_required_in_mb=2048
            ),
        ),
    )
    step = plan(wire, described)
    assert step.action == "update"
    assert step.changes == ("Specification.Container.Image",)
    assert step.update is not None
    assert step.update.runtime_config is None
    assert described.specification is not None
    same = attrs.evolve(
        described,
        specification=attrs.evolve(
            described.specification,
            container=models.InferenceComponentContainerSpecificationSummary(
                deployed_image=models.DeployedImage(specified_image="img:2")
            ),
        ),
    )
    # members the spec leaves out (MaxMemoryRequiredInMb) are not a difference
    assert plan(wire, same).action == "unchanged"


# -- ls, describe, scale, invoke, delete ----------------------------------------------------------


def test_component_commands(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    source = write(tmp_path, "stack.yaml", BASE_YAML + "---\n" + ADAPTER_YAML)
    assert cli(emu, "apply", source, "--wait") == 0
    capsys.readouterr()

    assert cli(emu, "ls") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "ENDPOINT", "VARIANT", "CREATED"]
    assert [line.split()[:3] for line in lines[1:]] == [
        ["llama-base", "InService", "shared-gpu"],
        ["llama-sql", "InService", "shared-gpu"],
    ]
    (summary,) = cli_json(emu, capsys, "ls", "--name-contains", "sql")
    assert summary["InferenceComponentName"] == "llama-sql"

    assert cli(emu, "describe", "llama-base") == 0
    out = capsys.readouterr().out
    assert re.search(r"^Status: +InService$", out, re.M)
    assert "Copies:      1 running, 1 desired" in out
    assert f"HF_TOKEN=<redacted, {len(SECRET)} chars>" in out
    assert SECRET not in out
    assert cli(emu, "describe", "llama-sql") == 0
    out = capsys.readouterr().out
    assert re.search(r"^Base component: +llama-base$", out, re.M)
    assert re.search(r"^Artifact: +s3://adapters/llama-sql/$", out, re.M)
    assert cli(emu, "describe", "llama-base", "--output", "json") == 0
    out = capsys.readouterr().out
    assert SECRET not in out
    assert json.loads(out)["InferenceComponentStatus"] == "InService"
    assert cli(emu, "describe", "llama-base", "--output", "json", "--show-environment") == 0
    assert SECRET in capsys.readouterr().out

    assert cli(emu, "scale", "llama-base", "2", "--wait") == 0
    out = capsys.readouterr().out
    assert "==> llama-base: scaling to 2 copies" in out
    assert re.search(r"✓ llama-base +InService +copies 2/2", out)

    assert cli(emu, "invoke", "llama-sql", '{"inputs": "hi"}') == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["inference_component"] == "llama-sql"
    assert answer["base_inference_component"] == "llama-base"
    assert answer["input"] == {"inputs": "hi"}
    body = tmp_path / "body.json"
    body.write_text('{"inputs": "from a file"}')
    document = cli_json(emu, capsys, "invoke", "llama-sql", "--body-file", str(body))
    assert document["InvokedProductionVariant"] == "AllTraffic"
    assert document["Body"]["input"] == {"inputs": "from a file"}
    assert cli(emu, "invoke", "llama-sql", '"streamed"', "--stream") == 0
    assert json.loads(capsys.readouterr().out)["input"] == "streamed"

    # the base still has an adapter: the service's own message, one line, exit 1
    assert cli(emu, "delete", "llama-base") == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "is a base inference component for one or more associated" in err

    assert cli(emu, "delete", "llama-sql", "--wait") == 0
    assert re.search(r"✓ llama-sql +deleted", capsys.readouterr().out)
    assert cli_json(emu, capsys, "delete", "llama-base", "gone", "--missing-ok") == {
        "deleted": ["llama-base"],
        "skipped": ["gone"],  # never existed: not reported as deleted
        "waited": False,
    }
    emu.clock.advance(5)
    assert cli(emu, "ls") == 0
    assert capsys.readouterr().out == "no inference components\n"


def test_scale_rejects_negative_copies(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scale", "x", "-1"]) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "copies must be 0 or more, got -1" in err


def test_invoke_needs_a_body(emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(emu, "invoke", "x", "a", "--body-file", "b") == 1
    assert "not both" in capsys.readouterr().err
    assert cli(emu, "invoke", "x", "--body-file", "/no/such/body") == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "/no/such/body: no such file" in err


# -- errors ------------------------------------------------------------------------------------


def test_service_errors_are_one_line(emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(emu, "describe", "nope") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    no_traceback(captured.err)
    assert captured.err.startswith(
        "error: ValidationException in DescribeInferenceComponent: "
        'Could not find inference component "arn:aws:sagemaker:us-east-1:123456789012:'
        'inference-component/nope".'
    )
    assert captured.err.count("\n") == 1


def test_unreachable_endpoint(aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    # Port 9 (discard) on loopback: nothing listens there in a test environment.
    assert main(["--endpoint-url", "http://127.0.0.1:9", "ls"]) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "Could not connect to the endpoint URL" in err


def test_missing_region_and_credentials_give_hints(
    aws_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert main(["ls"]) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "You must specify a region. (pass --region or set AWS_REGION)" in err

    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert main(["--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9", "ls"]) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "Unable to locate credentials (configure credentials" in err

    assert main(["--region", "", "ls"]) == 1
    no_traceback(capsys.readouterr().err)
    assert main(["--profile", "nope", "ls"]) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "The config profile (nope) could not be found" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bogus"]) == 2
    assert "invalid choice: 'bogus'" in capsys.readouterr().err
    assert main([]) == 2
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("ic-sdk ")


def test_global_options_work_after_the_subcommand(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ls", "--endpoint-url", emu.url, "--output", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_debug_shows_the_traceback(aws_env: None) -> None:
    from ic_sdk.errors import TransportError

    with pytest.raises(TransportError):
        main(["--debug", "--endpoint-url", "http://127.0.0.1:9", "ls"])


# -- emulator ------------------------------------------------------------------------------------


def test_emulator_command_serves_until_interrupted(
    aws_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "ic_sdk.cli", "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.match(r"LocalSageMaker serving on (http://127\.0\.0\.1:\d+) \(Ctrl-C", first)
        assert match, first
        assert "export AWS_ENDPOINT_URL=" in process.stdout.readline() + process.stdout.readline()
        assert main(["--endpoint-url", match[1], "ls"]) == 0
        assert capsys.readouterr().out == "no inference components\n"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert out.strip() == "LocalSageMaker stopped"


def test_emulator_port_in_use(
    aws_env: None, emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    port = emu.url.rsplit(":", 1)[1]
    assert main(["emulator", "--port", port]) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert f"cannot serve on 127.0.0.1:{port}" in err


# -- progress rendering ----------------------------------------------------------------------------


def _event(kind: EventKind, status: str | None, **kw: Any) -> WaiterEvent:
    return WaiterEvent(kind=kind, name="c", until="in_service", status=status, **kw)


def test_plain_progress_prints_changes_once() -> None:
    buffer = io.StringIO()
    reporter = PlainReporter(buffer)
    with reporter.tracking() as tracker:
        tracker.on_event(
            _event(
                EventKind.STATUS_CHANGED,
                "Creating",
                desired_copies=1,
                current_copies=0,
                next_delay=1.0,
            )
        )
        tracker.on_event(
            _event(EventKind.POLLED, "Creating", desired_copies=1, current_copies=0, next_delay=1.0)
        )
        tracker.on_event(_event(EventKind.RETRYING, "Creating", error=TimeoutError(), elapsed=2.0))
        # the last status change is shown by the SUCCEEDED event that follows it
        tracker.on_event(_event(EventKind.STATUS_CHANGED, "InService", elapsed=3.0))
        tracker.on_event(
            _event(
                EventKind.SUCCEEDED, "InService", desired_copies=1, current_copies=1, elapsed=3.0
            )
        )
    lines = buffer.getvalue().splitlines()
    assert [line.split()[:3] for line in lines] == [
        ["c", "Creating", "copies"],
        ["c", "Creating", "retrying"],
        ["✓", "c", "InService"],
    ]
    assert lines[2].endswith("copies 1/1  after 3.0s")


def test_rich_progress_draws_marks_on_a_terminal() -> None:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100, color_system=None)
    reporter = RichReporter(console)
    reporter.step("Creating")
    with reporter.tracking() as tracker:
        tracker.on_event(_event(EventKind.STATUS_CHANGED, "Creating", next_delay=1.0))
        tracker.on_event(_event(EventKind.SUCCEEDED, "InService"))
        tracker.update("other", status="Failed", detail="CapacityError", state="failed")
    reporter.table(["a", "b"], [[1, None]])
    text = buffer.getvalue()
    assert "==> Creating" in text
    assert "✓ c" in text
    assert "✗ other" in text
    assert "CapacityError" in text


def test_reporter_choice() -> None:
    assert isinstance(make_reporter(io.StringIO()), PlainReporter)  # not a terminal
    assert isinstance(make_reporter(io.StringIO(), "rich"), RichReporter)
    assert isinstance(make_reporter(io.StringIO(), "plain"), PlainReporter)


def test_json_conversion_of_wire_values() -> None:
    from datetime import UTC, datetime

    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert to_jsonable({"t": when, "b": b"\xff", "s": b"ok", "l": (1,)}) == {
        "t": "2025-01-02T03:04:05+00:00",
        "b": {"base64": "/w=="},
        "s": "ok",
        "l": [1],
    }
