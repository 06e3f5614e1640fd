"""Static pre-flight validation of requests: every problem at once, nothing sent.

:func:`validate` walks a model instance (or a botocore-style request dict together with
its shape class) using only the constraints the generated field metadata carries —
``required``, string length, list and map sizes, numeric ranges, patterns, enum
membership, types — and then applies the inference-component rules the service
enforces beyond its model (:data:`RULES` lists every rule id, the ``autoscaling.*`` ones
of :mod:`ic_sdk.autoscaling`'s checks included).

Every :class:`Problem` has a severity: ``"error"`` (the service refuses such a request;
a client call raises :class:`~ic_sdk.errors.ValidationError` and sends nothing) or
``"warning"`` (only the service can tell, e.g. an enum value this release of botocore
does not know yet; a client call sends the request). :func:`errors_only` keeps the
errors.

Never raises for a bad request, whatever it holds (huge integers, NaN, infinities, deep
nesting, wrong types): each is a problem.

The package: ``_problem`` (:class:`Problem`, severities, wording), ``_engine`` (the
generic checks compiled from field metadata, see :mod:`ic_sdk._meta`) and
``_inference_components`` (the ``ic.*`` rules).

Secrets: values of fields marked ``sensitive`` (container environments) never appear in
a message; a problem says their length instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, overload

import attrs

from ic_sdk.validation._autoscaling import AUTOSCALING_RULES
from ic_sdk.validation._engine import GENERIC_RULES, walk
from ic_sdk.validation._inference_components import IC_RULES, ROOT_RULES, Rules
from ic_sdk.validation._problem import Problem, Severity, errors_only

__all__ = ["RULES", "Problem", "Severity", "errors_only", "validate"]

#: Every rule id ic_sdk's static checks can report, with what it checks: the one registry
#: ``ignore=``, ``ic-sdk validate --ignore`` and ``docs/guides/validation-rules.md`` read.
#: Generic rules come from the model's metadata; ``ic.*`` rules are how the service
#: behaves beyond its model; ``autoscaling.*`` rules check ``client.autoscale``'s
#: arguments and a spec file's ``Autoscaling`` value (:mod:`ic_sdk.autoscaling`).
#: Remote checks have their own ids (:data:`ic_sdk.preflight.REMOTE_RULES`).
RULES: Final[Mapping[str, str]] = {**GENERIC_RULES, **IC_RULES, **AUTOSCALING_RULES}

_NO_RULES: Final[frozenset[str]] = frozenset()

# Public names say where they are imported from (as httpx does), not the private module.
for _public in (Problem, errors_only):
    _public.__module__ = __name__

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

    Unknown enum values are warnings (``severity="warning"``); everything else is an
    error. Never raises for a bad request and never changes it. Raises ``TypeError`` only when
    called wrongly (no shape class for something that is not a model instance) and
    ``ValueError`` for a rule id in ``ignore`` that does not exist.
    """
    skip = frozenset(ignore) if ignore else _NO_RULES
    if skip:
        unknown = sorted(skip.difference(RULES))
        if unknown:
            raise ValueError(f"unknown rule id(s) in ignore: {', '.join(unknown)}")
    cls: Any
    if shape is None:
        cls = obj.__class__
        if not attrs.has(cls):
            raise TypeError(
                f"validate() takes a model instance, or a request dict and its shape class; "
                f"got {cls.__name__} without a shape class"
            )
    else:
        cls = shape
        if not (isinstance(cls, type) and attrs.has(cls)):
            raise TypeError(f"shape must be a model class, got {shape!r}")
    out: list[Problem] = []
    dm = walk(obj, cls, out)
    if dm and not (obj.__class__ is dict or isinstance(obj, Mapping)):
        return out  # not a request at all: reported as such
    rules = ROOT_RULES.get(cls.__name__)
    if rules is not None:
        try:
            rules(obj, "", Rules(out, skip, dm=dm))
        except RecursionError:
            out.append(Problem("", "depth", "the request is nested too deeply to check"))
    if skip:
        out = [p for p in out if p.rule not in skip]
    return out
