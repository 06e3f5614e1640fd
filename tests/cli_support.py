"""Helpers for the CLI tests: a LocalSageMaker on a background thread, spec texts.

``main`` runs its own event loop (``asyncio.run``), so the emulator serves from a thread
with a loop of its own. Emulator and CLI share one FakeClock: a ``--wait`` moves the
emulator's time on as it polls, and nothing sleeps on the wall clock.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiobotocore.session import AioSession

from ic_sdk.cli import _commands, main
from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "examples" / "specs"
ROLE_ARN = "arn:aws:iam::123456789012:role/SageMakerRole"
SECRET = "hf_do_not_print_me"
#: One aiobotocore session for the CLI's clients in these tests (it caches the service
#: models, which take a quarter second to load).
SESSION = AioSession()


class Emulator:
    """A LocalSageMaker serving from a background thread, on a FakeClock."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.sm = LocalSageMaker(clock=self.clock)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="emulator", daemon=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._open())
        self._ready.set()
        self._loop.run_forever()

    async def _open(self) -> None:
        from aiobotocore.session import AioSession

        await self.sm.start()
        self._client = AioSession().create_client("sagemaker", **self.sm.client_kwargs("sagemaker"))
        self._sagemaker = await self._client.__aenter__()

    async def _close(self) -> None:
        await self._client.__aexit__(None, None, None)
        await self.sm.stop()

    def start(self) -> None:
        self._thread.start()
        assert self._ready.wait(10), "the emulator did not start"

    def stop(self) -> None:
        self.run(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    def call(self, method: str, **request: Any) -> dict[str, Any]:
        """A plain aiobotocore SageMaker call, e.g. ``call("create_endpoint", ...)``."""

        async def go() -> dict[str, Any]:
            answer: dict[str, Any] = await getattr(self._sagemaker, method)(**request)
            return answer

        return self.run(go())

    @property
    def url(self) -> str:
        return self.sm.endpoint_url

    def endpoint(self, name: str = "shared-gpu") -> str:
        """An InService endpoint that hosts inference components (1 x ml.g5.12xlarge)."""
        self.call(
            "create_endpoint_config",
            EndpointConfigName=f"{name}-config",
            ExecutionRoleArn=ROLE_ARN,
            ProductionVariants=[
                {
                    "VariantName": "AllTraffic",
                    "InstanceType": "ml.g5.12xlarge",
                    "InitialInstanceCount": 1,
                }
            ],
        )
        self.call("create_endpoint", EndpointName=name, EndpointConfigName=f"{name}-config")
        self.clock.advance(5)
        return name

    def status(self, name: str) -> str:
        self.clock.advance(0)
        return str(
            self.call("describe_inference_component", InferenceComponentName=name)[
                "InferenceComponentStatus"
            ]
        )


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real AWS settings leak in; fake credentials that LocalSageMaker accepts."""
    for var in list(os.environ):
        if var.startswith("AWS_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # One attempt: botocore's retries of an unreachable endpoint sleep in real time.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    # ic_sdk's own retries (transient errors, until a deadline) run on a FakeClock; the
    # emu fixture replaces it with the emulator's.
    monkeypatch.setattr(_commands, "_CLOCK", FakeClock())


@pytest.fixture
def emu(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    emulator = Emulator()
    emulator.start()
    monkeypatch.setattr(_commands, "_CLOCK", emulator.clock)
    monkeypatch.setattr(_commands, "_SESSION", SESSION)
    try:
        yield emulator
    finally:
        emulator.stop()


def cli(emu: Emulator, *argv: str) -> int:
    return main(["--endpoint-url", emu.url, "--plain", *argv])


def cli_json(emu: Emulator, capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """``ic-sdk --output json ARGV``: asserts it exits 0 and returns what it printed."""
    assert cli(emu, "--output", "json", *argv) == 0
    return json.loads(capsys.readouterr().out)


def steps(out: str) -> list[str]:
    """The ``==> `` step lines of a command's output, without the marker."""
    return [line[4:] for line in out.splitlines() if line.startswith("==> ")]


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


BASE_YAML = f"""\
InferenceComponentName: llama-base
EndpointName: shared-gpu
VariantName: AllTraffic
Specification:
  Container:
    Image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124
    Environment:
      HF_TOKEN: {SECRET}
  ComputeResourceRequirements:
    NumberOfCpuCoresRequired: 4
    NumberOfAcceleratorDevicesRequired: 1
    MinMemoryRequiredInMb: 16384
RuntimeConfig:
  CopyCount: 1
"""

ADAPTER_YAML = """\
InferenceComponentName: llama-sql
EndpointName: shared-gpu
Specification:
  BaseInferenceComponentName: llama-base
  Container:
    ArtifactUrl: s3://adapters/llama-sql/
"""


def no_traceback(err: str) -> None:
    assert "Traceback" not in err
    assert err.startswith("error: "), err
