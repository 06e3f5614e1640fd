"""validate() against botocore's own ParamValidator on the same valid request.

botocore's ``ParamValidator`` is what every boto3/aiobotocore call runs before sending; it
checks only required members, types and ``min``. ``ic_sdk.validate`` checks every model
constraint (max, patterns, enums, map sizes) plus the inference-component rules. The goal
is to cost no more than botocore's check: ratio ≤ 1.0.

    python benchmarks/bench_validation.py [--check] [--rounds N]

Prints one line per measurement as a ratio to the baseline measured in the same run.
``--check`` exits 1 if the model or dict validation is slower than the baseline.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable
from typing import Any

import botocore.session
from _util import per_op, record
from botocore.validate import ParamValidator

from ic_sdk import models
from ic_sdk.serde import converter
from ic_sdk.validation import validate

BENCH = "validation"

# A realistic, valid CreateInferenceComponent request (an LLM on one GPU, two tags).
REQUEST: dict[str, Any] = {
    "InferenceComponentName": "llama-3-8b-instruct",
    "EndpointName": "shared-gpu-endpoint",
    "VariantName": "AllTraffic",
    "Specification": {
        "ModelName": "llama-3-8b-instruct-model",
        "Container": {
            "Image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124",
            "ArtifactUrl": "s3://models-bucket/llama-3-8b-instruct/model.tar.gz",
            "Environment": {
                "HF_MODEL_ID": "/opt/ml/model",
                "OPTION_TENSOR_PARALLEL_DEGREE": "1",
                "OPTION_MAX_ROLLING_BATCH_SIZE": "16",
            },
        },
        "StartupParameters": {
            "ModelDataDownloadTimeoutInSeconds": 1200,
            "ContainerStartupHealthCheckTimeoutInSeconds": 1200,
        },
        "ComputeResourceRequirements": {
            "NumberOfAcceleratorDevicesRequired": 1.0,
            "NumberOfCpuCoresRequired": 4.0,
            "MinMemoryRequiredInMb": 24576,
        },
    },
    "RuntimeConfig": {"CopyCount": 2},
    "Tags": [{"Key": "team", "Value": "search"}, {"Key": "env", "Value": "prod"}],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="exit 1 if ratio > 1.0")
    args = parser.parse_args(argv)

    shape = (
        botocore.session.get_session()
        .get_service_model("sagemaker")
        .operation_model("CreateInferenceComponent")
        .input_shape
    )
    botocore_validator = ParamValidator()
    model = converter.structure(REQUEST, models.CreateInferenceComponentInput)
    cls = models.CreateInferenceComponentInput

    # Same request, all valid: nothing is measured on a path that reports.
    assert not botocore_validator.validate(REQUEST, shape).has_errors()
    assert validate(model) == []
    assert validate(REQUEST, cls) == []

    cases: dict[str, Callable[[], object]] = {
        "botocore ParamValidator (dict)": lambda: botocore_validator.validate(REQUEST, shape),
        "ic_sdk validate(model)": lambda: validate(model),
        "ic_sdk validate(dict, shape)": lambda: validate(REQUEST, cls),
    }
    gc.disable()  # collections would land on whichever case happens to be running
    try:
        # Interleave the cases round by round so machine noise hits them alike.
        best = dict.fromkeys(cases, float("inf"))
        for _ in range(args.rounds):
            for name, fn in cases.items():
                best[name] = min(best[name], per_op(fn, repeat=1))
    finally:
        gc.enable()

    baseline_name = "botocore ParamValidator (dict)"
    baseline = best[baseline_name]
    print(f"validate one valid CreateInferenceComponent request (best of {args.rounds} rounds)")
    worst = 0.0
    for key, name in (
        ("validate_model", "ic_sdk validate(model)"),
        ("validate_dict", "ic_sdk validate(dict, shape)"),
    ):
        seconds = best[name]
        worst = max(worst, seconds / baseline)
        record(
            BENCH,
            key,
            name,
            seconds * 1e6,
            "µs",
            baseline=baseline * 1e6,
            baseline_label="botocore ParamValidator",
            target="ratio <= 1.0",
            readme="cost of checking one valid Create request" if key == "validate_model" else None,
            note="every constraint + IC rules; botocore checks required/type/min only",
        )
    if args.check and worst > 1.0:
        print(f"FAIL: slower than botocore's ParamValidator ({worst:.2f}x > 1.0x)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
