"""``ic-sdk demo``: a whole inference-component deployment against an embedded emulator.

The flow a team follows to serve several fine-tunes of one model from one endpoint:
a SageMaker model, an endpoint config that can host inference components (an execution
role, a variant without ``ModelName``), the endpoint, a base component holding the model
and its GPUs, three LoRA adapters loaded by it, an invocation of each adapter, scaling
the base to two copies, and the teardown in the order the service requires. Every wait
is shown live. It runs offline: :class:`~ic_sdk.testing.LocalSageMaker` serves on
127.0.0.1 inside this process, and state changes take a fraction of a second.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import attrs

from ic_sdk import models
from ic_sdk.builders import adapter_component, base_component
from ic_sdk.cli._progress import Reporter, Tracker
from ic_sdk.client import InferenceComponentClient
from ic_sdk.clock import Clock, SystemClock
from ic_sdk.endpoints import ic_endpoint
from ic_sdk.teardown import TeardownEvent
from ic_sdk.testing import Delays, Invocation, LocalSageMaker, Reply
from ic_sdk.validation import validate
from ic_sdk.waiters import Backoff, WaiterEvent, WaitPolicy

__all__ = ["DemoSummary", "demo_delays", "run_demo"]

ROLE_ARN = "arn:aws:iam::123456789012:role/ic-sdk-demo"
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124"
MODEL = "llama-3-8b"
MODEL_DATA = "s3://ic-sdk-demo/models/llama-3-8b/model.tar.gz"
CONFIG = "ic-sdk-demo-config"
ENDPOINT = "ic-sdk-demo"
VARIANT = "AllTraffic"
#: 48 vCPUs, 192 GiB, 4 x NVIDIA A10G: room for two copies of the base.
INSTANCE_TYPE = "ml.g5.12xlarge"
BASE = "llama-3-8b-base"

#: (adapter suffix, what it was fine-tuned for, a prompt, the answer it gives)
ADAPTERS: tuple[tuple[str, str, str, str], ...] = (
    (
        "sql",
        "text to SQL",
        "Orders over $100 placed last week?",
        "SELECT * FROM orders WHERE total > 100 AND placed_at >= now() - interval '7 days';",
    ),
    (
        "support",
        "support replies",
        "My invoice shows the wrong address.",
        "Sorry about that! I've updated the address; a corrected invoice is on its way.",
    ),
    (
        "summarize",
        "summaries",
        "Summarize: inference components share one endpoint between many models.",
        "Many models, one endpoint: each gets its own compute and scales on its own.",
    ),
)

#: Polls every 0.1-0.4 s: the emulator's state changes take well under two seconds.
DEMO_POLICY = WaitPolicy(
    backoff=Backoff(initial=0.15, multiplier=1.5, max_delay=0.4, min_delay=0.05, jitter=0.5),
    timeout=120.0,
    not_found_grace=5.0,
)


def demo_delays(seconds: float) -> Delays:
    """How long the emulator's state changes take, scaled from one number."""
    return Delays(
        endpoint_create=2.0 * seconds,
        endpoint_delete=seconds,
        component_create=1.5 * seconds,
        component_update=1.2 * seconds,
        component_delete=0.8 * seconds,
    )


def adapter_name(suffix: str) -> str:
    return f"{MODEL}-{suffix}"


@attrs.frozen(kw_only=True)
class Invoked:
    """One answered invocation."""

    component: str
    prompt: str
    answer: str
    milliseconds: float


@attrs.define(kw_only=True)
class DemoSummary:
    """What the demo did, for its closing summary (and ``--output json``)."""

    endpoint: str = ENDPOINT
    base: str = BASE
    adapters: list[str] = attrs.Factory(list)
    problems_caught: int = 0
    invocations: list[Invoked] = attrs.Factory(list)
    copies: tuple[int, int] = (0, 0)
    describe_polls: int = 0
    #: (step, seconds on the demo's clock)
    steps: list[tuple[str, float]] = attrs.Factory(list)
    seconds: float = 0.0
    components_left: int = -1

    def to_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "base": self.base,
            "adapters": list(self.adapters),
            "problems_caught": self.problems_caught,
            "invocations": [attrs.asdict(i) for i in self.invocations],
            "copies": {"before": self.copies[0], "after": self.copies[1]},
            "describe_polls": self.describe_polls,
            "steps": [{"step": s, "seconds": round(t, 3)} for s, t in self.steps],
            "seconds": round(self.seconds, 3),
            "components_left": self.components_left,
        }


def _answer_with(text: str) -> Callable[[Invocation], Any]:
    """An emulator handler answering like a text-generation container with an adapter."""

    async def handler(invocation: Invocation) -> Reply:
        body = {
            "generated_text": text,
            "adapter": invocation.inference_component_name,
            "base": invocation.base_inference_component_name,
        }
        return Reply(body=json.dumps(body).encode())

    return handler


class _Counting:
    """A tracker that also counts describe polls."""

    def __init__(self, inner: Tracker, summary: DemoSummary) -> None:
        self._inner = inner
        self._summary = summary
        self._seen: dict[str, int] = {}

    def on_event(self, event: WaiterEvent) -> None:
        key = f"{event.name}/{event.until}"
        self._summary.describe_polls += event.describes - self._seen.get(key, 0)
        self._seen[key] = event.describes
        self._inner.on_event(event)


def _labelled(tracker: Tracker) -> Callable[[WaiterEvent], None]:
    """Report an endpoint's waiter events as ``endpoint NAME``."""

    def on_event(event: WaiterEvent) -> None:
        tracker.on_event(attrs.evolve(event, name=f"endpoint {event.name}"))

    return on_event


async def run_demo(
    reporter: Reporter,
    *,
    delay: float = 0.4,
    clock: Clock | None = None,
) -> DemoSummary:
    """Run the whole demo, reporting each step; the summary of what happened.

    ``delay`` scales how long the emulator's state changes take (see :func:`demo_delays`);
    ``clock`` drives both the emulator and the waits (a ``FakeClock`` in tests).
    """
    clock = clock or SystemClock()
    summary = DemoSummary()
    started = clock.now()

    async with LocalSageMaker(clock=clock, delays=demo_delays(delay)) as sm:
        reporter.step(f"LocalSageMaker is serving on {sm.endpoint_url} (in this process, offline)")
        for suffix, _, _, answer in ADAPTERS:
            sm.set_handler(adapter_name(suffix), _answer_with(answer))
        async with InferenceComponentClient(
            endpoint_url=sm.endpoint_url,
            runtime_endpoint_url=sm.runtime_endpoint_url,
            region=sm.region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            wait_policy=DEMO_POLICY,
            clock=clock,
        ) as client:
            await _flow(reporter, client, clock, summary)
    summary.seconds = clock.now() - started
    _print_summary(reporter, summary)
    return summary


async def _flow(
    reporter: Reporter,
    client: InferenceComponentClient,
    clock: Clock,
    summary: DemoSummary,
) -> None:
    mark = clock.now()

    def done(step: str) -> None:
        nonlocal mark
        now = clock.now()
        summary.steps.append((step, now - mark))
        mark = now

    # -- 1. mistakes are caught before anything is sent ---------------------------------
    reporter.step("Checking a spec with mistakes (nothing is sent)")
    broken = {
        "InferenceComponentName": "llama_3_8b_sql",
        "EndpointName": ENDPOINT,
        "Specification": {
            "BaseInferenceComponentName": BASE,
            "Container": {"ArtifactUrl": "ftp://ic-sdk-demo/adapters/sql"},
            "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 64},
        },
    }
    problems = validate(broken, models.CreateInferenceComponentInput)
    summary.problems_caught = len(problems)
    reporter.note("\n".join(f"{p.path}: {p.message} [{p.rule}]" for p in problems))
    done("validate a broken spec")

    # -- 2. model, endpoint config, endpoint -----------------------------------------------
    reporter.step(f"Creating model {MODEL} and endpoint config {CONFIG}")
    # Any SageMaker operation, typed: its input model in, its output model out.
    await client.call(
        models.CreateModelInput(
            model_name=MODEL,
            primary_container=models.ContainerDefinition(image=IMAGE, model_data_url=MODEL_DATA),
            execution_role_arn=ROLE_ARN,
        )
    )
    # An endpoint for inference components: an execution role, no model on the variant.
    plan = ic_endpoint(
        ENDPOINT,
        config_name=CONFIG,
        instance_type=INSTANCE_TYPE,
        execution_role_arn=ROLE_ARN,
        variant_name=VARIANT,
    )
    await client.create_endpoint(plan)
    reporter.note(f"variant {VARIANT}: 1 x {INSTANCE_TYPE}, no ModelName (hosts components)")
    reporter.step(f"Creating endpoint {ENDPOINT}")
    with reporter.tracking() as tracker:
        await client.wait_until_endpoint_in_service(ENDPOINT, on_event=_labelled(tracker))
    done("endpoint InService")

    # -- 3. the base component ----------------------------------------------------------------
    reporter.step(f"Creating base component {BASE} (1 GPU, 4 vCPU, 24 GiB per copy)")
    base = base_component(
        name=BASE,
        endpoint_name=ENDPOINT,
        variant_name=VARIANT,
        model_name=MODEL,
        memory_mb=24_576,
        cpu_cores=4,
        accelerators=1,
        copies=1,
        model_download_timeout_s=900,
        tags={"project": "ic-sdk-demo"},
    )
    await client.create(base)
    with reporter.tracking() as tracker:
        counting = _Counting(tracker, summary)
        await client.wait_until_in_service(BASE, on_event=counting.on_event)
    done("base component InService")

    # -- 4. three LoRA adapters, created and awaited concurrently -------------------------
    names = [adapter_name(suffix) for suffix, *_ in ADAPTERS]
    reporter.step(f"Creating {len(names)} LoRA adapters on {BASE}")
    specs = [
        adapter_component(
            name=adapter_name(suffix),
            endpoint_name=ENDPOINT,
            base_component_name=BASE,
            artifact_url=f"s3://ic-sdk-demo/adapters/{suffix}/",
        )
        for suffix, *_ in ADAPTERS
    ]
    with reporter.tracking() as tracker:
        counting = _Counting(tracker, summary)
        results = await client.create_many(specs, wait=True, on_event=counting.on_event)
    for result in results:
        if result.error is not None:
            raise result.error
    summary.adapters = names
    done("3 adapters InService")

    # -- 5. invoke each adapter ------------------------------------------------------------
    reporter.step("Invoking each adapter")
    rows: list[list[object]] = []
    for (suffix, purpose, prompt, _), name in zip(ADAPTERS, names, strict=True):
        began = time.perf_counter()
        answer = await client.invoke(
            name,
            json.dumps({"inputs": prompt, "parameters": {"max_new_tokens": 128}}),
            content_type="application/json",
            accept="application/json",
        )
        ms = (time.perf_counter() - began) * 1000
        text = str(json.loads(answer.body or b"{}").get("generated_text", ""))
        summary.invocations.append(
            Invoked(component=name, prompt=prompt, answer=text, milliseconds=round(ms, 1))
        )
        rows.append([suffix, purpose, _clip(text, 60), f"{ms:.0f} ms"])
    reporter.table(["adapter", "tuned for", "answer", "latency"], rows)
    done("3 invocations")

    # -- 6. scale the base ---------------------------------------------------------------------
    reporter.step(f"Scaling {BASE} to 2 copies (the adapters scale with it)")
    with reporter.tracking() as tracker:
        counting = _Counting(tracker, summary)
        scaled = await client.scale_and_wait(BASE, 2, on_event=counting.on_event)
    after = scaled.runtime_config.current_copy_count if scaled.runtime_config else None
    summary.copies = (1, after or 0)
    done("base scaled to 2 copies")

    listing = [
        s
        async for s in client.list(
            endpoint_name_equals=ENDPOINT, sort_by="Name", sort_order="Ascending"
        )
    ]
    reporter.step(f"Inference components on {ENDPOINT}")
    reporter.table(
        ["name", "status", "variant"],
        [
            [s.inference_component_name, s.inference_component_status, s.variant_name]
            for s in listing
        ],
    )

    # -- 7. tear down in the order the service requires ----------------------------------------
    reporter.step("Tearing down: adapters, base, endpoint, endpoint config, model")
    with reporter.tracking() as tracker:
        counting = _Counting(tracker, summary)
        endpoint_events = _labelled(tracker)

        def on_teardown(event: TeardownEvent) -> None:
            if event.waiter is None:
                return
            if event.resource == "endpoint":
                endpoint_events(event.waiter)
            else:
                counting.on_event(event.waiter)

        # Adapters, then the base, then the endpoint and its config, waiting for each.
        await client.teardown(ENDPOINT, on_event=on_teardown)
    await client.call(models.DeleteModelInput(model_name=MODEL))
    summary.components_left = len([s async for s in client.list()])
    done("everything deleted")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_summary(reporter: Reporter, summary: DemoSummary) -> None:
    reporter.step("Summary")
    reporter.table(["step", "time"], [[step, f"{secs:.1f}s"] for step, secs in summary.steps])
    before, after = summary.copies
    reporter.note(
        f"{1 + len(summary.adapters)} inference components (1 base, {len(summary.adapters)} "
        f"LoRA adapters) on one endpoint; {summary.problems_caught} mistakes caught before "
        f"sending; {len(summary.invocations)} invocations answered; base scaled "
        f"{before} -> {after} copies; {summary.describe_polls} describe polls; "
        f"{summary.components_left} components left after teardown."
    )
    reporter.note(f"Done in {summary.seconds:.1f}s against LocalSageMaker.")
