"""Run the benchmarks and publish their figures: docs/benchmarks.md and the README table.

    python benchmarks/publish.py run [bench_client bench_waiter ...]   # what `nox -s bench` does
    python benchmarks/publish.py render                                # re-render, no measuring
    python benchmarks/publish.py check                                 # exit 1 if out of date

``run`` executes every ``benchmarks/bench_*.py`` (or the ones named, merging their new
figures into the existing data) with ``IC_BENCH_RESULTS`` pointing at a results file,
records the machine and its load average before and after each script, then writes
``docs/benchmarks.md`` (tables, plus the raw results embedded as JSON lines) and the
block between ``<!-- bench:start -->`` and ``<!-- bench:end -->`` in ``README.md``.
Both are rendered from the embedded results only, so ``render``/``check`` (and
``tests/test_benchmarks_published.py``) can prove that no published number was edited
by hand or left behind by a change of the renderer. The result format is described in
``benchmarks/README.md``; any script that emits it is published, without changes here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
DOC = ROOT / "docs" / "benchmarks.md"
README = ROOT / "README.md"
START = "<!-- bench:start -->"
END = "<!-- bench:end -->"
DATA_OPEN = "<!-- bench:data"
DATA_CLOSE = "-->"

Result = dict[str, Any]


# -- measuring ----------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def _git_commit() -> str:
    try:
        out = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out + ("+changes" if dirty else "")


def machine() -> Result:
    return {
        "kind": "machine",
        "cpu": _cpu_model(),
        "cores": os.cpu_count() or 0,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "commit": _git_commit(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def run_scripts(names: list[str], extra_args: list[str]) -> list[Result]:
    """Run the benchmark scripts, returning their results plus one ``run`` record each."""
    scripts = sorted(BENCHMARKS.glob("bench_*.py"))
    if names:
        wanted = {n.removesuffix(".py") for n in names}
        scripts = [s for s in scripts if s.stem in wanted]
        missing = wanted - {s.stem for s in scripts}
        if missing:
            raise SystemExit(f"no such benchmark: {', '.join(sorted(missing))}")
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        for script in scripts:
            out = Path(tmp) / f"{script.stem}.jsonl"
            env = {**os.environ, "IC_BENCH_RESULTS": str(out)}
            before = _load()
            start = time.perf_counter()
            code = subprocess.run(
                [sys.executable, str(script), *extra_args], cwd=ROOT, env=env, check=False
            ).returncode
            seconds = time.perf_counter() - start
            emitted = (
                [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
                if out.exists()
                else []
            )
            results.append(
                {
                    "kind": "run",
                    "bench": script.stem.removeprefix("bench_"),
                    "script": f"benchmarks/{script.name}",
                    "load_before": before,
                    "load_after": _load(),
                    "seconds": round(seconds, 1),
                    "exit": code,
                    "figures": len(emitted),
                }
            )
            results.extend(emitted)
    return results


def merge(old: list[Result], new: list[Result]) -> list[Result]:
    """``new`` replaces every record of the benches it ran, and the machine record."""
    rerun = {r["bench"] for r in new if r.get("kind") == "run"}
    kept = [r for r in old if r.get("kind") != "machine" and r.get("bench") not in rerun]
    return (
        [r for r in new if r.get("kind") == "machine"]
        + kept
        + [r for r in new if r.get("kind") != "machine"]
    )


# -- reading and rendering ----------------------------------------------------------------


def read_data(doc: str) -> list[Result]:
    """The results embedded in a rendered ``docs/benchmarks.md``."""
    start = doc.find(DATA_OPEN)
    if start < 0:
        return []
    body = doc[start + len(DATA_OPEN) :]
    body = body[: body.index(DATA_CLOSE)]
    return [json.loads(line) for line in body.splitlines() if line.strip()]


def _figures(data: list[Result]) -> list[Result]:
    return [r for r in data if "kind" not in r]


def _machine(data: list[Result]) -> Result:
    for r in data:
        if r.get("kind") == "machine":
            return r
    return {}


def fmt(value: float, unit: str = "") -> str:
    """A figure as published: 3 significant digits, thousands separated."""
    if value != value:  # NaN
        text = "n/a"
    elif float(value).is_integer() and abs(value) < 1e9:
        text = f"{int(value):,}"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    elif abs(value) >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def ratio_of(r: Result) -> float | None:
    """The figure's ratio: as emitted, else ``value / baseline`` (when both are there)."""
    if "ratio" in r:
        return float(r["ratio"])
    if r.get("baseline"):
        return float(r["value"]) / float(r["baseline"])
    return None


def _ratio(r: Result) -> str:
    ratio = ratio_of(r)
    return "" if ratio is None else f"{ratio:.3f}×"


def met(r: Result) -> bool | None:
    """Whether a figure meets its target (``None``: it has none)."""
    target = r.get("target")
    if not target:
        return None
    on, op, bound = _parse_target(r)
    x = ratio_of(r) if on == "ratio" else r["value"]
    if x is None:
        raise ValueError(f"{r['bench']}/{r['key']}: a ratio target needs a baseline")
    return {
        "<=": x <= bound,
        ">=": x >= bound,
        "<": x < bound,
        ">": x > bound,
        "==": x == bound,
    }[op]


def _parse_target(r: Result) -> tuple[str, str, float]:
    """``"ratio <= 1.02"`` or ``"value >= 0.97"``; without a subject, the ratio when there
    is one, else the value."""
    match = re.fullmatch(r"\s*(value|ratio)?\s*(<=|>=|<|>|==)\s*([-+0-9.eE]+)\s*", r["target"])
    if match is None:
        raise ValueError(f"{r['bench']}/{r['key']}: unreadable target {r['target']!r}")
    on = match[1] or ("value" if ratio_of(r) is None else "ratio")
    return on, match[2], float(match[3])


def _target_cell(r: Result) -> str:
    ok = met(r)
    if ok is None:
        return ""
    on, op, bound = _parse_target(r)
    return f"{on} {op} {fmt(bound)}: {'met' if ok else '**missed**'}"


def _baseline_cell(r: Result) -> str:
    if "baseline" not in r:
        return ""
    label = r.get("baseline_label", "baseline")
    return f"{label}: {fmt(r['baseline'], r['unit'])}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _machine_line(data: list[Result]) -> str:
    m = _machine(data)
    runs = [r for r in data if r.get("kind") == "run"]
    loads = [r["load_before"] for r in runs] + [r["load_after"] for r in runs]
    load = f"load average {min(loads):.2f}–{max(loads):.2f}" if loads else "load not recorded"
    return (
        f"{m.get('cpu', '?')} ({m.get('cores', '?')} cores), Python {m.get('python', '?')}, "
        f"{m.get('os', '?')}, {load}, {m.get('date', '?')}, commit {m.get('commit', '?')}"
    )


def render_readme_block(data: list[Result]) -> str:
    rows = [r for r in _figures(data) if r.get("readme")]
    lines = [
        START,
        "<!-- generated by benchmarks/publish.py from docs/benchmarks.md: do not edit -->",
        "",
        "| measured | baseline (same run) | ic_sdk | ratio |",
        "|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {_cell(r['readme'])} | {_cell(_baseline_cell(r))} "
            f"| **{fmt(r['value'], r['unit'])}** | {_ratio(r)} |"
        )
    lines += [
        "",
        f"Measured by `nox -s bench` on {_machine_line(data)}. Every figure, "
        "its baseline and the targets: [docs/benchmarks.md](docs/benchmarks.md).",
        END,
    ]
    return "\n".join(lines)


def render_doc(data: list[Result]) -> str:
    m = _machine(data)
    figures = _figures(data)
    runs = [r for r in data if r.get("kind") == "run"]
    out = [
        "# Benchmarks",
        "",
        "<!-- generated by benchmarks/publish.py (`nox -s bench`): do not edit -->",
        "",
        "Every figure below was produced by the benchmark scripts in `benchmarks/` on the "
        "machine described here, each beside a baseline measured in the same run (the ratio "
        "is ic_sdk / baseline). `nox -s bench` re-measures everything and rewrites this page "
        "and the table in the README; `python benchmarks/publish.py render` re-renders them "
        "from the results embedded at the bottom of this page, and a test checks that the "
        "README's table is exactly what these results render.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {_cell(str(m.get('cpu', '?')))} |",
        f"| cores | {m.get('cores', '?')} |",
        f"| Python | {m.get('python', '?')} |",
        f"| OS | {_cell(str(m.get('os', '?')))} |",
        f"| commit | {m.get('commit', '?')} |",
        f"| date | {m.get('date', '?')} |",
        "",
        "Load average (1 min) before and after each script; the machine is shared, so "
        "benchmarks interleave the measured code with its baseline and compare medians or "
        "best rounds taken under the same load.",
        "",
        "| script | load before | load after | seconds | figures | exit |",
        "|---|---|---|---|---|---|",
    ]
    for r in runs:
        out.append(
            f"| `{r['script']}` | {r['load_before']:.2f} | {r['load_after']:.2f} "
            f"| {r['seconds']:.0f} | {r['figures']} | {r['exit']} |"
        )
    targeted = [r for r in figures if r.get("target")]
    if targeted:
        out += [
            "",
            "## Targets",
            "",
            "| benchmark | figure | ic_sdk | baseline | ratio | target |",
            "|---|---|---|---|---|---|",
        ]
        for r in targeted:
            out.append(
                f"| {r['bench']} | {_cell(r['label'])} | {fmt(r['value'], r['unit'])} "
                f"| {_cell(_baseline_cell(r))} | {_ratio(r)} | {_target_cell(r)} |"
            )
    for bench in dict.fromkeys(r["bench"] for r in figures):
        run = next((r for r in runs if r["bench"] == bench), None)
        out += ["", f"## {bench}", ""]
        if run is not None:
            out += [f"From `{run['script']}`.", ""]
        out += ["| figure | value | baseline | ratio | note |", "|---|---|---|---|---|"]
        for r in figures:
            if r["bench"] == bench:
                out.append(
                    f"| {_cell(r['label'])} | {fmt(r['value'], r['unit'])} "
                    f"| {_cell(_baseline_cell(r))} | {_ratio(r)} | {_cell(r.get('note', ''))} |"
                )
    out += [
        "",
        "## Raw results",
        "",
        "The results this page and the README table are rendered from "
        "(JSON lines, format in `benchmarks/README.md`) are embedded below as an HTML "
        "comment.",
        "",
        DATA_OPEN,
        *(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in data),
        DATA_CLOSE,
        "",
    ]
    return "\n".join(out)


def replace_block(readme: str, block: str) -> str:
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"README.md has no {START} ... {END} block")
    return readme[:start] + block + readme[end + len(END) :]


def readme_block(readme: str) -> str:
    start, end = readme.find(START), readme.find(END)
    return readme[start : end + len(END)]


def publish(data: list[Result]) -> None:
    DOC.write_text(render_doc(data), encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    README.write_text(replace_block(readme, render_readme_block(data)), encoding="utf-8")


def main(argv: list[str]) -> int:
    command, *rest = argv or ["run"]
    if command == "run":
        names = [a for a in rest if not a.startswith("-")]
        extra = [a for a in rest if a.startswith("-")]
        old = read_data(DOC.read_text(encoding="utf-8")) if DOC.exists() and names else []
        new = [machine(), *run_scripts(names, extra)]
        data = merge(old, new)
        publish(data)
        missed = [r for r in _figures(data) if met(r) is False]
        print(f"wrote {DOC.relative_to(ROOT)} and the README table ({len(data)} records)")
        for r in missed:
            print(f"  target missed: {r['bench']}/{r['key']}: {_target_cell(r)}")
        failed = [r for r in data if r.get("kind") == "run" and r["exit"] != 0]
        return 1 if failed else 0
    data = read_data(DOC.read_text(encoding="utf-8"))
    if command == "render":
        publish(data)
        return 0
    if command == "check":
        stale = DOC.read_text(encoding="utf-8") != render_doc(data) or readme_block(
            README.read_text(encoding="utf-8")
        ) != render_readme_block(data)
        if stale:
            print("docs/benchmarks.md or the README table is not what its results render")
        return 1 if stale else 0
    raise SystemExit(f"unknown command {command!r} (run, render or check)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
