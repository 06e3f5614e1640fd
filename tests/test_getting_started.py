"""The shell paths against LocalSageMaker in the docs run as written.

"Try it locally" of docs/getting-started.md and "Against LocalSageMaker" of
docs/guides/cli.md: each shell line of the section (``\\`` continuations joined) is run
in order: ``ic-sdk emulator`` is the test's LocalSageMaker (on a FakeClock, on a free
port instead of 4566), ``export`` sets the environment (the default URL pointed at that
emulator), every ``ic-sdk`` line goes through ``ic_sdk.cli.main`` and must exit 0.
Nothing else may appear in the sections.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from ic_sdk.cli import main
from tests.cli_support import Emulator

ROOT = Path(__file__).resolve().parent.parent
GETTING_STARTED = (ROOT / "docs" / "getting-started.md", "## Try it locally")
CLI_GUIDE = (ROOT / "docs" / "guides" / "cli.md", "## Against LocalSageMaker")
DEFAULT_URL = "http://127.0.0.1:4566"


def shell_lines(page: Path, heading: str) -> list[str]:
    text = page.read_text(encoding="utf-8")
    section = text.split(heading + "\n", 1)[1].split("\n## ", 1)[0]
    lines = []
    for block in re.findall(r"^```bash\n(.*?)^```", section, re.M | re.S):
        block = re.sub(r"\\\n\s*", "", block)
        lines += [line for line in block.splitlines() if line and not line.startswith("#")]
    return lines


def local_path() -> list[str]:
    return shell_lines(*GETTING_STARTED)


def test_the_section_uses_ic_sdk_alone() -> None:
    lines = local_path()
    assert lines[0] == "ic-sdk emulator"
    assert all(line.startswith(("ic-sdk ", "export ")) for line in lines), lines
    assert any(line.startswith("ic-sdk invoke ") for line in lines)


def run_as_written(
    lines: list[str],
    emu: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    for line in lines:
        argv = shlex.split(line)
        if argv[:2] == ["ic-sdk", "emulator"]:
            continue  # the fixture's emulator
        if argv[0] == "export":
            for assignment in argv[1:]:
                key, value = assignment.split("=", 1)
                monkeypatch.setenv(key, value.replace(DEFAULT_URL, emu.url))
            continue
        assert argv[0] == "ic-sdk", line
        assert main([*argv[1:], "--plain"]) == 0, (line, capsys.readouterr().err)
        if argv[1] == "invoke":
            assert capsys.readouterr().out.strip(), "the adapter answered nothing"


def test_try_it_locally_runs_as_written(
    emu: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_as_written(local_path(), emu, monkeypatch, capsys)
    assert emu.call("list_inference_components")["InferenceComponents"] == []
    with pytest.raises(ClientError, match="Could not find endpoint"):
        emu.call("describe_endpoint", EndpointName="shared-gpu")
    with pytest.raises(ClientError, match="Could not find endpoint configuration"):
        emu.call("describe_endpoint_config", EndpointConfigName="shared-gpu")


def test_the_cli_guide_against_the_emulator_runs_as_written(
    emu: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = shell_lines(*CLI_GUIDE)
    assert lines[0] == "ic-sdk emulator --port 4566 &"
    assert all(line.startswith(("ic-sdk ", "export ")) for line in lines), lines
    run_as_written(lines, emu, monkeypatch, capsys)
    listed = emu.call("list_inference_components")["InferenceComponents"]
    assert {ic["InferenceComponentName"] for ic in listed} == {
        "mistral-7b-base",
        "mistral-7b-sql",
        "mistral-7b-support",
    }
    assert {ic["InferenceComponentStatus"] for ic in listed} == {"InService"}
