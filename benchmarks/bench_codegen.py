"""Full model generation time, beside datamodel-code-generator's plain baseline.

``python -m codegen --check`` is the whole pipeline: botocore JSON → IR → the shipped
JSON Schemas → datamodel-code-generator with ic_sdk's attrs templates (both services)
→ per-shape modules → ruff → compared with the committed files. The baseline is the
older measurement this pipeline was judged against: ``datamodel-codegen`` turning the
shipped ``sagemaker.json`` into one plain-dataclass file (no metadata, docs, per-shape
modules or formatting beyond its own), with its default formatters (black, isort) and
with ``--formatters builtin``.

Each figure is the median of ``RUNS`` runs, as wall time and as CPU time (the
process and its children): the build machine is shared, and under load the wall time
stretches while the CPU time does not. The 1-minute load average is printed beside.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _util import record, row

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
BENCH = "codegen"
OURS = "python -m codegen --check (both services, dmcg, ruff, diff)"
BASELINE = "datamodel-codegen, sagemaker only, plain dataclasses"


def _timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Median (wall, CPU) seconds of ``cmd`` over ``RUNS`` runs."""
    walls, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(
            after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
        )
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    print("== bench_codegen ==")
    start_load = os.getloadavg()[0]
    row("load average (1 min) at start", f"{start_load:.1f}")
    ours = _timed([sys.executable, "-m", "codegen", "--check"], ROOT)
    how = f"median of {RUNS} runs"
    exe = shutil.which("datamodel-codegen", path=str(Path(sys.executable).parent))
    if exe is None:
        record(BENCH, "pipeline_wall", OURS, ours[0], "s", note=f"{how}; no baseline installed")
        record(BENCH, "pipeline_cpu", f"{OURS}, CPU", ours[1], "s", note=how)
        return
    with tempfile.TemporaryDirectory() as tmp:
        base = [
            exe,
            "--input",
            str(ROOT / "src/ic_sdk/schemas/sagemaker.json"),
            "--input-file-type",
            "jsonschema",
            "--output",
            str(Path(tmp) / "models.py"),
            "--output-model-type",
            "dataclasses.dataclass",
            "--output-datetime-class",
            "datetime",
            "--disable-timestamp",
        ]
        plain = _timed(base, ROOT)
        builtin = _timed([*base, "--formatters", "builtin"], ROOT)
    record(
        BENCH,
        "pipeline_wall",
        OURS,
        ours[0],
        "s",
        baseline=plain[0],
        baseline_label=f"{BASELINE} (default formatters)",
        note=f"wall time, {how}",
    )
    record(
        BENCH,
        "pipeline_cpu",
        f"{OURS}, CPU",
        ours[1],
        "s",
        baseline=plain[1],
        baseline_label=f"{BASELINE} (default formatters)",
        note=f"CPU time of the process and its children, {how}: under load the wall time "
        "stretches while this does not",
    )
    record(
        BENCH,
        "baseline_builtin_formatters",
        f"baseline with --formatters builtin ({BASELINE})",
        builtin[0],
        "s",
        baseline=plain[0],
        baseline_label=f"{BASELINE} (default formatters)",
        note=f"wall time, {how}; CPU {builtin[1]:.1f} s vs {plain[1]:.1f} s",
    )
    row("load average (1 min) at end", f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
