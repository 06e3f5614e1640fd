"""The "Try it locally" path of docs/getting-started.md runs as written.

Each shell line of the section is run in order: ``ic-sdk emulator`` is the test's
LocalSageMaker (on a FakeClock, on a free port instead of 4566), ``export`` sets the
environment (the default URL pointed at that emulator), every ``ic-sdk`` line goes
through ``ic_sdk.cli.main`` and must exit 0. Nothing else may appear in the section.
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
PAGE = ROOT / "docs" / "getting-started.md"
DEFAULT_URL = "http://127.0.0.1:4566"


def local_path() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("## Try it locally", 1)[1].split("\n## ", 1)[0]
    lines = []
    for block in re.findall(r"^```bash\n(.*?)^```", section, re.M | re.S):
        lines += [line for line in block.splitlines() if line and not line.startswith("#")]
    return lines


def test_the_section_uses_ic_sdk_alone() -> None:
    lines = local_path()
    assert lines[0] == "ic-sdk emulator"
    assert all(line.startswith(("ic-sdk ", "export ")) for line in lines), lines
    assert any(line.startswith("ic-sdk invoke ") for line in lines)


def test_try_it_locally_runs_as_written(
    emu: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    for line in local_path():
        argv = shlex.split(line)
        if argv == ["ic-sdk", "emulator"]:
            continue  # the fixture's emulator
        if argv[0] == "export":
            for assignment in argv[1:]:
                key, value = assignment.split("=", 1)
                monkeypatch.setenv(key, value.replace(DEFAULT_URL, emu.url))
            continue
        assert main([*argv[1:], "--plain"]) == 0, (line, capsys.readouterr().err)
        if argv[1] == "invoke":
            assert capsys.readouterr().out.strip(), "the adapter answered nothing"
    assert emu.call("list_inference_components")["InferenceComponents"] == []
    with pytest.raises(ClientError, match="Could not find endpoint"):
        emu.call("describe_endpoint", EndpointName="shared-gpu")
    with pytest.raises(ClientError, match="Could not find endpoint configuration"):
        emu.call("describe_endpoint_config", EndpointConfigName="shared-gpu")
