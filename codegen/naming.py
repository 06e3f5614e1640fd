"""The one place that decides Python names for botocore things."""

from __future__ import annotations

import keyword
import re

from botocore import xform_name

__all__ = ["enum_member_names", "field_name", "module_name"]


def field_name(member: str) -> str:
    """botocore's snake_case of a member name; Python keywords get a trailing ``_``."""
    name: str = xform_name(member)
    # Hard keywords only: soft keywords (match, case, type) are valid names, and their
    # list changes between Python versions, which would make generation version-dependent.
    if keyword.iskeyword(name) or name == "_unknown":
        name += "_"
    return name


def module_name(shape: str) -> str:
    """Module (file) name for a shape: its snake_case form."""
    name: str = xform_name(shape)
    if keyword.iskeyword(name):
        name += "_"
    return name


def _enum_member(value: str) -> str:
    name = value
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name) and not name.isupper():
        name = xform_name(name)  # CamelCase → snake (InService → in_service)
    name = re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_").upper()
    if not name:
        name = "EMPTY"
    if name[0].isdigit():
        name = "V_" + name
    if keyword.iskeyword(name) or name.startswith("_"):
        name = "V_" + name
    return name


def enum_member_names(values: list[str]) -> list[str]:
    """Distinct UPPER_SNAKE member names for enum values, in the values' order."""
    seen: dict[str, int] = {}
    names = []
    for value in values:
        base = _enum_member(value)
        count = seen.get(base, 0)
        seen[base] = count + 1
        names.append(base if count == 0 else f"{base}_{count + 1}")
    # A suffixed name could still clash with a natural one: resolve deterministically.
    if len(set(names)) != len(names):
        taken: set[str] = set()
        unique = []
        for n in names:
            candidate, i = n, 2
            while candidate in taken:
                candidate, i = f"{n}_{i}", i + 1
            taken.add(candidate)
            unique.append(candidate)
        names = unique
    return names
