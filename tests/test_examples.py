"""Every script in ``examples/`` runs to completion against LocalSageMaker.

The scripts start together (each in its own interpreter, as a reader would run it) and
each test then checks one of them: its exit status and what it printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))

#: A line each script prints when it did what it shows.
EXPECTED = {
    "fake_clock.py": "failed as expected: CapacityError",
    "lora_adapters.py": "5 adapters and their base deleted",
    "quickstart.py": "deleted",
    "rolling_update.py": "second update rolled back: CannotStartContainerError",
    "validate_requests.py": "the built request is valid",
}


@pytest.fixture(scope="module")
def runs() -> Iterator[dict[str, subprocess.Popen[str]]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    started = {
        name: subprocess.Popen(
            [sys.executable, str(EXAMPLES / name)],
            cwd=EXAMPLES.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in SCRIPTS
    }
    try:
        yield started
    finally:
        for process in started.values():
            if process.poll() is None:
                process.kill()
            process.communicate()


def test_every_example_is_checked() -> None:
    assert sorted(EXPECTED) == SCRIPTS


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_runs(name: str, runs: dict[str, subprocess.Popen[str]]) -> None:
    out, err = runs[name].communicate(timeout=120)
    assert runs[name].returncode == 0, err
    assert EXPECTED[name] in out, out
    assert "Traceback" not in err
