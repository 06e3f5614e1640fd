"""Stage: the operations table of sagemaker and sagemaker-runtime.

For each operation: its input and output shapes, its errors, its paginator (botocore's
``paginators-1``), the botocore waiters that poll it (``waiters-2``) and the aiobotocore
method name. Rendered as two declarative modules (plain data, nothing imported at run
time but the record types of :mod:`ic_sdk._call`):

- ``src/ic_sdk/models/_operations.py``: the sagemaker table, plus the typing protocols
  ``Call`` and ``Paginate`` (one overload per operation, visible to type checkers only)
  that give ``client.call(request)`` and ``client.paginate(request)`` their exact types;
- ``src/ic_sdk/models/runtime/_operations.py``: the sagemaker-runtime table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import botocore.exceptions
import botocore.loaders
from botocore import xform_name

from codegen import load, render

__all__ = ["OperationEntry", "entries", "generate"]

SAGEMAKER_DOC = '''"""Every SageMaker operation: input, output, errors, paginator, waiters, method.

Keyed by input shape name; read by :mod:`ic_sdk._call` (``client.call`` and
``client.paginate``). ``Call`` and ``Paginate`` exist for type checkers only: one
overload per operation maps its input model to its output model."""'''

RUNTIME_DOC = '''"""Every SageMaker Runtime operation: input, output, errors, method.

Same record as :mod:`ic_sdk.models._operations`."""'''


@attrs.frozen
class OperationEntry:
    """One operation as the table records it (shape names, wire names)."""

    name: str
    method: str
    service: str
    input: str
    output: str | None
    errors: tuple[str, ...]
    #: (input token, output token, limit key, result key) as wire names.
    paginator: tuple[str, str, str | None, str] | None
    waiters: tuple[str, ...]
    streaming: bool


def _optional(loader: Any, service: str, kind: str, version: str, key: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = loader.load_service_model(service, kind, api_version=version)
    except botocore.exceptions.DataNotFoundError:
        return {}
    return dict(data.get(key, {}))


def _single(value: object, what: str, operation: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{operation}: {what} {value!r} is not a single key (not supported)")
    return value


def entries(raw: load.RawService, loader: Any = None) -> list[OperationEntry]:
    """The table rows of one service, sorted by operation name."""
    loader = loader or botocore.loaders.Loader()
    paginators = _optional(loader, raw.name, "paginators-1", raw.api_version, "pagination")
    waiters = _optional(loader, raw.name, "waiters-2", raw.api_version, "waiters")
    shapes: Mapping[str, Any] = raw.model["shapes"]
    out = []
    for name, op in sorted(raw.model["operations"].items()):
        input_shape = op.get("input", {}).get("shape")
        if input_shape is None:
            raise ValueError(f"{name} has no input shape (not supported)")
        output_shape = op.get("output", {}).get("shape")
        streaming = output_shape is not None and any(
            shapes[m["shape"]].get("eventstream")
            for m in shapes[output_shape].get("members", {}).values()
        )
        pag = paginators.get(name)
        paginator = None
        if pag is not None:
            paginator = (
                _single(pag["input_token"], "input_token", name),
                _single(pag["output_token"], "output_token", name),
                pag.get("limit_key"),
                _single(pag["result_key"], "result_key", name),
            )
        out.append(
            OperationEntry(
                name=name,
                method=xform_name(name),
                service=raw.name,
                input=input_shape,
                output=output_shape,
                errors=tuple(e["shape"] for e in op.get("errors", ())),
                paginator=paginator,
                waiters=tuple(
                    sorted(w for w, spec in waiters.items() if spec["operation"] == name)
                ),
                streaming=streaming,
            )
        )
    inputs = [e.input for e in out]
    shared = sorted({i for i in inputs if inputs.count(i) > 1})
    if shared:
        raise ValueError(f"input shapes shared by several operations: {shared}")
    return out


def _row(entry: OperationEntry) -> str:
    paginator = "None" if entry.paginator is None else f"Paginator{entry.paginator!r}"
    return (
        f"    {entry.input!r}: Operation(\n"
        f"        name={entry.name!r},\n"
        f"        method={entry.method!r},\n"
        f"        service={entry.service!r},\n"
        f"        input={entry.input!r},\n"
        f"        output={entry.output!r},\n"
        f"        errors={entry.errors!r},\n"
        f"        paginator={paginator},\n"
        f"        waiters={entry.waiters!r},\n"
        f"        streaming={entry.streaming!r},\n"
        f"    ),\n"
    )


def _table(rows: Iterable[OperationEntry]) -> str:
    body = "".join(_row(e) for e in rows)
    return (
        "#: Every operation, keyed by its input shape's name.\n"
        f"OPERATIONS: dict[str, Operation] = {{\n{body}}}\n"
    )


def _qualified(entry: OperationEntry, shape: str) -> str:
    return f"{'rt' if entry.service == 'sagemaker-runtime' else 'm'}.{shape}"


def _protocols(rows: Sequence[OperationEntry]) -> str:
    callable_rows = [e for e in rows if not e.streaming]
    call = []
    for e in callable_rows:
        out = "None" if e.output is None else _qualified(e, e.output)
        call.append(
            "        @overload\n"
            f"        async def __call__(self, request: {_qualified(e, e.input)}, /) -> {out}: ...\n"
        )
    paginate = []
    for e in callable_rows:
        if e.paginator is None or e.output is None:
            continue
        paginate.append(
            "        @overload\n"
            f"        def __call__(self, request: {_qualified(e, e.input)}, /)"
            f" -> AsyncIterator[{_qualified(e, e.output)}]: ...\n"
        )
    return (
        "if TYPE_CHECKING:\n"
        "    from collections.abc import AsyncIterator\n\n"
        "    from ic_sdk import models as m\n"
        "    from ic_sdk.models import runtime as rt\n\n"
        "    class Call(Protocol):\n"
        '        """``client.call``: an operation\'s input model -> its output model."""\n\n'
        f"{''.join(call)}\n"
        "    class Paginate(Protocol):\n"
        '        """``client.paginate``: a paginated operation\'s input -> its pages."""\n\n'
        f"{''.join(paginate)}"
    )


def _module(
    header: str, doc: str, rows: Sequence[OperationEntry], typing: str | None, names: list[str]
) -> str:
    imports = ["from __future__ import annotations", ""]
    if typing is not None:
        imports += ["from typing import TYPE_CHECKING, Protocol, overload", ""]
    imports.append("from ic_sdk._call import Operation, Paginator")
    parts = [header, doc, "\n".join(imports)]
    parts.append(f"__all__ = {sorted(names)!r}")
    parts.append(_table(rows))
    if typing is not None:
        parts.append(typing)
    return "\n\n".join(parts) + "\n"


def generate(services: Sequence[load.RawService], loader: Any = None) -> dict[str, str]:
    """The two table modules, by path relative to the repository root."""
    by_name = {s.name: s for s in services}
    sm, rt = by_name["sagemaker"], by_name["sagemaker-runtime"]
    loader = loader or botocore.loaders.Loader()
    sm_rows, rt_rows = entries(sm, loader), entries(rt, loader)
    return {
        "src/ic_sdk/models/_operations.py": _module(
            render.header(sm.botocore_version),
            SAGEMAKER_DOC,
            sm_rows,
            _protocols([*sm_rows, *rt_rows]),
            ["OPERATIONS"],
        ),
        "src/ic_sdk/models/runtime/_operations.py": _module(
            render.header(rt.botocore_version), RUNTIME_DOC, rt_rows, None, ["OPERATIONS"]
        ),
    }
