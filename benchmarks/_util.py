"""Small helpers shared by the benchmark scripts (not a test module).

Every figure a benchmark wants published goes through :func:`record`: it prints the row
and, when ``IC_BENCH_RESULTS`` names a file (``benchmarks/publish.py run`` sets it),
appends one JSON line to it. The format is described in ``benchmarks/README.md``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS_ENV = "IC_BENCH_RESULTS"


def per_op(fn: Callable[[], object], *, repeat: int = 7, min_time: float = 0.2) -> float:
    """Best-of-``repeat`` seconds per call of ``fn`` (each round runs ≥ ``min_time``)."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - start >= min_time / 4:
            break
        n *= 2
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - start) / n)
    return best


def command_time(code: str, *, runs: int = 15) -> float:
    """Median wall time of ``python -c code`` in a fresh interpreter (after one warm-up)."""
    cmd = [sys.executable, "-c", code]
    subprocess.run(cmd, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(name: str, value: str, ratio: str = "") -> None:
    print(f"  {name:<58} {value:>14} {ratio:>12}")


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def record(
    bench: str,
    key: str,
    label: str,
    value: float,
    unit: str,
    *,
    baseline: float | None = None,
    baseline_label: str | None = None,
    ratio: float | None = None,
    target: str | None = None,
    readme: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Print one figure and append it to the results file (see ``benchmarks/README.md``).

    ``ratio`` defaults to ``value / baseline``. ``target`` is ``"<= 1.02"`` or
    ``">= 0.97"`` (on the ratio when there is a baseline, else on the value); the
    publisher checks it. ``readme`` is the row label when the figure belongs in the
    README's table.
    """
    if ratio is None and baseline:
        ratio = value / baseline
    result: dict[str, Any] = {
        "bench": bench,
        "key": key,
        "label": label,
        "value": value,
        "unit": unit,
    }
    optional = {
        "baseline": baseline,
        "baseline_label": baseline_label,
        "ratio": ratio,
        "target": target,
        "readme": readme,
        "note": note,
    }
    result.update({k: v for k, v in optional.items() if v is not None})
    shown = f"{ratio:.3f}x" if ratio is not None else ""
    row(label, f"{_fmt(value)} {unit}", shown)
    path = os.environ.get(RESULTS_ENV)
    if path:
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return result
