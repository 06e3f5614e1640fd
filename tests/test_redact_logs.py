"""Secrets stay out of logs: every logger at DEBUG (botocore's included) during a full flow."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

import ic_sdk
from ic_sdk import _redact
from ic_sdk.builders import base_component, update_component
from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker
from tests.client_support import (
    IMAGE,
    SECRET,
    VARIANT,
    adapter,
    facade,
    make_endpoint,
    raw_client,
)

TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+SESSIONTOKENSECRET"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
SHORT_SECRET = "pw1"  # too short to search for: caught where it appears as an Environment value


class Everything(logging.Handler):
    """Keeps every record's final text (message and traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        self.names: set[str] = set()
        self.setFormatter(logging.Formatter("%(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.names.add(record.name)
        self.texts.append(self.format(record))


@pytest.fixture
def everything() -> Iterator[Everything]:
    handler = Everything()
    root = logging.getLogger()
    old_level = root.level
    touched = {name: logging.getLogger(name).level for name in _redact.REDACTED_LOGGERS}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in touched:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for name, level in touched.items():
            logging.getLogger(name).setLevel(level)


def leaks(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        if (
            any(s in text for s in (SECRET, TOKEN, SECRET_KEY, "SESSIONTOKENSECRET"))
            or re.search(r"Signature[=:]\s*[0-9a-f]{64}", text)
            or re.search(rf"""["']{SHORT_SECRET}["']""", text)
        ):
            found.append(text)
    return found


async def test_a_full_flow_at_debug_logs_no_secret(everything: Everything) -> None:
    clock = FakeClock()
    async with LocalSageMaker(clock=clock) as sm:
        async with raw_client(sm) as raw:
            await make_endpoint(raw, clock)
        sm.faults.throttle(times=1, operations="CreateInferenceComponent")
        sm.faults.lose_answers("UpdateInferenceComponent", times=1)
        before = len(everything.texts)  # the raw client above is not ic_sdk's business
        async with facade(
            sm, clock, aws_secret_access_key=SECRET_KEY, aws_session_token=TOKEN
        ) as client:
            spec = base_component(
                name="base",
                endpoint_name="ep",
                variant_name=VARIANT,
                copies=1,
                memory_mb=8192,
                cpu_cores=4,
                accelerators=1,
                image=IMAGE,
                environment={"HF_TOKEN": SECRET, "DB_PASSWORD": SHORT_SECRET},
            )
            await client.create_and_wait(spec)
            await client.create_many([adapter("lora-1")], wait=True)
            await client.invoke("lora-1", b'{"inputs": "hi"}')
            await client.update_and_wait(update_component(name="base", copies=2))
            await client.scale_and_wait("base", 1)
            await client.describe("base")
            await client.delete_and_wait("lora-1")
            await client.delete_and_wait("base")
    texts = everything.texts[before:]
    assert len(texts) > 100
    assert any(n.startswith("botocore.") for n in everything.names)
    assert any("Environment" in t for t in texts)  # the bodies were logged
    assert any(_redact.MASK in t for t in texts)
    assert leaks(texts) == []


async def test_redaction_ends_with_the_last_client(
    everything: Everything, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Counted from zero whatever an earlier test left open.
    monkeypatch.setattr(_redact, "_users", 0)
    logger = logging.getLogger("botocore.endpoint")
    with _redact.redacting_logs([SECRET]):
        with _redact.redacting_logs():
            logger.debug("sent %s", SECRET)
        logger.debug("sent %s", SECRET)
    logger.debug("after: %s", "Signature=" + "a" * 64)
    ours = [t for t in everything.texts if t.startswith("botocore.endpoint")]
    assert ours[:2] == [f"botocore.endpoint sent {_redact.MASK}"] * 2
    assert ours[2].endswith("a" * 64)  # nothing redacted once all are closed


def test_scrub_patterns() -> None:
    with _redact.redacting_logs():
        scrub = _redact._FILTER.scrub
        body = b'{"Container": {"Environment": {"A": "x1", "B": "with \\"quote\\""}}}'
        assert "x1" not in scrub(repr(body))
        assert "quote" not in scrub(repr(body))
        assert "x1" not in scrub(str({"Environment": {"A": "x1"}}))
        assert "zz9" not in scrub("{'X-Amz-Security-Token': b'zz9123'}")
        assert "zz9" not in scrub("x-amz-security-token:zz9123\nhost:x")
        assert "abcd" not in scrub("Signature:\n" + "abcd" * 16)
        assert scrub("nothing secret") == "nothing secret"


async def test_a_client_that_fails_to_start_stops_redacting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    before = _redact._users
    with pytest.raises(ic_sdk.IcSdkError):
        async with ic_sdk.InferenceComponentClient(profile="no-such-profile"):
            pass
    assert _redact._users == before
