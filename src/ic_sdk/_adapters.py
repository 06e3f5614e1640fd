"""Adapters and their bases: which component rides on which, and the order they go.

An adapter component names its base in ``BaseInferenceComponentName``. A request (and
usually a description) carries it in ``Specification``; a description may also show the
specification in the list form ``Specifications`` (the summary shape), so both are read.
Everything that asks "is this an adapter?" (teardown, ``ic-sdk delete`` and ``apply``,
autoscaling's checks) asks :func:`base_of`; everything that deletes several components
orders them with :func:`adapters_first` (the service refuses to delete a base that still
has adapters).

Pure and cheap: no I/O, no client, no asyncio.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

__all__ = ["Component", "adapters_first", "base_of"]


class _Specification(Protocol):
    @property
    def base_inference_component_name(self) -> str | None: ...


class Component(Protocol):
    """What :func:`base_of` reads: a component's description or a create/update request."""

    @property
    def specification(self) -> _Specification | None: ...

    @property
    def specifications(self) -> Sequence[_Specification] | None: ...


def _wire_bases(component: Mapping[str, Any]) -> Iterable[object]:
    single = component.get("Specification")
    listed = component.get("Specifications")
    for spec in [single, *(listed if isinstance(listed, list | tuple) else ())]:
        if isinstance(spec, Mapping):
            yield spec.get("BaseInferenceComponentName")


def base_of(component: Component | Mapping[str, Any]) -> str | None:
    """The base component ``component`` rides on (it is an adapter), or ``None`` (it is
    a base component).

    ``component`` is a description or a create/update request, typed or in wire form
    (PascalCase dict). The base is read from ``Specification`` and from every entry of
    ``Specifications``: whichever shape the service or the caller used.
    """
    if isinstance(component, Mapping):
        names: Iterable[object] = _wire_bases(component)
    else:
        specs = [component.specification, *(component.specifications or ())]
        names = (spec.base_inference_component_name for spec in specs if spec is not None)
    return next((name for name in names if isinstance(name, str) and name), None)


_C = TypeVar("_C", bound="Component | Mapping[str, Any]")


def adapters_first(components: Iterable[_C]) -> tuple[list[_C], list[_C]]:
    """``(adapters, bases)`` of ``components``, each in the given order: delete the
    adapters, wait until they are gone, then delete the bases."""
    adapters: list[_C] = []
    bases: list[_C] = []
    for component in components:
        (adapters if base_of(component) is not None else bases).append(component)
    return adapters, bases
