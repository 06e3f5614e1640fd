"""Stage 1: read botocore's service models through its public loader."""

from __future__ import annotations

from typing import Any

import attrs
import botocore
import botocore.loaders

#: (service name, api version) pairs ic_sdk generates models for.
SERVICES: tuple[tuple[str, str], ...] = (
    ("sagemaker", "2017-07-24"),
    ("sagemaker-runtime", "2017-05-13"),
)


@attrs.frozen
class RawService:
    """One botocore service model, as loaded."""

    name: str
    api_version: str
    botocore_version: str
    model: dict[str, Any]


def load_service(name: str, api_version: str, loader: Any = None) -> RawService:
    """Load ``service-2`` of ``name`` at ``api_version`` from the installed botocore."""
    loader = loader or botocore.loaders.Loader()
    model = loader.load_service_model(name, "service-2", api_version=api_version)
    return RawService(
        name=name,
        api_version=api_version,
        botocore_version=botocore.__version__,
        model=model,
    )


def load_all() -> list[RawService]:
    loader = botocore.loaders.Loader()
    return [load_service(name, version, loader) for name, version in SERVICES]
