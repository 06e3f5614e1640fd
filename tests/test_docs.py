"""The docs: Python snippets compile, and the generated models reference is complete.

``mkdocs build --strict`` (``nox -s docs``) checks links and the rendering; these tests
run without mkdocs installed.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import attrs
import pytest

from ic_sdk import models

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


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    path = ROOT / "docs" / "hooks" / "models_reference.py"
    spec = importlib.util.spec_from_file_location("models_reference", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
