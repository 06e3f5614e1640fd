"""Full model generation time, against datamodel-code-generator on the same JSON Schema.

The numbers behind rendering models from our IR rather than through
datamodel-code-generator (see codegen/render.py): the baseline renders the SageMaker
JSON Schema that ``codegen`` ships into one plain-dataclass file, with none of the
metadata, docs or per-shape modules ic_sdk needs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _util import row

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    print("== bench_codegen ==")
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "codegen", "--check"], cwd=ROOT, check=True, capture_output=True
    )
    ours = time.perf_counter() - start
    row("python -m codegen --check (both services, format, diff)", f"{ours:.1f} s", "")
    exe = shutil.which("datamodel-codegen", path=str(Path(sys.executable).parent))
    if exe is None:
        row("datamodel-codegen not installed: no baseline", "-")
        return
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run(
            [
                exe,
                "--input",
                str(ROOT / "src/ic_sdk/schemas/sagemaker.json"),
                "--input-file-type",
                "jsonschema",
                "--output",
                str(Path(tmp) / "models.py"),
                "--output-model-type",
                "dataclasses.dataclass",
                "--output-datetime-class",
                "datetime",
                "--disable-timestamp",
            ],
            check=True,
            capture_output=True,
        )
        theirs = time.perf_counter() - start
    row("datamodel-codegen, sagemaker only, plain dataclasses", f"{theirs:.1f} s", "1.00")
    row("ratio codegen / datamodel-codegen", "", f"{ours / theirs:.2f}")


if __name__ == "__main__":
    main()
