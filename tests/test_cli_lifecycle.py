"""``ic-sdk`` tells the truth: apply on Failed / busy components, delete order, ``wait``,
warnings in ``validate``, errors from servers that are not SageMaker, ``--debug``.

Run in-process against LocalSageMaker on a FakeClock (see ``tests/cli_support.py``).
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ic_sdk import models
from ic_sdk.cli import main
from tests.cli_support import (
    ADAPTER_YAML,
    BASE_YAML,
    SECRET,
    Emulator,
    cli,
    cli_json,
    no_traceback,
    steps,
    write,
)
from tests.test_validation_never_raises import shaped

STACK = BASE_YAML + "---\n" + ADAPTER_YAML


def exists(emu: Emulator, name: str) -> bool:
    found = emu.call("list_inference_components", NameContains=name)["InferenceComponents"]
    return any(s["InferenceComponentName"] == name for s in found)


# -- apply ------------------------------------------------------------------------------------


def test_apply_on_a_failed_component_fails_with_the_reason(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    emu.sm.faults.fail_next_create("llama-base", reason="CUDA out of memory")
    source = write(tmp_path, "base.yaml", BASE_YAML)
    assert cli(emu, "apply", source) == 0
    emu.clock.advance(5)
    assert emu.status("llama-base") == "Failed"
    capsys.readouterr()

    for extra in ((), ("--wait",), ("--dry-run",)):
        assert cli(emu, "apply", source, *extra) == 1
        captured = capsys.readouterr()
        no_traceback(captured.err)
        assert "unchanged" not in captured.out
        assert captured.err.startswith("error: llama-base: is Failed: CUDA out of memory;")
        assert "--recreate-failed" in captured.err
    assert emu.status("llama-base") == "Failed"  # nothing was sent

    (result,) = cli_json(emu, capsys, "apply", source, "--wait", "--recreate-failed")
    assert result == {
        "name": "llama-base",
        "action": "recreate",
        "changes": [],
        "status": "InService",
    }
    assert emu.status("llama-base") == "InService"


def test_apply_recreate_failed_says_what_it_does(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    emu.sm.faults.fail_next_create("llama-base", reason="bad image")
    source = write(tmp_path, "base.yaml", BASE_YAML)
    assert cli(emu, "apply", source, "--wait") == 1  # the wait sees it fail
    assert "bad image" in capsys.readouterr().err
    assert cli(emu, "apply", source, "--recreate-failed", "--dry-run") == 0
    assert steps(capsys.readouterr().out) == [
        "llama-base: would delete the Failed component and create it again"
    ]
    assert emu.status("llama-base") == "Failed"
    assert cli(emu, "apply", source, "--recreate-failed", "--wait") == 0
    out = capsys.readouterr().out
    assert steps(out) == [
        "llama-base: is Failed (bad image); deleting it to create it again",
        "llama-base: created again",
    ]
    assert emu.status("llama-base") == "InService"


def test_apply_waits_for_a_component_still_creating(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    source = write(tmp_path, "base.yaml", BASE_YAML)
    assert cli(emu, "apply", source) == 0
    assert emu.status("llama-base") == "Creating"
    capsys.readouterr()

    assert cli(emu, "apply", source) == 0  # no --wait: says it is still creating
    assert steps(capsys.readouterr().out) == ["llama-base: unchanged, still Creating"]

    (result,) = cli_json(emu, capsys, "apply", source, "--wait")
    assert result == {
        "name": "llama-base",
        "action": "unchanged",
        "changes": [],
        "status": "InService",
    }
    assert emu.status("llama-base") == "InService"


def test_apply_lets_an_update_under_way_finish_before_updating(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    assert cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML), "--wait") == 0
    assert cli(emu, "scale", "llama-base", "2") == 0
    assert emu.status("llama-base") == "Updating"
    capsys.readouterr()
    changed = write(tmp_path, "changed.yaml", BASE_YAML.replace(SECRET, "hf_rotated"))
    assert cli(emu, "apply", changed, "--wait") == 0
    out = capsys.readouterr().out
    assert steps(out) == [
        "llama-base: is Updating; waiting until InService before updating",
        # the spec says 1 copy: the scale to 2 is undone too
        "llama-base: updating (Specification.Container.Environment, RuntimeConfig.CopyCount)",
    ]
    described = emu.call("describe_inference_component", InferenceComponentName="llama-base")
    assert described["Specification"]["Container"]["Environment"] == {"HF_TOKEN": "hf_rotated"}
    assert described["RuntimeConfig"]["CurrentCopyCount"] == 1


# -- delete -----------------------------------------------------------------------------------


def test_delete_sends_adapters_first_whatever_the_order(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    assert cli(emu, "apply", write(tmp_path, "stack.yaml", STACK), "--wait") == 0
    capsys.readouterr()
    assert cli(emu, "delete", "llama-base", "llama-sql", "--wait") == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert steps(captured.out) == [
        "llama-sql: deleting",
        "waiting until the adapters are gone before deleting their bases",
        "llama-base: deleting",
    ]
    assert not exists(emu, "llama-base")
    assert not exists(emu, "llama-sql")


def test_delete_without_wait_still_waits_for_adapters_before_the_base(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    assert cli(emu, "apply", write(tmp_path, "stack.yaml", STACK), "--wait") == 0
    capsys.readouterr()
    assert cli_json(emu, capsys, "delete", "llama-base", "llama-sql") == {
        "deleted": ["llama-sql", "llama-base"],
        "skipped": [],
        "waited": False,
    }
    assert not exists(emu, "llama-sql")
    assert emu.status("llama-base") == "Deleting"


def test_delete_of_a_missing_name_deletes_nothing(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    assert cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML), "--wait") == 0
    capsys.readouterr()
    assert cli(emu, "delete", "llama-base", "nope") == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert err == "error: nope: no such inference component; nothing was deleted\n"
    assert emu.status("llama-base") == "InService"

    assert cli(emu, "delete", "nope", "llama-base", "--missing-ok", "--wait") == 0
    out = capsys.readouterr().out
    assert steps(out) == ["nope: skipped (not found)", "llama-base: deleting"]
    assert "nope: deleting" not in out
    assert not exists(emu, "llama-base")


# -- wait -------------------------------------------------------------------------------------


def test_wait_resumes_until_in_service_scaled_or_deleted(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    assert cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML)) == 0
    capsys.readouterr()
    assert cli(emu, "wait", "llama-base") == 0
    assert steps(capsys.readouterr().out)[-1] == "llama-base: InService"

    assert cli(emu, "scale", "llama-base", "3") == 0
    capsys.readouterr()
    assert (
        cli(emu, "--output", "json", "wait", "llama-base", "--until", "scaled", "--copies", "3")
        == 0
    )
    assert json.loads(capsys.readouterr().out) == {
        "name": "llama-base",
        "until": "scaled",
        "status": "InService",
    }
    described = emu.call("describe_inference_component", InferenceComponentName="llama-base")
    assert described["RuntimeConfig"]["CurrentCopyCount"] == 3

    assert cli(emu, "delete", "llama-base") == 0
    capsys.readouterr()
    assert cli(emu, "wait", "llama-base", "--until", "deleted") == 0
    assert steps(capsys.readouterr().out)[-1] == "llama-base: deleted"
    assert not exists(emu, "llama-base")


def test_a_wait_that_gives_up_says_how_to_resume(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    assert (
        cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML), "--wait", "--timeout", "0.1")
        == 1
    )
    err = capsys.readouterr().err
    no_traceback(err)
    assert err.count("\n") == 1
    assert "gave up waiting" in err
    assert "resume with: ic-sdk wait llama-base --until in-service" in err
    assert cli(emu, "wait", "llama-base", "--until", "in-service") == 0


def test_wait_on_a_failed_component_fails_with_the_reason(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    emu.sm.faults.fail_next_create("llama-base", reason="no such image")
    assert cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML)) == 0
    capsys.readouterr()
    assert cli(emu, "wait", "llama-base") == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "no such image" in err


def test_wait_copies_go_with_scaled(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wait", "x", "--copies", "2"]) == 1
    assert "--copies goes with --until scaled" in capsys.readouterr().err
    assert main(["wait", "x", "--until", "soon"]) == 2


# -- validate: warnings, oddities -------------------------------------------------------------


def test_an_unknown_instance_type_is_a_warning_unless_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = BASE_YAML.replace("  Container:\n", "  InstanceType: ml.g9.xlarge\n  Container:\n", 1)
    source = write(tmp_path, "new-type.yaml", spec)
    assert main(["validate", source]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{source}:5: Specification.InstanceType: 'ml.g9.xlarge' is not a ")
    assert out[0].endswith("[enum] (warning)")
    assert out[1:] == [f"{source}: llama-base: OK (with warnings)", "1 warning found"]

    assert main(["validate", source, "--strict"]) == 1
    capsys.readouterr()
    assert main(["--output", "json", "validate", source]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    (problem,) = report["problems"]
    assert (problem["rule"], problem["severity"]) == ("enum", "warning")


def test_validate_reports_numbers_json_allows_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "9" * 5000
    text = (
        '{"InferenceComponentName": "x", "EndpointName": "e", "Specification": {'
        '"ModelName": "m", "ComputeResourceRequirements": {'
        f'"MinMemoryRequiredInMb": {huge}, "NumberOfCpuCoresRequired": 1{"0" * 400}.5, '
        '"MaxMemoryRequiredInMb": NaN}}, "RuntimeConfig": {"CopyCount": Infinity}}'
    )
    assert main(["validate", write(tmp_path, "odd.json", text)]) == 1
    captured = capsys.readouterr()
    assert captured.err == ""
    rules = {
        line.split(": ")[1]: line.rsplit("[", 1)[1].rstrip("]")
        for line in captured.out.splitlines()
        if "[" in line
    }
    base = "Specification.ComputeResourceRequirements."
    assert rules == {
        base + "MinMemoryRequiredInMb": "max",
        base + "NumberOfCpuCoresRequired": "type",
        base + "MaxMemoryRequiredInMb": "type",
        "RuntimeConfig.CopyCount": "type",
    }
    assert huge not in captured.out


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply to read"),
        (
            "huge.yaml",
            f"InferenceComponentName: x\nRuntimeConfig:\n  CopyCount: {'9' * 5000}\n",
            "cannot read a value",
        ),
    ],
)
def test_validate_files_python_cannot_read_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, message: str
) -> None:
    assert main(["validate", write(tmp_path, name, text)]) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert message in err
    assert err.count("\n") == 1


# -- servers that are not SageMaker -----------------------------------------------------------


class _OtherServer(BaseHTTPRequestHandler):
    """Answers every request with a 404 that is not SageMaker's (HTML, or JSON of its own)."""

    content_type = "text/html"
    body = b"<!DOCTYPE html>\n<html>\n<body>\n<h1>Not Found</h1>\n</body>\n</html>\n"

    def do_POST(self) -> None:
        self.send_response(404)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


class _JsonServer(_OtherServer):
    content_type = "application/json"
    body = b'{"detail": "Not Found"}'


@pytest.fixture(params=[_OtherServer, _JsonServer], ids=["html", "json"])
def other_server(request: pytest.FixtureRequest) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_an_http_server_that_is_not_sagemaker_is_one_line(
    aws_env: None, other_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # (ic_sdk's retries of answers that may be transient run on aws_env's FakeClock)
    for argv in (["ls"], ["describe", "x"], ["delete", "x", "--missing-ok"]):
        assert main(["--endpoint-url", other_server, *argv]) == 1
        err = capsys.readouterr().err
        no_traceback(err)
        assert err.count("\n") == 1, err
        assert other_server in err
        assert "HTTP 404" in err
        assert "<html>" not in err
        assert "skipped" not in err


# -- --debug ----------------------------------------------------------------------------------


def test_debug_logs_never_show_secrets(
    emu: Emulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
    monkeypatch.setenv("AWS_SESSION_TOKEN", token)
    emu.endpoint()
    source = write(tmp_path, "base.yaml", BASE_YAML)
    assert cli(emu, "--debug", "apply", source, "--wait") == 0
    assert cli(emu, "--debug", "--output", "json", "describe", "llama-base") == 0
    captured = capsys.readouterr()
    assert "botocore" in captured.err  # the logs are there
    for secret in (SECRET, token, "testing"):
        assert secret not in captured.out + captured.err
    assert "Signature=" not in captured.err or "Signature=<redacted>" in captured.err


# -- validate never prints a traceback ---------------------------------------------------------

_json_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**600), max_value=10**600)
    | st.floats()
    | st.text(max_size=12)
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from([models.CreateInferenceComponentInput]).flatmap(shaped)
    | st.recursive(
        _json_leaves,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
        ),
        max_leaves=15,
    ),
    st.sampled_from(["json", "yaml"]),
)
def test_validate_never_prints_a_traceback(document: object, kind: str) -> None:
    try:
        text = json.dumps(document)  # JSON is YAML too
    except ValueError:  # an integer json.dumps cannot write (> 4,300 digits): files above
        assume(False)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"spec.{kind}"
        path.write_text(text, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["validate", str(path)])
    assert status in (0, 1)
    assert "Traceback" not in err.getvalue()
    if status == 1 and err.getvalue():
        assert err.getvalue().startswith("error: ")
        assert err.getvalue().count("\n") == 1


def test_ctrl_c_during_a_wait_says_how_to_resume(
    emu: Emulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ic_sdk.client import InferenceComponentClient

    async def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    emu.endpoint()
    original = InferenceComponentClient.wait_until_in_service
    monkeypatch.setattr(InferenceComponentClient, "wait_until_in_service", interrupted)
    assert cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML), "--wait") == 130
    err = capsys.readouterr().err
    assert err == (
        "interrupted (the changes go on; resume waiting with: "
        "ic-sdk wait llama-base --until in-service)\n"
    )
    assert emu.status("llama-base") == "Creating"  # the create was sent
    monkeypatch.setattr(InferenceComponentClient, "wait_until_in_service", original)
    assert cli(emu, "wait", "llama-base") == 0
    assert cli(emu, "ls") == 0
    assert capsys.readouterr().err == ""


def test_apply_waits_for_a_base_an_earlier_run_left_creating(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    assert cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML)) == 0
    assert emu.status("llama-base") == "Creating"
    capsys.readouterr()
    assert cli(emu, "apply", write(tmp_path, "stack.yaml", STACK), "--wait") == 0
    assert steps(capsys.readouterr().out) == [
        "llama-base: unchanged, still Creating; waiting",
        "llama-sql: created",
    ]
    assert cli(emu, "apply", write(tmp_path, "adapter.yaml", ADAPTER_YAML)) == 0
    assert steps(capsys.readouterr().out) == ["llama-sql: unchanged"]


def test_apply_of_an_adapter_alone_waits_for_its_creating_base(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()
    assert cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML)) == 0
    capsys.readouterr()
    assert cli(emu, "apply", write(tmp_path, "adapter.yaml", ADAPTER_YAML), "--wait") == 0
    assert steps(capsys.readouterr().out) == [
        "llama-base: waiting until InService before its adapters",
        "llama-sql: created",
    ]
    assert emu.status("llama-sql") == "InService"
