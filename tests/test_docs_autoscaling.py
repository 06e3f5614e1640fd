"""The autoscaling guide's plot comes from a real emulator run, and shows what it says."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.file_support import load_script

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    return load_script("docs/hooks/autoscaling_plot.py")


def test_the_simulation_scales_out_to_zero_and_back(hook: ModuleType) -> None:
    minutes = hook.simulate()
    assert len(minutes) == hook.MINUTES
    peak = max(m.copies for m in minutes)
    assert peak == 4  # 20 invocations a minute at 5 per copy
    assert minutes[0].copies == 1
    quiet = [m for m in minutes if 150 <= m.minute < 200]
    assert {m.copies for m in quiet} == {0}  # idle: scaled to zero
    refused = [m for m in minutes if m.refused]
    assert refused  # the burst after zero copies found none
    assert all(m.minute >= 200 for m in refused)
    assert minutes[210].copies >= 1  # and a copy came back


def test_the_guide_shows_the_generated_plot() -> None:
    guide = (ROOT / "docs" / "guides" / "autoscaling.md").read_text(encoding="utf-8")
    assert "](autoscaling-simulation.svg)" in guide
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "docs/hooks/autoscaling_plot.py" in mkdocs
    assert "guides/autoscaling.md" in mkdocs
