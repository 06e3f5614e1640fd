"""Catch every mistake in a request before it is sent.

botocore checks a request for required members, types and minimums only: a 100-character
name with a ``!`` in it reaches the service. ``ic_sdk.validate`` checks every constraint
of the service model (lengths, patterns, ranges, enums) plus the rules inference
components follow beyond it (rule ids ``ic.*``), and lists every problem at once, each
with its path. ``python examples/validate_requests.py``
"""

from __future__ import annotations

from typing import Any

import ic_sdk
from ic_sdk import models

# 1. A request as boto3 code writes it (the dict create_inference_component(**request) takes).
request: dict[str, Any] = {
    "InferenceComponentName": "llama 3 8b!",
    "EndpointName": "shared-gpu",
    "Specification": {
        "Container": {"ArtifactUrl": "s3://models/llama/", "Environment": {"1TOKEN": "x"}},
        "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 64, "NumberOfCpuCores": 2},
    },
    "RuntimeConfig": {"CopyCount": 0},
}


def main() -> None:
    problems = ic_sdk.validate(request, models.CreateInferenceComponentInput)
    print(f"{len(problems)} problems in the boto3-style request:")
    for problem in problems:
        print(f"  {problem.path}: {problem.message} [{problem.rule}]")
    assert {p.rule for p in problems} >= {"pattern", "min", "unknown", "ic.copy-count-positive"}

    # 2. A rule that does not apply to you can be switched off by its id.
    relaxed = ic_sdk.validate(
        request, models.CreateInferenceComponentInput, ignore=["ic.base-artifact-tar-gz"]
    )
    assert all(p.rule != "ic.base-artifact-tar-gz" for p in relaxed)

    # 3. Builders validate as they build, and raise one error listing every problem.
    problems = []
    try:
        ic_sdk.adapter_component(
            name="llama-sql",
            endpoint_name="shared-gpu",
            base_component_name="llama_base",
            artifact_url="ftp://adapters/sql",
        )
    except ic_sdk.ValidationError as exc:
        print(exc)
        problems = list(exc.problems)
    assert len(problems) == 2

    # 4. A model instance validates too (the client does this before every call).
    built = ic_sdk.base_component(
        name="llama", endpoint_name="shared-gpu", model_name="llama", memory_mb=1024, validate=False
    )
    assert ic_sdk.validate(built) == []
    print("the built request is valid")


if __name__ == "__main__":
    main()
