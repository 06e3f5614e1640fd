"""mkdocs hook: the autoscaling guide's plot, from a LocalSageMaker simulation at build time.

It runs the emulator on a ``FakeClock`` (four simulated hours, well under a second of
real time): one component autoscaled with ``client.autoscale(min_copies=0, max_copies=4,
target=5)``, a day-like load (quiet, a rise to four copies' worth, a fall to nothing, a
burst after the component went to zero), and records every minute the load, the copies
running and the invocations refused for want of a copy. The SVG it draws becomes
``guides/autoscaling-simulation.svg`` (nothing is written to the docs directory).
matplotlib is in the ``docs`` dependency group only.
"""

from __future__ import annotations

import asyncio
import io
from typing import Any

import attrs

MINUTES = 240
TARGET = 5.0
PLOT_URI = "guides/autoscaling-simulation.svg"
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


@attrs.frozen
class Minute:
    """What one simulated minute looked like."""

    minute: int
    load: int
    copies: int
    refused: int


def load_at(minute: int) -> int:
    """Requests in ``minute``: quiet, a rise to 20/min, back to nothing, a late burst."""
    if minute < 20:
        return 3
    if minute < 50:
        return 3 + (minute - 20) * 17 // 30
    if minute < 100:
        return 20
    if minute < 120:
        return 20 - (minute - 100)
    if minute < 200:
        return 0
    if minute < 230:
        return 8
    return 0


async def _simulate() -> list[Minute]:

    from ic_sdk import InferenceComponentClient, base_component
    from ic_sdk.clock import FakeClock
    from ic_sdk.testing import LocalSageMaker

    clock = FakeClock()
    async with LocalSageMaker(clock=clock) as sm:
        sm.add_endpoint("ep", execution_role_arn=ROLE, min_instances=0, max_instances=1)
        clock.advance(60)
        async with InferenceComponentClient(
            region=sm.region,
            endpoint_url=sm.endpoint_url,
            clock=clock,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ) as client:
            await client.create_and_wait(
                base_component(
                    name="llm",
                    endpoint_name="ep",
                    image="example.com/llm:1",
                    memory_mb=8192,
                    cpu_cores=4,
                    accelerators=1,
                )
            )
            await client.autoscale("llm", min_copies=0, max_copies=4, target=TARGET)
            clock.advance(60 - clock.now() % 60)
            minutes = []
            for minute in range(MINUTES):
                load, refused = load_at(minute), 0
                for step in range(6):  # the minute's load, spread over 10-second steps
                    share = load * (step + 1) // 6 - load * step // 6
                    if share:
                        refused += sm.traffic("llm", share).refused
                    clock.advance(10)
                described = await client.describe("llm")
                runtime = described.runtime_config
                copies = runtime.current_copy_count if runtime is not None else None
                minutes.append(Minute(minute, load, copies or 0, refused))
    return minutes


def simulate() -> list[Minute]:
    """Run the simulation (it takes well under a second)."""
    return asyncio.run(_simulate())


def plot(minutes: list[Minute]) -> bytes:
    """The SVG: load and copies over time, refused invocations as bars."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    matplotlib.rcParams["svg.hashsalt"] = "ic_sdk"  # the same SVG on every build
    xs = [m.minute for m in minutes]
    figure, load_axis = pyplot.subplots(figsize=(9, 3.6), dpi=100)
    copies_axis = load_axis.twinx()
    load_axis.fill_between(xs, [m.load for m in minutes], step="post", alpha=0.25, label="load")
    load_axis.bar(
        xs,
        [m.refused for m in minutes],
        width=1.0,
        color="tab:red",
        label="refused (no copy: cold start)",
    )
    copies_axis.step(
        xs, [m.copies for m in minutes], where="post", color="tab:blue", label="copies"
    )
    load_axis.set_xlabel("simulated minutes")
    load_axis.set_ylabel("invocations per minute")
    copies_axis.set_ylabel("copies")
    copies_axis.set_ylim(0, 5)
    handles = [
        *load_axis.get_legend_handles_labels()[0],
        *copies_axis.get_legend_handles_labels()[0],
    ]
    labels = [
        *load_axis.get_legend_handles_labels()[1],
        *copies_axis.get_legend_handles_labels()[1],
    ]
    load_axis.legend(handles, labels, loc="upper right", fontsize="small")
    load_axis.set_title(
        f"min_copies=0, max_copies=4, target={TARGET:g} invocations/minute per copy"
    )
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    pyplot.close(figure)
    return out.getvalue().encode()


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    files.append(File.generated(config, PLOT_URI, content=plot(simulate())))
    return files
