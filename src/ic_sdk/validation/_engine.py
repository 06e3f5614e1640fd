"""The generic engine: checks compiled from field metadata, walkers, plans.

It reads nothing but the field-metadata contract (:mod:`ic_sdk._meta`): the first time
a class is seen, its metadata is compiled into a *plan* — a check per field (a closure
specialised for that field's constraints, patterns compiled once) and two straight-line
walkers generated from the fields, one reading a model's attributes, one reading a
dict's wire keys. A valid value passes an inline test (type, bounds, pattern) without a
call; a field's check runs only to descend into a container or to report. The checks
themselves are compiled in :mod:`ic_sdk.validation._checks`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs

from ic_sdk import _meta
from ic_sdk.validation._checks import (
    _INT_RANGE,
    _MAX_FLOAT,
    _UNIVERSAL_PATTERNS,
    _Check,
    _compile,
    _compile_check,
    _type_problem,
)
from ic_sdk.validation._problem import (
    Problem,
    _fold_map,
    _suggest,
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

# --------------------------------------------------------------------------- plans


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
