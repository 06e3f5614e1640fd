"""Static pre-flight validation of requests: every problem at once, nothing sent.

:func:`validate` walks a model instance (or a botocore-style request dict together with
its shape class) using only the constraints the generated field metadata carries —
``required``, string length, list and map sizes, numeric ranges, patterns, enum
membership, types — and then applies the inference-component rules the service
enforces beyond its model (:data:`RULES` lists every rule id).

How it stays fast: the first time a class is seen, its field metadata is compiled into a
*plan*: a check per field (a closure specialised for that field's constraints, patterns
compiled once) and two straight-line walkers generated from the fields — one reading a
model's attributes, one reading a dict's wire keys. A valid value passes an inline test
(type, bounds, pattern) without a call; a field's check runs only to descend into a
container or to report. Nothing is formatted unless a problem is found.

Secrets: values of fields marked ``sensitive`` (container environments) never appear in
a message; a problem says their length instead.
"""

from __future__ import annotations

import importlib
import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final, overload

import attrs

__all__ = ["RULES", "Problem", "validate"]


@attrs.frozen
class Problem:
    """One thing wrong with a request.

    ``path`` names the value in wire names (``Specifications[1].Container.Environment["K"]``,
    ``Tags[3].Key``; ``""`` is the request itself), ``rule`` is a stable rule id (see
    :data:`RULES`) and ``message`` says what is wrong in words (never a secret value).
    """

    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '<root>'}: {self.message} [{self.rule}]"


#: Every rule id :func:`validate` can report, with what it checks. Generic rules come from
#: the model's metadata; ``ic.*`` rules are how the service behaves beyond its model
#: (see ``docs/guides/validation-rules.md``).
RULES: Final[Mapping[str, str]] = {
    "required": "A required member is missing (or None).",
    "type": "A value has the wrong type (e.g. a string where an integer belongs).",
    "unknown": "A request dict has a member the shape does not define (dict input only).",
    "min_length": "A string is shorter, or a list/map has fewer entries, than the minimum.",
    "max_length": "A string is longer, or a list/map has more entries, than the maximum.",
    "min": "A number is below the minimum.",
    "max": "A number is above the maximum.",
    "pattern": "A string does not fully match the member's pattern.",
    "enum": "A value is not one of the enum's values.",
    "ic.spec-xor-specifications": (
        "Give Specification or Specifications, not both; a create needs one of them."
    ),
    "ic.specifications-instance-type": "Every entry of Specifications names its InstanceType.",
    "ic.specifications-distinct-instance-types": (
        "The entries of Specifications name distinct InstanceTypes."
    ),
    "ic.base-compute-required": (
        "A base component (no BaseInferenceComponentName) has ComputeResourceRequirements."
    ),
    "ic.base-model-or-image": "A base component names a ModelName or a Container.Image.",
    "ic.base-artifact-tar-gz": "A base component's Container.ArtifactUrl ends in .tar.gz.",
    "ic.adapter-artifact-required": "An adapter component has Container.ArtifactUrl.",
    "ic.adapter-no-compute": "An adapter component has no ComputeResourceRequirements.",
    "ic.adapter-extra-field": (
        "An adapter specification holds only BaseInferenceComponentName and Container.ArtifactUrl."
    ),
    "ic.adapter-no-variant": "A request creating an adapter has no VariantName.",
    "ic.adapter-no-runtime-config": "A request creating an adapter has no RuntimeConfig.",
    "ic.memory-min-le-max": "MinMemoryRequiredInMb is not more than MaxMemoryRequiredInMb.",
    "ic.copy-count-positive": "CopyCount is at least 1 when creating a component.",
    "ic.metrics-publish-frequency": (
        "MetricPublishFrequencyInSeconds is one of 10, 30, 60, 120, 180, 240, 300."
    ),
    "ic.update-nothing": (
        "An update changes something: Specification, Specifications or RuntimeConfig."
    ),
    "ic.rolling-batch-percent": (
        "A rolling update's MaximumBatchSize in CAPACITY_PERCENT is between 5 and 50."
    ),
    "ic.rollback-batch-percent": "A RollbackMaximumBatchSize in CAPACITY_PERCENT is at most 100.",
    "ic.rolling-batch-copies": (
        "A COPY_COUNT batch is not larger than the CopyCount the same request sets."
    ),
}

# A check: (value, parent prefix, segment, problems out, dict mode) -> None.
# The value's path is ``prefix + segment``; it is only built when needed.
_Check = Callable[[Any, str, str, list[Problem], bool], None]

_SHOW_MAX = 60
_ENUM_LIST_MAX = 8
_NO_RULES: Final[frozenset[str]] = frozenset()


# --------------------------------------------------------------------------- messages


def _show(value: Any) -> str:
    """A short repr of a (non-secret) value for a message."""
    text = repr(value)
    if len(text) > _SHOW_MAX:
        text = text[: _SHOW_MAX - 1] + "…"
    return text


def _type_name(value: Any) -> str:
    return "None" if value is None else type(value).__name__


def _key_segment(key: Any) -> str:
    if isinstance(key, str):
        escaped = key.replace("\\", "\\\\").replace('"', '\\"')
        return f'["{escaped}"]'
    return f"[{key!r}]"


def _suggest(word: str, options: Sequence[str], lowered: Mapping[str, str]) -> str | None:
    """The option closest to ``word``: same text ignoring case/underscores, else difflib."""
    folded = word.lower().replace("_", "").replace("-", "")
    hit = lowered.get(folded)
    if hit is not None and hit != word:
        return hit
    import difflib  # only when there is something to suggest: keeps importing cheap

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return close[0] if close else None


def _fold_map(options: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for o in options:
        out.setdefault(o.lower().replace("_", "").replace("-", ""), o)
    return out


# --------------------------------------------------------------------------- leaf checks

_TYPE_WORDS: Final[Mapping[str, str]] = {
    "string": "a string",
    "integer": "an integer",
    "long": "an integer",
    "float": "a number",
    "double": "a number",
    "boolean": "a boolean",
    "timestamp": "a datetime",
    "blob": "bytes",
    "structure": "a structure",
    "list": "a list",
    "map": "a mapping",
}


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


def _num(x: Any) -> str:
    """A bound as people write it: ``128`` rather than ``128.0``."""
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


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
            out.append(Problem(prefix + seg, "enum", f"{role}value is not a valid {shape}"))
            return
        if len(values) <= _ENUM_LIST_MAX:
            msg = f"{role}{_show(v)} is not one of " + ", ".join(repr(x) for x in values)
        else:
            msg = f"{role}{_show(v)} is not a valid {shape} ({len(values)} values)"
        hint = _suggest(v, values, folded)
        if hint is not None:
            msg += f"; did you mean {hint!r}?"
        out.append(Problem(prefix + seg, "enum", msg))

    return check


def _number_check(meta: Mapping[str, Any], integral: bool, sensitive: bool) -> _Check:
    lo = meta.get("min")
    hi = meta.get("max")
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
        shown = str(v) if show else "the value"
        if not integral and not math.isfinite(v):
            out.append(Problem(prefix + seg, "type", f"expected a finite number, got {shown}"))
            return
        if lo is not None and v < lo:
            out.append(Problem(prefix + seg, "min", f"{shown} is less than the minimum {_num(lo)}"))
        elif hi is not None and v > hi:
            out.append(Problem(prefix + seg, "max", f"{shown} is more than the maximum {_num(hi)}"))

    return check


def _bool_check(v: Any, prefix: str, seg: str, out: list[Problem], dm: bool) -> None:
    if v is not True and v is not False:
        _type_problem(out, prefix + seg, "a boolean", v)


def _timestamp_check(v: Any, prefix: str, seg: str, out: list[Problem], dm: bool) -> None:
    if isinstance(v, datetime | date):
        return
    # botocore also takes ISO 8601 strings and epoch seconds in request dicts.
    if dm and isinstance(v, str | int | float) and not isinstance(v, bool):
        return
    _type_problem(out, prefix + seg, "a datetime", v)


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
    """The class named ``shape`` in ``owner``'s module or the nearest package exporting it.

    Generated shapes live in ``<package>._shapes.<module>`` and their package index exports
    every shape lazily, so walking up from the owner's module finds ``ic_sdk.models`` for
    SageMaker shapes and ``ic_sdk.models.runtime`` for runtime shapes.
    """
    parts = owner.__module__.split(".")
    while parts:
        module = sys.modules.get(".".join(parts))
        if module is None:
            try:
                module = importlib.import_module(".".join(parts))
            except ImportError:
                module = None
        if module is not None:
            try:
                found = getattr(module, shape)
            except AttributeError:
                found = None
            if isinstance(found, type) and attrs.has(found):
                return found
        parts.pop()
    return None


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
        lo_s = "" if lo is None else f"{lo!r} <= "
        hi_s = "" if hi is None else f" <= {hi!r}"
        bounds = f" or not {lo_s}v{hi_s}" if lo_s or hi_s else ""
        return f"v.__class__ is not int{bounds}"
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
    cls: type
    #: One row per field, in declaration order.
    rows: tuple[_Row, ...]
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
    unknown_attr: str | None = None
    for f in attrs.fields(cls):
        meta = f.metadata
        if meta.get("unknown"):
            unknown_attr = f.name
            continue
        if not f.init:
            continue
        wire = str(meta.get("wire", f.name))
        check = _compile_check(meta, cls, bool(meta.get("sensitive"))) if "type" in meta else None
        rows.append((f.name, wire, bool(meta.get("required")), check))
        metas.append(meta)
    attr_by_wire = {row[1]: row[0] for row in rows}
    folded = _fold_map(attr_by_wire)
    # snake_case attribute names (a common slip when moving from models to dicts) fold too
    for row in rows:
        folded.setdefault(row[0].lower().replace("_", ""), row[1])
    plan = _Plan(
        cls=cls,
        rows=tuple(rows),
        walk_obj=_generate(cls, rows, metas, dm=False, unknown_attr=unknown_attr),
        walk_dict=_generate(cls, rows, metas, dm=True),
        attr_by_wire=attr_by_wire,
        wires=tuple(attr_by_wire),
        folded=folded,
    )
    _PLANS[cls] = plan
    return plan


# --------------------------------------------------------------------------- IC rules
#
# Rules see the request as either model instances or dicts (the same walk handles both),
# read it through ``_get`` and never trust a type they have not checked: a value the
# generic walk already reported as wrong is skipped, not re-reported.


def _get(node: Any, wire: str) -> Any:
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


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Rules:
    """Collects IC-rule problems, skipping ignored rule ids.

    ``dm`` says how the request came: as dicts (structures are mappings) or as models
    (structures are model instances). A structure of the other kind was already reported
    as a ``type`` problem, so rules treat it as absent.
    """

    __slots__ = ("dm", "ignore", "out")

    def __init__(self, out: list[Problem], ignore: frozenset[str], dm: bool) -> None:
        self.out = out
        self.ignore = ignore
        self.dm = dm

    def node(self, value: Any, shape: str | None = None) -> bool:
        """Whether ``value`` is a structure the rules can read (a model of ``shape``)."""
        if self.dm:
            return value.__class__ is dict or isinstance(value, Mapping)
        if shape is not None and value.__class__.__name__ != shape:
            return False
        return value.__class__ in _PLANS or attrs.has(value.__class__)

    def on(self, rule: str) -> bool:
        return rule not in self.ignore

    def add(self, path: str, rule: str, message: str) -> None:
        if rule not in self.ignore:
            self.out.append(Problem(path, rule, message))


def _join(path: str, wire: str) -> str:
    return f"{path}.{wire}" if path else wire


def _specs(root: Any, path: str, r: _Rules) -> tuple[Any, Any, list[tuple[str, Any]]]:
    """(Specification, Specifications, [(path, spec node)…]) of a create/update request."""
    spec = _get(root, "Specification")
    specs = _get(root, "Specifications")
    nodes: list[tuple[str, Any]] = []
    shape = "InferenceComponentSpecification"
    if r.node(spec, shape):
        nodes.append((_join(path, "Specification"), spec))
    if isinstance(specs, list | tuple):
        base = _join(path, "Specifications")
        nodes.extend((f"{base}[{i}]", s) for i, s in enumerate(specs) if r.node(s, shape))
    return spec, specs, nodes


def _is_adapter(spec: Any) -> bool:
    return _get(spec, "BaseInferenceComponentName") is not None


_ADAPTER_EXTRA_SPEC: Final = (
    "ModelName",
    "StartupParameters",
    "DataCacheConfig",
    "SchedulingConfig",
)
_ADAPTER_EXTRA_CONTAINER: Final = ("Image", "Environment", "ContainerMetricsConfig")


def _spec_rules(spec: Any, path: str, r: _Rules, *, create: bool) -> None:
    container = _get(spec, "Container")
    if not r.node(container):
        container = None
    compute = _get(spec, "ComputeResourceRequirements")
    artifact = _get(container, "ArtifactUrl")
    if _is_adapter(spec):
        if compute is not None:
            r.add(
                _join(path, "ComputeResourceRequirements"),
                "ic.adapter-no-compute",
                "an adapter uses its base component's compute resources; "
                "omit ComputeResourceRequirements",
            )
        if create and artifact is None:
            r.add(
                _join(path, "Container.ArtifactUrl"),
                "ic.adapter-artifact-required",
                "an adapter needs the S3 location of its artifacts in Container.ArtifactUrl",
            )
        if r.on("ic.adapter-extra-field"):
            for wire in _ADAPTER_EXTRA_SPEC:
                if _get(spec, wire) is not None:
                    r.add(
                        _join(path, wire),
                        "ic.adapter-extra-field",
                        f"an adapter specification takes no {wire}",
                    )
            for wire in _ADAPTER_EXTRA_CONTAINER:
                if _get(container, wire) is not None:
                    r.add(
                        _join(path, "Container." + wire),
                        "ic.adapter-extra-field",
                        f"an adapter's container takes no {wire} (it runs in its base component)",
                    )
    else:
        if create and compute is None:
            r.add(
                _join(path, "ComputeResourceRequirements"),
                "ic.base-compute-required",
                "a base component needs ComputeResourceRequirements (at least "
                "MinMemoryRequiredInMb)",
            )
        if create and _get(spec, "ModelName") is None and _get(container, "Image") is None:
            r.add(
                path,
                "ic.base-model-or-image",
                "a base component needs a ModelName or a Container with an Image",
            )
        if isinstance(artifact, str) and not artifact.endswith(".tar.gz"):
            r.add(
                _join(path, "Container.ArtifactUrl"),
                "ic.base-artifact-tar-gz",
                f"a base component's artifact must be a single .tar.gz archive, got {_show(artifact)}",
            )
    metrics = _get(container, "ContainerMetricsConfig")
    if metrics is not None and r.on("ic.metrics-publish-frequency"):
        _metrics_rules(metrics, _join(path, "Container.ContainerMetricsConfig"), r)
    if r.node(compute):
        lo = _get(compute, "MinMemoryRequiredInMb")
        hi = _get(compute, "MaxMemoryRequiredInMb")
        if _is_int(lo) and _is_int(hi) and lo > hi:
            r.add(
                _join(path, "ComputeResourceRequirements.MaxMemoryRequiredInMb"),
                "ic.memory-min-le-max",
                f"MaxMemoryRequiredInMb {hi} is less than MinMemoryRequiredInMb {lo}",
            )


_PUBLISH_FREQUENCIES: Final = (10, 30, 60, 120, 180, 240, 300)


def _metrics_rules(metrics: Any, path: str, r: _Rules) -> None:
    endpoints = _get(metrics, "MetricsEndpoints")
    if not isinstance(endpoints, list | tuple):
        return
    for i, endpoint in enumerate(endpoints):
        every = _get(endpoint, "MetricPublishFrequencyInSeconds") if r.node(endpoint) else None
        if _is_int(every) and every not in _PUBLISH_FREQUENCIES:
            r.add(
                f"{path}.MetricsEndpoints[{i}].MetricPublishFrequencyInSeconds",
                "ic.metrics-publish-frequency",
                f"{every} is not one of " + ", ".join(map(str, _PUBLISH_FREQUENCIES)),
            )


def _specifications_rules(specs: Any, path: str, r: _Rules) -> None:
    if not isinstance(specs, list | tuple):
        return
    base = _join(path, "Specifications")
    seen: dict[str, int] = {}
    for i, spec in enumerate(specs):
        if not r.node(spec, "InferenceComponentSpecification"):
            continue
        where = f"{base}[{i}].InstanceType"
        itype = _get(spec, "InstanceType")
        if itype is None:
            r.add(
                where,
                "ic.specifications-instance-type",
                "each entry of Specifications names the InstanceType it applies to",
            )
        elif isinstance(itype, str):
            key = str(itype)
            if key in seen:
                r.add(
                    where,
                    "ic.specifications-distinct-instance-types",
                    f"{key!r} is already used by Specifications[{seen[key]}]",
                )
            else:
                seen[key] = i


def _spec_presence(spec: Any, specs: Any, path: str, r: _Rules, *, create: bool) -> None:
    if spec is not None and specs is not None:
        r.add(
            _join(path, "Specifications"),
            "ic.spec-xor-specifications",
            "give Specification or Specifications, not both",
        )
    elif create and spec is None and specs is None:
        r.add(
            _join(path, "Specification"),
            "ic.spec-xor-specifications",
            "a new inference component needs Specification (or Specifications, one per "
            "instance type)",
        )


def _create_rules(root: Any, path: str, r: _Rules) -> None:
    spec, specs, nodes = _specs(root, path, r)
    _spec_presence(spec, specs, path, r, create=True)
    for where, node in nodes:
        _spec_rules(node, where, r, create=True)
    _specifications_rules(specs, path, r)
    runtime = _get(root, "RuntimeConfig")
    if any(_is_adapter(node) for _, node in nodes):
        if _get(root, "VariantName") is not None:
            r.add(
                _join(path, "VariantName"),
                "ic.adapter-no-variant",
                "an adapter is placed with its base component; omit VariantName",
            )
        if runtime is not None:
            r.add(
                _join(path, "RuntimeConfig"),
                "ic.adapter-no-runtime-config",
                "an adapter runs in its base component's copies; omit RuntimeConfig",
            )
        return
    copies = _get(runtime, "CopyCount") if r.node(runtime) else None
    if _is_int(copies) and copies == 0:
        r.add(
            _join(path, "RuntimeConfig.CopyCount"),
            "ic.copy-count-positive",
            "the service rejects 0 copies on create; start with at least 1 "
            "(scale to zero later through autoscaling)",
        )


def _batch_rules(size: Any, where: str, r: _Rules, *, rollback: bool, copies: Any) -> None:
    if not r.node(size):
        return
    kind = _get(size, "Type")
    value = _get(size, "Value")
    if not _is_int(value) or value < 1:  # missing or below the model's min: already reported
        return
    where = _join(where, "Value")
    if kind == "CAPACITY_PERCENT":
        if rollback and value > 100:
            r.add(where, "ic.rollback-batch-percent", f"{value}% is more than 100%")
        elif not rollback and not 5 <= value <= 50:
            r.add(
                where,
                "ic.rolling-batch-percent",
                f"a rolling batch of {value}% is outside 5–50% of the copy count",
            )
    elif kind == "COPY_COUNT" and _is_int(copies) and value > copies:
        r.add(
            where,
            "ic.rolling-batch-copies",
            f"a batch of {value} copies is larger than the {copies} copies this request sets",
        )


def _update_rules(root: Any, path: str, r: _Rules) -> None:
    spec, specs, nodes = _specs(root, path, r)
    _spec_presence(spec, specs, path, r, create=False)
    for where, node in nodes:
        _spec_rules(node, where, r, create=False)
    _specifications_rules(specs, path, r)
    runtime = _get(root, "RuntimeConfig")
    if spec is None and specs is None and runtime is None:
        r.add(
            path,
            "ic.update-nothing",
            "an update needs Specification, Specifications or RuntimeConfig",
        )
    deployment = _get(root, "DeploymentConfig")
    policy = _get(deployment, "RollingUpdatePolicy") if r.node(deployment) else None
    if not r.node(policy):
        return
    copies = _get(runtime, "CopyCount") if r.node(runtime) else None
    where = _join(path, "DeploymentConfig.RollingUpdatePolicy")
    _batch_rules(
        _get(policy, "MaximumBatchSize"),
        where + ".MaximumBatchSize",
        r,
        rollback=False,
        copies=copies,
    )
    _batch_rules(
        _get(policy, "RollbackMaximumBatchSize"),
        where + ".RollbackMaximumBatchSize",
        r,
        rollback=True,
        copies=copies,
    )


def _specification_rules(root: Any, path: str, r: _Rules) -> None:
    _spec_rules(root, path, r, create=True)


#: Shape name → rules applied when a request of that shape is validated.
_ROOT_RULES: Final[Mapping[str, Callable[[Any, str, _Rules], None]]] = {
    "CreateInferenceComponentInput": _create_rules,
    "UpdateInferenceComponentInput": _update_rules,
    "InferenceComponentSpecification": _specification_rules,
}


# --------------------------------------------------------------------------- entry point


@overload
def validate(obj: Any, /, *, ignore: Iterable[str] = ()) -> list[Problem]: ...
@overload
def validate(obj: Any, shape: type[Any], /, *, ignore: Iterable[str] = ()) -> list[Problem]: ...


def validate(
    obj: Any, shape: type[Any] | None = None, /, *, ignore: Iterable[str] = ()
) -> list[Problem]:
    """Every problem with a request, in one list (empty when the request is fine).

    ``validate(model_instance)`` checks a model; ``validate(request_dict, ShapeClass)``
    checks a botocore-style dict (PascalCase keys) against a shape and also reports
    ``unknown`` members (with a suggestion) and wrong types. In a dict, a ``None`` value
    counts as absent. ``ignore`` switches rules off by id (see :data:`RULES`).

    Never raises for a bad request and never changes it. Raises ``TypeError`` only when
    called wrongly (no shape class for something that is not a model instance) and
    ``ValueError`` for a rule id in ``ignore`` that does not exist.
    """
    skip = frozenset(ignore) if ignore else _NO_RULES
    if skip:
        unknown = sorted(skip.difference(RULES))
        if unknown:
            raise ValueError(f"unknown rule id(s) in ignore: {', '.join(unknown)}")
    cls = obj.__class__ if shape is None else shape
    if cls not in _PLANS:
        if shape is None and not attrs.has(cls):
            raise TypeError(
                f"validate() takes a model instance, or a request dict and its shape class; "
                f"got {cls.__name__} without a shape class"
            )
        if not (isinstance(cls, type) and attrs.has(cls)):
            raise TypeError(f"shape must be a model class, got {shape!r}")
    plan = _PLANS.get(cls) or _plan(cls)
    out: list[Problem] = []
    if obj.__class__ is cls or isinstance(obj, cls):
        plan.walk_obj(obj, "", out)
    elif obj.__class__ is dict or isinstance(obj, Mapping):
        plan.walk_dict(obj, "", out)
    else:
        _type_problem(out, "", f"a mapping (structure {cls.__name__}) or {cls.__name__}", obj)
        return out
    rules = _ROOT_RULES.get(cls.__name__)
    if rules is not None:
        rules(obj, "", _Rules(out, skip, dm=not isinstance(obj, cls)))
    if skip:
        out = [p for p in out if p.rule not in skip]
    return out
