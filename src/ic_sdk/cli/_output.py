"""Writing results: JSON documents, aligned text tables, secrets kept out of both."""

from __future__ import annotations

import base64
import enum
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, TextIO

from ic_sdk._redact import describe_secret

__all__ = ["CliError", "dump_json", "redact_environments", "table", "to_jsonable"]


class CliError(Exception):
    """A user mistake the CLI reports in one line (exit status 1), never with a traceback."""


def to_jsonable(value: Any) -> Any:
    """``value`` with datetimes as ISO 8601, bytes as text (or base64) and enums as values."""
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return {"base64": base64.b64encode(raw).decode("ascii")}
    return value


def dump_json(value: Any, stream: TextIO) -> None:
    """Write ``value`` as indented JSON and a newline."""
    stream.write(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))
    stream.write("\n")


def redact_environments(value: Any) -> Any:
    """A copy of a wire dict in which every ``Environment`` map shows lengths, not values."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key == "Environment" and isinstance(item, Mapping):
                out[key] = {k: describe_secret(v) for k, v in item.items()}
            else:
                out[key] = redact_environments(item)
        return out
    if isinstance(value, list):
        return [redact_environments(v) for v in value]
    return value


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], stream: TextIO) -> None:
    """An aligned plain-text table (two spaces between columns, no trailing blanks)."""
    cells = [[str(c) for c in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        line = "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
        stream.write(line.rstrip() + "\n")
