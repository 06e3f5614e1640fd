"""Importing ic_sdk and one shape loads that shape's module, not the 1,900 others.

Shape modules are loaded through importlib on first use, so ``python -X importtime``
does not show them; this counts them in ``sys.modules`` (``benchmarks/bench_models.py``
publishes the same count).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BOUND = 10  # generous: today 1


def _loaded(code: str) -> list[str]:
    probe = (
        f"{code}\nimport sys\n"
        "print(*sorted(m for m in sys.modules"
        " if m.startswith('ic_sdk.models.') and '._shapes.' in m))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_importing_the_describe_shape_loads_few_shape_modules() -> None:
    loaded = _loaded("import ic_sdk\nfrom ic_sdk.models import DescribeInferenceComponentOutput")
    assert any(m.endswith(".describe_inference_component_output") for m in loaded), loaded
    assert len(loaded) <= BOUND, loaded


def test_importing_ic_sdk_alone_loads_no_shape_module_nor_aiobotocore() -> None:
    probe = "import ic_sdk, sys\nassert 'aiobotocore' not in sys.modules, 'aiobotocore'"
    assert _loaded(probe) == []


#: What ``ic-sdk validate`` must not import: it is a start-up-time command.
HEAVY = {"asyncio", "aiobotocore", "ic_sdk.autoscaling", "ic_sdk.client"}


def _heavy_after_validate(*argv: str) -> list[str]:
    """The :data:`HEAVY` modules loaded by ``ic-sdk validate *argv`` (which must pass)."""
    probe = (
        "import sys\n"
        "from ic_sdk.cli import main\n"
        f"assert main(['validate', *{list(argv)!r}]) == 0\n"
        f"print(*sorted(set({sorted(HEAVY)!r}) & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()[-1].split()


def test_cli_validate_imports_no_client_machinery() -> None:
    # No asyncio, client or autoscaling code.
    assert _heavy_after_validate("examples/specs/base.yaml") == []


def test_cli_validate_of_a_spec_with_autoscaling_imports_no_client_machinery(
    tmp_path: Path,
) -> None:
    # Its Autoscaling value is checked by the pure half of ic_sdk.autoscaling.
    spec = tmp_path / "scaled.yaml"
    base = Path("examples/specs/base.yaml").read_text(encoding="utf-8")
    spec.write_text(base + "Autoscaling:\n  MinCopies: 5\n  MaxCopies: 2\n  TargetValue: 4\n")
    assert _heavy_after_validate(str(spec), "--ignore", "autoscaling.bounds") == []
