"""``ic_sdk.__all__`` is exactly the public names, sorted, and each one resolves."""

from __future__ import annotations

import subprocess
import sys

import ic_sdk


def test_all_is_sorted_and_complete() -> None:
    assert ic_sdk.__all__ == sorted(ic_sdk.__all__)
    public = {n for n in dir(ic_sdk) if not n.startswith("_")} - {"annotations", "importlib"}
    assert set(ic_sdk.__all__) <= public
    for name in ic_sdk.__all__:
        assert getattr(ic_sdk, name) is not None, name


def test_every_public_name_has_the_public_module_path() -> None:
    for name in ic_sdk.__all__:
        obj = getattr(ic_sdk, name)
        module = getattr(obj, "__module__", None) or obj.__name__
        assert module.startswith("ic_sdk"), (name, module)


def test_import_is_cheap_and_loads_no_aws_client() -> None:
    code = (
        "import sys, ic_sdk; from ic_sdk.models import DescribeInferenceComponentOutput;"
        "print(sorted(m for m in ('aiobotocore', 'botocore', 'asyncio', 'ic_sdk.client')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
