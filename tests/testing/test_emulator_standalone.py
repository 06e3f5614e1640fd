"""boto3 (sync, in a thread) against the emulator, and ``python -m ic_sdk.testing``."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ic_sdk.testing import Delays, LocalSageMaker
from ic_sdk.testing.__main__ import main
from tests.testing.emulator_support import adapter_request, base_request, ic_endpoint_config

DELAY = 0.02  # real seconds per state change: short, but real


def clients(url: str) -> tuple[Any, Any]:
    """Plain boto3 clients (one session: it parses the service models once)."""
    session = boto3.session.Session()
    options: dict[str, Any] = {
        "endpoint_url": url,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "verify": False,  # plain HTTP: skip loading the CA bundle
        "config": Config(retries={"mode": "standard", "total_max_attempts": 1}),
    }
    return session.client("sagemaker", **options), session.client("sagemaker-runtime", **options)


def wait_for(describe: Any, key: str, wanted: str, **kwargs: Any) -> dict[str, Any]:
    deadline = time.monotonic() + 5
    while True:
        described: dict[str, Any] = describe(**kwargs)
        if described[key] == wanted or time.monotonic() > deadline:
            assert described[key] == wanted
            return described
        time.sleep(DELAY / 2)


def wait_gone(describe: Any, **kwargs: Any) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            describe(**kwargs)
        except ClientError as exc:
            error = exc.response["Error"]
            break
        time.sleep(DELAY / 2)
    else:
        raise AssertionError(f"still there: {kwargs}")
    assert error["Code"] == "ValidationException"
    assert error["Message"].startswith("Could not find")


def boto3_flow(url: str) -> None:
    """The whole lifecycle through plain boto3 clients."""
    sagemaker, runtime = clients(url)
    sagemaker.create_endpoint_config(**ic_endpoint_config("c"))
    sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="c")
    assert sagemaker.describe_endpoint(EndpointName="ep")["EndpointStatus"] == "Creating"
    wait_for(sagemaker.describe_endpoint, "EndpointStatus", "InService", EndpointName="ep")

    with pytest.raises(ClientError, match="copy count an integer larger than 0"):
        sagemaker.create_inference_component(**base_request("base", "ep", copies=0))
    sagemaker.create_inference_component(**base_request("base", "ep"))
    describe_ic = sagemaker.describe_inference_component
    assert describe_ic(InferenceComponentName="base")["InferenceComponentStatus"] == "Creating"
    wait_for(describe_ic, "InferenceComponentStatus", "InService", InferenceComponentName="base")
    sagemaker.create_inference_component(**adapter_request("adapter", "ep", "base"))
    wait_for(describe_ic, "InferenceComponentStatus", "InService", InferenceComponentName="adapter")

    answer = runtime.invoke_endpoint(EndpointName="ep", InferenceComponentName="base", Body=b"1")
    assert json.loads(answer["Body"].read())["inference_component"] == "base"
    streamed = runtime.invoke_endpoint_with_response_stream(
        EndpointName="ep", InferenceComponentName="adapter", Body=b"2"
    )
    parts = [event["PayloadPart"]["Bytes"] for event in streamed["Body"]]
    assert json.loads(b"".join(parts))["base_inference_component"] == "base"
    with pytest.raises(ClientError, match="Inference Component Name header is required"):
        runtime.invoke_endpoint(EndpointName="ep", Body=b"{}")

    sagemaker.update_inference_component_runtime_config(
        InferenceComponentName="base", DesiredRuntimeConfig={"CopyCount": 2}
    )
    assert describe_ic(InferenceComponentName="base")["InferenceComponentStatus"] == "Updating"
    scaled = wait_for(
        describe_ic, "InferenceComponentStatus", "InService", InferenceComponentName="base"
    )
    assert scaled["RuntimeConfig"]["CurrentCopyCount"] == 2
    sagemaker.update_inference_component(
        InferenceComponentName="base",
        Specification=base_request("base", "ep", memory=16384)["Specification"],
        DeploymentConfig={
            "RollingUpdatePolicy": {
                "MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 50},
                "WaitIntervalInSeconds": 0,
            }
        },
    )
    updated = wait_for(
        describe_ic, "InferenceComponentStatus", "InService", InferenceComponentName="base"
    )
    assert updated["LastDeploymentConfig"]["RollingUpdatePolicy"]["MaximumBatchSize"]["Value"] == 50

    with pytest.raises(ClientError, match="is a base inference component for one or more"):
        sagemaker.delete_inference_component(InferenceComponentName="base")
    sagemaker.delete_inference_component(InferenceComponentName="adapter")
    with pytest.raises(ClientError, match="DELETE_IN_PROGRESS"):
        sagemaker.delete_inference_component(InferenceComponentName="adapter")
    wait_gone(describe_ic, InferenceComponentName="adapter")
    sagemaker.delete_inference_component(InferenceComponentName="base")
    wait_gone(describe_ic, InferenceComponentName="base")
    sagemaker.delete_endpoint(EndpointName="ep")
    wait_gone(sagemaker.describe_endpoint, EndpointName="ep")


async def test_boto3_in_a_thread_against_the_running_emulator() -> None:
    async with LocalSageMaker(delays=Delays.uniform(DELAY)) as sm:
        await asyncio.to_thread(boto3_flow, sm.endpoint_url)


@pytest.fixture
def standalone() -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "ic_sdk.testing", "--port", "0", "--delay", str(DELAY)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        match = re.search(r"serving on (http://127\.0\.0\.1:\d+) ", banner)
        assert match, (banner, process.stderr.read() if process.stderr else "")
        url = match[1]
        hint = process.stdout.readline()  # read now: communicate() skips buffered lines
        assert hint == (
            f"  export AWS_ENDPOINT_URL={url} AWS_DEFAULT_REGION=us-east-1 "
            "AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing\n"
        )
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()  # reaps it and closes the pipes


def test_boto3_against_the_standalone_server(
    standalone: tuple[subprocess.Popen[str], str],
) -> None:
    process, url = standalone
    boto3_flow(url)
    process.send_signal(signal.SIGINT)  # Ctrl-C
    stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert stdout == "LocalSageMaker stopped\n"
    assert stderr == ""


def test_standalone_reports_a_taken_port(
    standalone: tuple[subprocess.Popen[str], str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, url = standalone
    port = url.rsplit(":", 1)[1]
    assert main(["--port", port]) == 1
    assert capsys.readouterr().err.startswith(f"error: cannot serve on 127.0.0.1:{port}: ")
