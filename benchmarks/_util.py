"""Small helpers shared by the benchmark scripts (not a test module)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable


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
