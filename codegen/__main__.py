"""``python -m codegen [--check] [--root DIR]``: regenerate ic_sdk's models and schemas."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from codegen import ir, load, operations, patterns, render, schema, write

ROOT = Path(__file__).resolve().parent.parent

MODELS_DOC = """Every shape of the Amazon SageMaker service model (API {api}) as typed Python.

Structures are attrs classes (``frozen=True, kw_only=True, slots=True``), string enums
are ``enum.StrEnum``, every other shape is a type alias; each is named exactly as the
botocore shape. Names load lazily: importing one touches only its own module.
Field metadata carries the wire name and the constraints (see ``ic_sdk.serde`` and
``ic_sdk.validate``). The runtime service's shapes are in :mod:`ic_sdk.models.runtime`."""

RUNTIME_DOC = """Every shape of the Amazon SageMaker Runtime service model (API {api}) as typed Python.

Same conventions as :mod:`ic_sdk.models`."""

#: Spec-file schemas shipped beside the full service schema: (file stem, root shape).
SPEC_SCHEMAS = (
    ("create-inference-component", "CreateInferenceComponentInput"),
    ("update-inference-component", "UpdateInferenceComponentInput"),
)


def generate_package(service: ir.Service, doc: str) -> dict[str, str]:
    """One service's model package alone (used by the golden test's fixture service)."""
    files = render.render_service(schema.service_schema(service), service.botocore_version, doc)
    files["_patterns.py"] = render.render_patterns([service])
    return files


def generate() -> dict[str, str]:
    """Every generated file, by path relative to the repository root."""
    services = {raw.name: ir.build(raw) for raw in load.load_all()}
    sm, rt = services["sagemaker"], services["sagemaker-runtime"]
    files: dict[str, str] = {}

    def dump(obj: object) -> str:
        return json.dumps(obj, indent=1, ensure_ascii=False, sort_keys=False) + "\n"

    # The shipped JSON Schemas are the models' only input: IR → schema → classes.
    sm_schema, rt_schema = schema.service_schema(sm), schema.service_schema(rt)
    files["src/ic_sdk/schemas/sagemaker.json"] = dump(sm_schema)
    files["src/ic_sdk/schemas/sagemaker-runtime.json"] = dump(rt_schema)
    for rel, text in render.render_service(
        sm_schema,
        sm.botocore_version,
        MODELS_DOC.format(api=sm.api_version),
        {"runtime": ".runtime"},
    ).items():
        files[f"src/ic_sdk/models/{rel}"] = text
    for rel, text in render.render_service(
        rt_schema, rt.botocore_version, RUNTIME_DOC.format(api=rt.api_version)
    ).items():
        files[f"src/ic_sdk/models/runtime/{rel}"] = text
    files["src/ic_sdk/models/_patterns.py"] = render.render_patterns([sm, rt])
    files.update(operations.generate(load.load_all()))
    for stem, root in SPEC_SCHEMAS:
        files[f"src/ic_sdk/schemas/{stem}.json"] = dump(schema.subset_schema(sm, root, stem))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if regeneration differs")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root")
    args = parser.parse_args(argv)
    patterns.check_unicode_version()
    started = time.perf_counter()
    files = generate()
    pyproject = ROOT / "pyproject.toml"
    if args.check:
        problems = write.check(files, args.root, pyproject)
        if problems:
            print("\n".join(problems[:50]), file=sys.stderr)
            print(
                f"codegen --check: {len(problems)} difference(s); run `nox -s codegen`",
                file=sys.stderr,
            )
            return 1
        print(
            f"codegen --check: {len(files)} files up to date ({time.perf_counter() - started:.1f}s)"
        )
        return 0
    written, removed = write.write(files, args.root, pyproject)
    print(
        f"codegen: {len(files)} files, {written} written, {removed} removed "
        f"({time.perf_counter() - started:.1f}s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
