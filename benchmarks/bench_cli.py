"""The ``ic-sdk`` command line: mistakes caught, start-up cost, and the demo's duration.

1. Mistakes in ``examples/specs/broken.yaml`` caught before sending: ``ic-sdk validate``
   against botocore's own ParamValidator (what boto3/aiobotocore run on a request dict;
   it checks required members, types and ``min`` only) on the same dict.
2. ``ic-sdk validate examples/specs/base.yaml`` as a fresh process, against
   ``python -c pass`` (interpreter start-up) measured in the same run.
3. ``ic-sdk demo`` end to end (embedded LocalSageMaker, default delays), against the
   sum of the emulator's state-change delays the flow has to wait through.

    python benchmarks/bench_cli.py
"""

from __future__ import annotations

import asyncio
import io
import os
import statistics
import sys
import time
from pathlib import Path

import botocore.session
from _util import command_time, record
from botocore.validate import ParamValidator

from ic_sdk import models
from ic_sdk.cli._demo import demo_delays, run_demo
from ic_sdk.cli._progress import PlainReporter
from ic_sdk.cli._specs import load_specs
from ic_sdk.validation import validate

BENCH = "cli"
ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "examples" / "specs" / "broken.yaml"
BASE = ROOT / "examples" / "specs" / "base.yaml"

os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # measure start-up as users see it


def bench_mistakes() -> None:
    print("mistakes caught before sending (examples/specs/broken.yaml)")
    (doc,) = load_specs(str(BROKEN))
    service = botocore.session.get_session().get_service_model("sagemaker")
    shape = service.operation_model("CreateInferenceComponent").input_shape
    report = ParamValidator().validate(doc.data, shape)
    found = report.generate_report().splitlines() if report.has_errors() else []
    botocore_count = len(found)
    ours = validate(doc.data, models.CreateInferenceComponentInput)
    record(
        BENCH,
        "mistakes_caught",
        "ic-sdk validate: problems found in broken.yaml",
        len(ours),
        "problems",
        baseline=botocore_count,
        baseline_label="botocore ParamValidator",
        readme="mistakes caught before sending, `examples/specs/broken.yaml`",
        note="botocore: " + "; ".join(line.strip() for line in found),
    )


def bench_startup() -> None:
    print("process start-up (median of 9 runs, wall)")
    bare = command_time("pass", runs=9)
    code = f"import sys; from ic_sdk.cli import main; sys.exit(main(['validate', {str(BASE)!r}]))"
    ours = _cli_time(code)
    record(
        BENCH,
        "startup",
        "ic-sdk validate base.yaml, fresh process (wall)",
        ours * 1e3,
        "ms",
        baseline=bare * 1e3,
        baseline_label="python -c pass",
        readme="`ic-sdk validate` start-up, fresh process",
    )


def _cli_time(code: str, runs: int = 9) -> float:
    import subprocess

    cmd = [sys.executable, "-c", code]
    subprocess.run(cmd, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_demo() -> None:
    print("ic-sdk demo, end to end (best of 3, wall)")
    delay = 0.4
    d = demo_delays(delay)
    # endpoint up, base up, adapters up (concurrently), scale, adapters down (concurrently),
    # base down, endpoint down: the state changes the flow cannot skip.
    floor = (
        d.endpoint_create
        + 2 * d.component_create
        + d.component_update
        + 2 * d.component_delete
        + d.endpoint_delete
    )
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        asyncio.run(run_demo(PlainReporter(io.StringIO()), delay=delay))
        best = min(best, time.perf_counter() - start)
    record(
        BENCH,
        "demo",
        "ic-sdk demo, end to end (best of 3, wall)",
        best,
        "s",
        baseline=floor,
        baseline_label="emulator state changes it must wait through",
    )


def main() -> None:
    print(f"== bench_cli (python {sys.version.split()[0]}) ==")
    bench_mistakes()
    bench_startup()
    bench_demo()


if __name__ == "__main__":
    main()
