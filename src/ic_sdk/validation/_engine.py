"""The generic engine: checks compiled from field metadata, walkers, plans.

It reads nothing but the field-metadata contract (:mod:`ic_sdk._meta`): the first time
a class is seen, its metadata is compiled into a *plan* — a check per field (a closure
specialised for that field's constraints, patterns compiled once) and two straight-line
walkers generated from the fields, one reading a model's attributes, one reading a
dict's wire keys. A valid value passes an inline test (type, bounds, pattern) without a
call; a field's check runs only to descend into a container or to report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final

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

__all__ = ["GENERIC_RULES", "member", "plan_of", "walk"]

#: Rules read from the models' metadata.
GENERIC_RULES: Final[Mapping[str, str]] = {
    "required": "A required member is missing (or None).",
    "type": "A value has the wrong type (e.g. a string where an integer belongs).",
    "unknown": "A request dict has a member the shape does not define (dict input only).",
    "min_length": "A string is shorter, or a list/map has fewer entries, than the minimum.",
    "max_length": "A string is longer, or a list/map has more entries, than the maximum.",
    "min": "A number is below the minimum (or below what the integer kind holds).",
    "max": "A number is above the maximum (or above what the integer kind holds).",
    "pattern": "A string does not fully match the member's pattern.",
    "enum": (
        "A value is not one of the enum values this release knows (a warning: the service "
        "may know newer values)."
    ),
    "depth": "A value is nested more deeply than validation follows.",
}

# A check: (value, parent prefix, segment, problems out, dict mode) -> None.
# The value's path is ``prefix + segment``; it is only built when needed.
_Check = Callable[[Any, str, str, list[Problem], bool], None]

_ENUM_LIST_MAX = 8


# --------------------------------------------------------------------------- leaf checks


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


# --------------------------------------------------------------------------- plans


_MAX_FLOAT: Final = 1.7976931348623157e308

#: Patterns every string fully matches; testing them would only cost time.
_UNIVERSAL_PATTERNS: Final = frozenset({"[\\S\\s]*", "[\\s\\S]*"})


def _fast_test(meta: Mapping[str, Any], i: int, env: dict[str, Any]) -> str | None:
    """Python expression, true when the value ``v`` may break ``meta``'s constraints.

    ``None`` means "no inline test": the field's check is always called. The expression
    only has to be cheap and never miss a problem; the check itself re-tests and reports.
    Names it uses (compiled patterns, enum sets) are put into ``env``.
    """
    kind = meta.get("type")
    lo = meta.get("min")
    hi = meta.get("max")
    if meta.get("enum"):
        env[f"e{i}"] = frozenset(meta["enum"])
        return f"not isinstance(v, str) or v not in e{i}"
    if kind == "string":
        parts = ["v.__class__ is not str"]
        if lo:
            parts.append(f"len(v) < {int(lo)}")
        if hi is not None:
            parts.append(f"len(v) > {int(hi)}")
        pattern = meta.get("pattern")
        if pattern is not None and pattern not in _UNIVERSAL_PATTERNS:
            env[f"m{i}"] = _compile(pattern).fullmatch
            parts.append(f"m{i}(v) is None")
        return " or ".join(parts)
    if kind in ("integer", "long"):
        # the bounds default to what the kind holds, so huge integers take the slow path
        lo_int, hi_int = _INT_RANGE[kind]
        lo_i = lo_int if lo is None else max(lo, lo_int)
        hi_i = hi_int if hi is None else min(hi, hi_int)
        return f"v.__class__ is not int or not {lo_i!r} <= v <= {hi_i!r}"
    if kind in ("float", "double"):
        # the bounds default to the finite range, so NaN and infinities take the slow path
        lo_s = repr(-_MAX_FLOAT if lo is None else lo)
        hi_s = repr(_MAX_FLOAT if hi is None else hi)
        return f"(v.__class__ is not float and v.__class__ is not int) or not {lo_s} <= v <= {hi_s}"
    if kind == "boolean":
        return "v.__class__ is not bool"
    return None


def _generate(
    cls: type,
    rows: Sequence[_Row],
    metas: Sequence[Mapping[str, Any]],
    dm: bool,
    unknown_attr: str | None = None,
) -> Any:
    """The walker of one class: straight-line code, one block per field, no loop.

    Like attrs' generated ``__init__`` and cattrs' generated (un)structure functions, this
    is compiled once per class; the valid path runs inline tests only and calls a field's
    check just when its test fails (to report) or for containers (to descend).
    """
    env: dict[str, Any] = {"Problem": Problem, "_unknown_members": _unknown_members}
    lines = ["def walk(obj, path, out):", '    prefix = path + "." if path else ""']
    if dm:
        env["wires"] = frozenset(row[1] for row in rows)
        lines += [
            "    if not obj.keys() <= wires:",
            "        _unknown_members(cls, obj, prefix, out)",
        ]
    else:
        lines += ["    start = len(out)", "    try:"]
    ind = "    " if dm else "        "
    for i, ((name, wire, required, check), meta) in enumerate(zip(rows, metas, strict=True)):
        env[f"c{i}"] = check
        lines.append(f"{ind}v = obj.get({wire!r})" if dm else f"{ind}v = obj.{name}")
        lines.append(f"{ind}if v is None:")
        if required:
            lines.append(
                f"{ind}    out.append(Problem(prefix + {wire!r}, 'required', 'is required'))"
            )
        else:
            lines.append(f"{ind}    pass")
        if check is None:
            continue
        test = _fast_test(meta, i, env)
        lines.append(f"{ind}elif {test}:" if test else f"{ind}else:")
        lines.append(f"{ind}    c{i}(v, prefix, {wire!r}, out, {dm})")
    if not dm and unknown_attr is not None:
        # Keys kept from a structured dict that the shape does not know would be sent as they
        # are (and refused): report them like a dict's unknown members.
        lines += [
            f"{ind}u = obj.{unknown_attr}",
            f"{ind}if u:",
            f"{ind}    _unknown_members(cls, u, prefix, out)",
        ]
    if not dm:
        # An instance missing a slot (made without __init__) must not make validate raise:
        # walk it again reading absent attributes as None.
        lines += [
            "    except AttributeError:",
            "        if obj.__class__ is _Lenient:",
            "            raise",
            "        del out[start:]",
            "        walk(_Lenient(obj), path, out)",
        ]
        env["_Lenient"] = _Lenient
    env["cls"] = cls
    source = "\n".join(lines) + "\n"
    filename = f"<ic_sdk.validation {'dict' if dm else 'model'} walker for {cls.__qualname__}>"
    exec(compile(source, filename, "exec"), env)  # our own generated code (see above)
    return env["walk"]


class _Lenient:
    """Reads a model's attributes, giving None for any that was never set."""

    __slots__ = ("_obj",)

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obj, name, None)


def _unknown_members(cls: type, d: Any, prefix: str, out: list[Problem]) -> None:
    if not isinstance(d, Mapping):
        return
    plan = _plan(cls)
    for key in d:
        if isinstance(key, str) and key in plan.attr_by_wire:
            continue
        seg = key if isinstance(key, str) else repr(key)
        msg = f"{cls.__name__} has no member {seg!r}"
        hint = _suggest(key, plan.wires, plan.folded) if isinstance(key, str) else None
        if hint is not None:
            msg += f"; did you mean {hint!r}?"
        out.append(Problem(prefix + seg, "unknown", msg))


# (attribute, wire, required, check)
_Row = tuple[str, str, bool, "_Check | None"]
_Walker = Callable[[Any, str, list[Problem]], None]


@attrs.define(slots=True, eq=False)
class _Plan:
    walk_obj: _Walker
    walk_dict: _Walker
    attr_by_wire: dict[str, str]
    wires: tuple[str, ...]
    #: folded spelling (lower case, no ``_``/``-``) → wire name, for suggestions
    folded: dict[str, str]


_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is not None:
        return plan
    rows: list[_Row] = []
    metas: list[Mapping[str, Any]] = []
    unknown_attr = _meta.unknown_field(cls)
    for f, meta in _meta.fields(cls):
        if not f.init:
            continue
        wire = _meta.wire_name(f)
        check = _compile_check(meta, cls, bool(meta.get("sensitive"))) if "type" in meta else None
        rows.append((f.name, wire, bool(meta.get("required")), check))
        metas.append(meta)
    attr_by_wire = {row[1]: row[0] for row in rows}
    folded = _fold_map(attr_by_wire)
    # snake_case attribute names (a common slip when moving from models to dicts) fold too
    for row in rows:
        folded.setdefault(row[0].lower().replace("_", ""), row[1])
    plan = _Plan(
        walk_obj=_generate(cls, rows, metas, dm=False, unknown_attr=unknown_attr),
        walk_dict=_generate(cls, rows, metas, dm=True),
        attr_by_wire=attr_by_wire,
        wires=tuple(attr_by_wire),
        folded=folded,
    )
    _PLANS[cls] = plan
    return plan


def plan_of(cls: type) -> _Plan:
    """The (cached) plan of a model class."""
    return _PLANS.get(cls) or _plan(cls)


def walk(obj: Any, cls: type, out: list[Problem]) -> bool:
    """Append ``obj``'s problems as a ``cls`` request to ``out``; whether it came as dicts.

    ``obj`` is a ``cls`` instance or a request dict; anything else is a ``type`` problem.
    Never raises for a bad value: nesting deeper than Python can follow is a ``depth``
    problem.
    """
    plan = plan_of(cls)
    dm = not (obj.__class__ is cls or isinstance(obj, cls))
    try:
        if not dm:
            plan.walk_obj(obj, "", out)
        elif obj.__class__ is dict or isinstance(obj, Mapping):
            plan.walk_dict(obj, "", out)
        else:
            _type_problem(out, "", f"a mapping (structure {cls.__name__}) or {cls.__name__}", obj)
    except RecursionError:
        out.append(Problem("", "depth", "the request is nested too deeply to check"))
    return dm


def member(node: Any, wire: str) -> Any:
    """The member ``wire`` of a model instance or a request dict (``None`` when absent)."""
    cls = node.__class__
    plan = _PLANS.get(cls)
    if plan is None:
        if node is None:
            return None
        if cls is dict or isinstance(node, Mapping):
            return node.get(wire)
        if not attrs.has(cls):
            return None
        plan = _plan(cls)
    name = plan.attr_by_wire.get(wire)
    return None if name is None else getattr(node, name, None)
