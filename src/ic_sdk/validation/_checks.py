"""Leaf checks: one closure per value's constraints, compiled from field metadata.

:func:`_compile_check` turns a field's metadata (:mod:`ic_sdk._meta`) into a check
specialised for it (patterns compiled once); :mod:`ic_sdk.validation._engine` puts the
checks into per-class walkers and calls one only when the inline test fails or to
descend into a container or a nested structure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final

import attrs

from ic_sdk import _meta
from ic_sdk.validation._problem import (
    Problem,
    _fold_map,
    _key_segment,
    _num,
    _show,
    _suggest,
    _type_name,
)

if TYPE_CHECKING:
    from ic_sdk.validation._engine import _Plan

_MAX_FLOAT: Final = 1.7976931348623157e308

#: Patterns every string fully matches; testing them would only cost time.
_UNIVERSAL_PATTERNS: Final = frozenset({"[\\S\\s]*", "[\\s\\S]*"})


# A check: (value, parent prefix, segment, problems out, dict mode) -> None.
# The value's path is ``prefix + segment``; it is only built when needed.
_Check = Callable[[Any, str, str, list[Problem], bool], None]

_ENUM_LIST_MAX = 8


def _type_problem(
    out: list[Problem], path: str, want: str, value: Any, role: str = "", *, show: bool = True
) -> None:
    got = _type_name(value)
    if show and isinstance(value, str | int | float):
        got += f" {_show(value)}"
    out.append(Problem(path, "type", f"{role}expected {want}, got {got}"))


def _size_checks(
    out: list[Problem],
    path: str,
    n: int,
    lo: float | None,
    hi: float | None,
    what: str,
    role: str = "",
) -> None:
    """Length/size problems; ``what`` is "length", "items", "entries" or "bytes"."""
    if lo is not None and n < lo:
        if what == "length":
            msg = f"{role}length {n} is less than the minimum {_num(lo)}"
        else:
            msg = f"has {n} {what}, fewer than the minimum {_num(lo)}"
        out.append(Problem(path, "min_length", msg))
    elif hi is not None and n > hi:
        if what == "length":
            msg = f"{role}length {n} is more than the maximum {_num(hi)}"
        else:
            msg = f"has {n} {what}, more than the maximum {_num(hi)}"
        out.append(Problem(path, "max_length", msg))


def _string_check(meta: Mapping[str, Any], sensitive: bool, role: str) -> _Check:
    """Check for a plain string (``role`` prefixes messages: "", "key " or "value ")."""
    lo = meta.get("min") or None
    hi = meta.get("max")
    pattern_text: str | None = meta.get("pattern")
    fullmatch = _compile(pattern_text).fullmatch if pattern_text is not None else None

    def check(v: Any, prefix: str, seg: str, out: list[Problem], dm: bool) -> None:
        if v.__class__ is not str and not isinstance(v, str):
            _type_problem(out, prefix + seg, "a string", v, role, show=not sensitive)
            return
        n = len(v)
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            _size_checks(out, prefix + seg, n, lo, hi, "length", role)
        if fullmatch is not None and fullmatch(v) is None:
            shown = f"{role or 'value '}(length {n})" if sensitive else f"{role}{_show(v)}"
            out.append(
                Problem(
                    prefix + seg, "pattern", f"{shown} does not match the pattern {pattern_text}"
                )
            )

    return check


def _enum_check(meta: Mapping[str, Any], sensitive: bool, role: str) -> _Check:
    values: tuple[str, ...] = tuple(meta["enum"])
    allowed = frozenset(values)
    folded = _fold_map(values)
    shape = meta.get("shape") or "enum"

    def check(v: Any, prefix: str, seg: str, out: list[Problem], dm: bool) -> None:
        if not isinstance(v, str):
            _type_problem(
                out, prefix + seg, f"a {shape} value (string)", v, role, show=not sensitive
            )
            return
        if v in allowed:  # StrEnum members hash like their values
            return
        if sensitive:
            out.append(
                Problem(prefix + seg, "enum", f"{role}value is not a known {shape}", "warning")
            )
            return
        if len(values) <= _ENUM_LIST_MAX:
            msg = f"{role}{_show(v)} is not one of " + ", ".join(repr(x) for x in values)
        else:
            msg = f"{role}{_show(v)} is not a {shape} this release knows ({len(values)} values)"
        hint = _suggest(v, values, folded)
        if hint is not None:
            msg += f"; did you mean {hint!r}?"
        out.append(Problem(prefix + seg, "enum", msg, "warning"))

    return check


#: The range of botocore's integer kinds (32- and 64-bit): the service takes no more.
_INT_RANGE: Final[Mapping[str, tuple[int, int]]] = {
    "integer": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
}


def _number_check(meta: Mapping[str, Any], integral: bool, sensitive: bool) -> _Check:
    lo = meta.get("min")
    hi = meta.get("max")
    if integral:
        lo_int, hi_int = _INT_RANGE[str(meta.get("type"))]
        lo = lo_int if lo is None else max(lo, lo_int)
        hi = hi_int if hi is None else min(hi, hi_int)
    want = "an integer" if integral else "a number"
    show = not sensitive

    def check(v: Any, prefix: str, seg: str, out: list[Problem], dm: bool) -> None:
        cls = v.__class__
        if integral:
            if cls is not int and (not isinstance(v, int) or isinstance(v, bool)):
                _type_problem(out, prefix + seg, want, v, show=show)
                return
        elif cls is not float and cls is not int:
            from decimal import Decimal  # only on this slow path: keeps importing cheap

            if isinstance(v, bool) or not isinstance(v, int | float | Decimal):
                _type_problem(out, prefix + seg, want, v, show=show)
                return
            if isinstance(v, Decimal) and not dm:
                _type_problem(out, prefix + seg, want + " (float)", v, show=show)
                return
        shown = _num(v) if show else "the value"
        if not integral and not _finite(v):
            out.append(Problem(prefix + seg, "type", f"expected a finite number, got {shown}"))
            return
        if not integral and not -_MAX_FLOAT <= v <= _MAX_FLOAT:
            rule = "max" if v > 0 else "min"
            out.append(Problem(prefix + seg, rule, f"{shown} is beyond the range of a double"))
        elif lo is not None and v < lo:
            out.append(Problem(prefix + seg, "min", f"{shown} is less than the minimum {_num(lo)}"))
        elif hi is not None and v > hi:
            out.append(Problem(prefix + seg, "max", f"{shown} is more than the maximum {_num(hi)}"))

    return check


def _finite(v: Any) -> bool:
    """Whether a number is finite (integers of any size are; a Decimal may be NaN)."""
    if isinstance(v, int):
        return True
    try:
        return v.is_finite() if hasattr(v, "is_finite") else math.isfinite(v)
    except (ValueError, OverflowError, TypeError):
        return False


def _bool_check(v: Any, prefix: str, seg: str, out: list[Problem], dm: bool) -> None:
    if v is not True and v is not False:
        _type_problem(out, prefix + seg, "a boolean", v)


#: Seconds since the epoch of 0001-01-01 and 9999-12-31: a datetime holds no other.
_EPOCH_RANGE: Final = (-62135596800, 253402300799)


def _timestamp_check(v: Any, prefix: str, seg: str, out: list[Problem], dm: bool) -> None:
    if isinstance(v, datetime | date):
        return
    # botocore also takes ISO 8601 strings and epoch seconds in request dicts.
    if dm and isinstance(v, str):
        if _parses_as_time(v):
            return
        out.append(Problem(prefix + seg, "type", f"expected a timestamp, got {_show(v)}"))
        return
    if dm and isinstance(v, int | float) and not isinstance(v, bool):
        if _finite(v) and _EPOCH_RANGE[0] <= v <= _EPOCH_RANGE[1]:
            return
        out.append(Problem(prefix + seg, "type", f"expected a timestamp, got {_num(v)}"))
        return
    _type_problem(out, prefix + seg, "a datetime", v)


def _parses_as_time(text: str) -> bool:
    """Whether botocore can read ``text`` as a timestamp (what it checks itself)."""
    from botocore.utils import parse_timestamp  # only for string timestamps

    try:
        parse_timestamp(text)
    except Exception:
        return False
    return True


def _blob_check(meta: Mapping[str, Any]) -> _Check:
    lo = meta.get("min") or None
    hi = meta.get("max")

    def check(v: Any, prefix: str, seg: str, out: list[Problem], dm: bool) -> None:
        if isinstance(v, bytes | bytearray | memoryview):
            n = len(v)
        elif dm and isinstance(v, str):  # botocore encodes text as UTF-8
            n = len(v.encode())
        elif dm and callable(getattr(v, "read", None)):  # a file-like body: size unknown
            return
        else:
            _type_problem(out, prefix + seg, "bytes", v, show=False)
            return
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            _size_checks(out, prefix + seg, n, lo, hi, "bytes")

    return check


def _list_check(meta: Mapping[str, Any], owner: type, sensitive: bool) -> _Check:
    lo = meta.get("min") or None
    hi = meta.get("max")
    member_meta = meta.get("member")
    element = (
        _compile_check(member_meta, owner, sensitive or bool(member_meta.get("sensitive")), "")
        if member_meta
        else None
    )

    def check(v: Any, prefix: str, seg: str, out: list[Problem], dm: bool) -> None:
        if not isinstance(v, list | tuple):
            _type_problem(out, prefix + seg, "a list", v, show=not sensitive)
            return
        path = prefix + seg
        n = len(v)
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            _size_checks(out, path, n, lo, hi, "items")
        if element is None:
            return
        for i, item in enumerate(v):
            if item is None:
                out.append(Problem(f"{path}[{i}]", "type", "expected a value, got None"))
            else:
                element(item, path, f"[{i}]", out, dm)

    return check


def _map_check(meta: Mapping[str, Any], owner: type, sensitive: bool) -> _Check:
    lo = meta.get("min") or None
    hi = meta.get("max")
    key_meta = meta.get("key") or {}
    value_meta = meta.get("value") or {}
    key_check = _compile_check(key_meta, owner, bool(key_meta.get("sensitive")), "key ")
    hidden = sensitive or bool(value_meta.get("sensitive"))
    value_check = _compile_check(value_meta, owner, hidden, "value ")
    # inline test for the common case, string → string
    fast = key_meta.get("type") == "string" == value_meta.get("type") and not (
        key_meta.get("enum") or value_meta.get("enum")
    )
    klo, khi, kmatch = _string_bounds(key_meta)
    vlo, vhi, vmatch = _string_bounds(value_meta)

    def check(v: Any, prefix: str, seg: str, out: list[Problem], dm: bool) -> None:
        if v.__class__ is not dict and not isinstance(v, Mapping):
            _type_problem(out, prefix + seg, "a mapping", v, show=not hidden)
            return
        path = prefix + seg
        n = len(v)
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            _size_checks(out, path, n, lo, hi, "entries")
        for key, item in v.items():
            if (
                fast
                and key.__class__ is str
                and item.__class__ is str
                and klo <= len(key) <= khi
                and (kmatch is None or kmatch(key) is not None)
                and vlo <= len(item) <= vhi
                and (vmatch is None or vmatch(item) is not None)
            ):
                continue  # the common case: a valid string → string entry
            kseg = _key_segment(key)
            if key_check is not None:
                key_check(key, path, kseg, out, dm)
            if item is None:
                out.append(Problem(path + kseg, "type", "expected a value, got None"))
            elif value_check is not None:
                value_check(item, path, kseg, out, dm)

    return check


def _string_bounds(meta: Mapping[str, Any]) -> tuple[float, float, Any]:
    pattern = meta.get("pattern")
    match = None
    if pattern is not None and pattern not in _UNIVERSAL_PATTERNS:
        match = _compile(pattern).fullmatch
    hi = meta.get("max")
    return meta.get("min") or 0, float("inf") if hi is None else hi, match


def _struct_check(shape: str, owner: type) -> _Check | None:
    cls = _resolve_class(owner, shape)
    if cls is None:
        return None
    plan: _Plan | None = None

    def check(v: Any, prefix: str, seg: str, out: list[Problem], dm: bool) -> None:
        nonlocal plan
        if plan is None:
            from ic_sdk.validation._engine import _plan  # the engine imports this module

            plan = _plan(cls)
        if dm:
            if v.__class__ is dict or isinstance(v, Mapping):
                plan.walk_dict(v, prefix + seg, out)
            else:
                _type_problem(out, prefix + seg, f"a mapping (structure {shape})", v)
        elif v.__class__ is cls or isinstance(v, cls):
            plan.walk_obj(v, prefix + seg, out)
        else:
            _type_problem(out, prefix + seg, shape, v)

    return check


def _compile_check(
    meta: Mapping[str, Any], owner: type, sensitive: bool, role: str = ""
) -> _Check | None:
    """The check for one value described by ``meta`` (field, list member, map key/value)."""
    kind = meta.get("type")
    if meta.get("jsonvalue"):
        return None  # any JSON value; botocore serializes it
    if meta.get("enum"):
        return _enum_check(meta, sensitive, role)
    if kind == "string":
        return _string_check(meta, sensitive, role)
    if kind in ("integer", "long"):
        return _number_check(meta, integral=True, sensitive=sensitive)
    if kind in ("float", "double"):
        return _number_check(meta, integral=False, sensitive=sensitive)
    if kind == "boolean":
        return _bool_check
    if kind == "timestamp":
        return _timestamp_check
    if kind == "blob":
        return _blob_check(meta)
    if kind == "list":
        return _list_check(meta, owner, sensitive)
    if kind == "map":
        return _map_check(meta, owner, sensitive)
    if kind == "structure" and meta.get("shape"):
        return _struct_check(str(meta["shape"]), owner)
    return None  # a document (free JSON) value or metadata we do not know: nothing to check


def _compile(pattern: str) -> Any:
    from ic_sdk.models._patterns import compile_pattern

    return compile_pattern(pattern)


def _resolve_class(owner: type, shape: str) -> type | None:
    """The structure class named ``shape`` for a field of ``owner`` (see :mod:`ic_sdk._meta`)."""
    try:
        found = _meta.resolve_shape(owner, shape)
    except LookupError:
        return None
    return found if attrs.has(found) else None
