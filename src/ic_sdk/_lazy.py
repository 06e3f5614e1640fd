"""Lazy attribute loading (PEP 562) for `ic_sdk` and the generated model packages."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

__all__ = ["attach"]

#: What a generated alias annotation may name besides model classes.
_EVAL_GLOBALS: dict[str, Any] = {
    "__builtins__": {t.__name__: t for t in (list, dict, str, int, float, bool, bytes)},
    "datetime": datetime,
    "Any": Any,
}


class _Namespace(Mapping[str, Any]):
    """Names of a model package, imported on first lookup (for evaluating aliases)."""

    def __init__(self, package: str) -> None:
        self._package = package

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(sys.modules[self._package], key)
        except AttributeError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(getattr(sys.modules[self._package], "__all__", ()))

    def __len__(self) -> int:
        return len(getattr(sys.modules[self._package], "__all__", ()))


def attach(
    package: str, modules: Mapping[str, str], names: list[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``, importing each name's module on use.

    A loaded name is stored in the package's globals, so later lookups cost nothing.
    Aliases written as strings (``"list[Tag]"``, so that defining them imports nothing)
    are evaluated on first access into real types.
    """
    namespace = _Namespace(package)

    def __getattr__(name: str) -> Any:
        try:
            module = modules[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        mod = importlib.import_module(module, package)
        if module.rsplit(".", 1)[-1] == name:
            value: Any = mod
        else:
            value = getattr(mod, name)
            if isinstance(value, str):
                value = eval(value, _EVAL_GLOBALS, namespace)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return list(names)

    return __getattr__, __dir__
