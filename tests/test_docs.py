"""The docs: Python snippets run as written, and the generated models reference is complete.

Every page's Python snippets run in order, in one namespace (as a reader pastes them
into ``python -m asyncio``), against a LocalSageMaker that ``AWS_ENDPOINT_URL`` points
at: ``InferenceComponentClient(region="us-east-1")`` as written reaches the emulator.
Clients built without a clock wait on the emulator's FakeClock, so a page's waits take
no real time. ``GIVEN`` holds what a page's prose says exists before its first snippet. Every
snippet runs: there is no list of exceptions.

``mkdocs build --strict`` (``nox -s docs``) checks links and the rendering; these tests
run without mkdocs installed.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import io
import re
from pathlib import Path
from types import ModuleType

import attrs
import pytest

from ic_sdk import models
from tests.cli_support import Emulator
from tests.file_support import load_script

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^```python\n(.*?)^```", re.M | re.S)


def snippets() -> list[tuple[str, int, str]]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            found.append((str(page.relative_to(ROOT)), line, match[1]))
    return found


@pytest.mark.parametrize(("page", "line", "code"), snippets(), ids=lambda v: str(v)[:40])
def test_python_snippets_compile(page: str, line: int, code: str) -> None:
    try:
        compile(code, f"{page}:{line}", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError as exc:
        pytest.fail(f"{page}:{line + (exc.lineno or 1) - 1}: {exc.msg}")


IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124"
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"

#: The endpoint most pages deploy on, created before their first snippet (``GIVEN_ENDPOINT``).
_ENDPOINT = f"""
import ic_sdk
async with ic_sdk.InferenceComponentClient(region="us-east-1") as _c:
    await _c.create_endpoint_and_wait(
        ic_sdk.ic_endpoint("shared-gpu", instance_type="ml.g5.12xlarge", execution_role_arn={ROLE!r})
    )
"""

#: Pages whose prose says an IC-ready endpoint ``shared-gpu`` exists.
GIVEN_ENDPOINT = {
    "docs/guides/adapters.md",
    "docs/guides/guarantees.md",
    "docs/guides/validation-rules.md",
    "docs/guides/waiters.md",
    "docs/index.md",
}

#: What a page's prose introduces before its snippets use it.
GIVEN: dict[str, str] = {
    "docs/guides/validation-rules.md": f"""
import ic_sdk
request = ic_sdk.base_component(name="m", endpoint_name="shared-gpu", image={IMAGE!r}, memory_mb=1024)
request_dict = ic_sdk.serde.converter.unstructure(request)
""",
}


def pages_with_snippets() -> list[str]:
    return sorted({page for page, _, _ in snippets()})


@pytest.fixture
def docs_env(
    emu: Emulator,
    monkeypatch: pytest.MonkeyPatch,
) -> Emulator:
    from ic_sdk import client

    monkeypatch.setenv("AWS_ENDPOINT_URL", emu.url)
    monkeypatch.setattr(client, "SystemClock", lambda: emu.clock)
    return emu


def _run(code: str, where: str, namespace: dict[str, object], runner: asyncio.Runner) -> None:
    compiled = compile(code, where, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    if compiled.co_flags & inspect.CO_COROUTINE:
        runner.run(eval(compiled, namespace))
    else:
        exec(compiled, namespace)


@pytest.mark.parametrize("page", pages_with_snippets())
def test_page_snippets_run_against_the_emulator(page: str, docs_env: Emulator) -> None:
    namespace: dict[str, object] = {"__name__": "__docs__"}
    with asyncio.Runner() as runner, contextlib.redirect_stdout(io.StringIO()):
        if page in GIVEN_ENDPOINT:
            _run(_ENDPOINT, f"{page}:given endpoint", namespace, runner)
        if page in GIVEN:
            _run(GIVEN[page], f"{page}:given", namespace, runner)
        for snippet_page, line, code in snippets():
            if snippet_page != page:
                continue
            try:
                _run(code, f"{page}:{line}", namespace, runner)
            except Exception as exc:
                pytest.fail(f"{page}:{line}: {type(exc).__name__}: {exc}")


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    return load_script("docs/hooks/models_reference.py")


def test_models_reference_covers_the_inference_component_shapes(hook: ModuleType) -> None:
    pages = hook.generated_pages()
    page = pages["reference/models/inference-components.md"]
    for name in [
        "CreateInferenceComponentInput",
        "DescribeInferenceComponentOutput",
        "UpdateInferenceComponentInput",
        "ListInferenceComponentsOutput",
        "InferenceComponentSpecification",
        "InferenceComponentContainerSpecification",
        "InferenceComponentComputeResourceRequirements",
        "InferenceComponentRuntimeConfig",
        "InferenceComponentDeploymentConfig",
        "InferenceComponentRollingUpdatePolicy",
        "InferenceComponentStatus",
    ]:
        assert f"## {name} {{#{name}}}" in page, name
    # every field of a documented shape, with its wire name and constraints
    for field in attrs.fields(models.InferenceComponentComputeResourceRequirements):
        if not field.metadata.get("unknown"):
            assert f"| `{field.name}` | `{field.metadata['wire']}` |" in page
    assert (
        "| `min_memory_required_in_mb` | `MinMemoryRequiredInMb` | int | **yes** | ≥ 128 |" in page
    )
    assert "pattern `(https|s3)://([^/]+)/?(.*)`" in page  # pipes inside code spans stay
    assert "[InferenceComponentSpecification](#InferenceComponentSpecification) \\| None" in page
    runtime = pages["reference/models/runtime.md"]
    assert "## InvokeEndpointInput {#InvokeEndpointInput}" in runtime


def test_all_shapes_index_lists_every_model_name(hook: ModuleType) -> None:
    page = hook.generated_pages()["reference/models/all-shapes.md"]
    rows = set(re.findall(r"^\| (?:\[(\w+)\]\([^)]*\)|`(\w+)`) \|", page, re.M))
    names = {a or b for a, b in rows}
    assert names == set(models.__all__) - {"runtime"}
    assert (
        "| [InferenceComponentStatus](inference-components.md#InferenceComponentStatus) | enum |"
        in page
    )
    assert "| `EndpointName` | alias | `str` |" in page


def test_sphinx_roles_become_code(hook: ModuleType) -> None:
    html = "see :class:<code>~ic_sdk.errors.ValidationError</code> and :func:<code>ic_sdk.validate</code>"
    assert hook.on_page_content(html, None, None, None) == (
        "see <code>ValidationError</code> and <code>ic_sdk.validate</code>"
    )
