"""Published benchmark numbers are exactly what the benchmark results render.

``docs/benchmarks.md`` embeds the raw results of the last ``nox -s bench`` run; the page
and the README's table are rendered from them by ``benchmarks/publish.py``. Editing a
number by hand, or changing the renderer without re-publishing, fails here.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.file_support import load_script

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def publish() -> ModuleType:
    return load_script("benchmarks/publish.py")


def test_readme_table_is_rendered_from_the_published_results(publish: ModuleType) -> None:
    data = publish.read_data((ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8"))
    assert data, "docs/benchmarks.md embeds no results"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert publish.readme_block(readme) == publish.render_readme_block(data)


def test_benchmarks_page_is_rendered_from_its_results(publish: ModuleType) -> None:
    doc = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert doc == publish.render_doc(publish.read_data(doc))


def test_every_readme_figure_has_a_baseline_from_the_same_run(publish: ModuleType) -> None:
    data = publish.read_data((ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8"))
    runs = {r["bench"] for r in data if r.get("kind") == "run"}
    for figure in (r for r in data if r.get("readme")):
        assert figure["bench"] in runs, figure["key"]
        assert "baseline" in figure or "target" in figure, figure["key"]


def test_targets_are_checked(publish: ModuleType) -> None:
    figure = {"bench": "b", "key": "k", "value": 1.03, "baseline": 1.0, "ratio": 1.03}
    assert publish.met({**figure, "target": "ratio <= 1.02"}) is False
    assert publish.met({**figure, "target": "ratio <= 1.05"}) is True
    assert publish.met({**figure, "target": "value >= 1.0"}) is True
    assert publish.met(figure) is None
    with pytest.raises(ValueError, match="unreadable target"):
        publish.met({**figure, "target": "about 1"})


def test_any_script_emitting_the_format_is_published(publish: ModuleType) -> None:
    data = [
        {"kind": "machine", "cpu": "cpu", "cores": 2, "python": "3.11", "os": "Linux"},
        {
            "kind": "run",
            "bench": "newbench",
            "script": "benchmarks/bench_newbench.py",
            "load_before": 1.0,
            "load_after": 1.5,
            "seconds": 3.0,
            "exit": 0,
            "figures": 1,
        },
        {
            "bench": "newbench",
            "key": "k",
            "label": "a new figure",
            "value": 2.5,
            "unit": "s",
            "baseline": 5.0,
            "target": "value <= 1.0",
            "readme": "a new README row",
        },
    ]
    doc = publish.render_doc(data)
    assert "## newbench" in doc
    assert "| a new figure | 2.50 s | baseline: 5 s | 0.500× |" in doc
    assert "value <= 1: **missed**" in doc
    assert publish.read_data(doc) == data
    block = publish.render_readme_block(data)
    assert "| a new README row | baseline: 5 s | **2.50 s** | 0.500× |" in block
    assert "load average 1.00–1.50" in block
