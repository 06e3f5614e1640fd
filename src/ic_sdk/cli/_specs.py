"""Spec files: CreateInferenceComponent requests in YAML or JSON, in wire form.

A spec file holds what ``boto3``'s ``create_inference_component(**request)`` takes —
PascalCase keys — so it validates against the shipped JSON Schema
(``ic_sdk/schemas/create-inference-component.json``) in an editor. A YAML file may hold
several documents (``---``), e.g. a base component followed by its adapters. A top-level
``$schema`` key (how JSON files name their schema) is ignored; an ``Autoscaling`` key is
the component's autoscaling (``cli/_autoscale.py``), kept apart from the request.

Problems are reported with the line they point at: the YAML parser's node marks give
the line of every key, so ``Specification.Container.Image`` maps to the line where
``Image:`` is written (JSON is parsed for lines the same way).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ic_sdk.cli._output import CliError

if TYPE_CHECKING:
    from ic_sdk.validation import Problem

__all__ = [
    "SpecDocument",
    "format_problem",
    "load_specs",
    "nothing_sent",
    "parse_path",
    "schema_path",
]

_SEGMENT = re.compile(r'\.?([^.\[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')


def schema_path() -> Path:
    """Where the JSON Schema of a CreateInferenceComponent request is installed."""
    return Path(__file__).resolve().parent.parent / "schemas" / "create-inference-component.json"


@attrs.frozen(kw_only=True)
class SpecDocument:
    """One request read from a spec file."""

    #: How the file is named in messages (``-`` is standard input).
    source: str
    #: 1-based position of the document in its file.
    index: int
    #: How many documents the file holds.
    count: int
    #: The request in wire form, without ``$schema``.
    data: dict[str, Any]
    #: The ``Autoscaling`` extension mapping, if the document has one (not in ``data``).
    autoscaling: Any = None
    #: The YAML node tree, for line numbers (``None`` when it could not be built).
    node: Any = attrs.field(default=None, repr=False, eq=False)

    @property
    def name(self) -> str:
        value = self.data.get("InferenceComponentName")
        return value if isinstance(value, str) else f"document {self.index}"

    def line_of(self, path: str) -> int | None:
        """The 1-based line of the value at wire ``path`` (its nearest existing parent)."""
        if self.node is None:
            return None
        node = self.node
        line: int = node.start_mark.line + 1
        for segment in parse_path(path):
            found = _child(node, segment)
            if found is None:
                break
            key_line, node = found
            line = key_line
        return line


def parse_path(path: str) -> list[str | int]:
    """``Tags[3].Key`` -> ``["Tags", 3, "Key"]``; ``Environment["A.B"]`` keeps ``"A.B"``."""
    segments: list[str | int] = []
    position = 0
    while position < len(path):
        match = _SEGMENT.match(path, position)
        if match is None or match.end() == position:
            break
        name, index, key = match.groups()
        if index is not None:
            segments.append(int(index))
        elif key is not None:
            segments.append(re.sub(r"\\(.)", r"\1", key))
        else:
            segments.append(name)
        position = match.end()
    return segments


def _child(node: Any, segment: str | int) -> tuple[int, Any] | None:
    import yaml

    if isinstance(segment, int):
        if isinstance(node, yaml.SequenceNode) and 0 <= segment < len(node.value):
            item = node.value[segment]
            return item.start_mark.line + 1, item
        return None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == segment:
                return key.start_mark.line + 1, value
    return None


def format_problem(doc: SpecDocument, problem: Problem) -> str:
    """``spec.yaml:12: Specification.Container.Image: … [pattern]``."""
    line = doc.line_of(problem.path)
    where = doc.source if line is None else f"{doc.source}:{line}"
    if line is None and doc.count > 1:
        where += f" (document {doc.index})"
    tail = " (warning)" if problem.severity == "warning" else ""
    return f"{where}: {problem.path or '<request>'}: {problem.message} [{problem.rule}]{tail}"


def nothing_sent(messages: Sequence[str]) -> None:
    """Raise the one error of a spec with problems (``messages``, one a line); none: return."""
    if messages:
        count = len(messages)
        raise CliError(
            f"the spec has {count} problem{'s' if count != 1 else ''}; nothing was sent\n"
            + "\n".join(f"  {m}" for m in messages)
        )


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{source}: is a directory, not a spec file") from None
    except UnicodeDecodeError as exc:
        raise CliError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise CliError(f"{source}: cannot read: {exc.strerror or exc}") from None


def _yaml_module() -> Any:
    try:
        import yaml
    except ImportError:
        return None
    return yaml


def _load_yaml(source: str, text: str) -> tuple[list[Any], list[Any]]:
    """Every document of a YAML stream with its node tree (for line numbers)."""
    import yaml

    values: list[Any] = []
    nodes: list[Any] = []
    loader = yaml.SafeLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node() said there is one
                continue
            nodes.append(node)
            values.append(loader.construct_document(node))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        what = exc.problem or exc.context or "syntax error"
        raise CliError(f"{where}: invalid YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise CliError(f"{source}: invalid YAML: {exc}") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise CliError(f"{source}: cannot read a value: {exc}") from None
    except RecursionError:
        raise CliError(f"{source}: nested too deeply to read") from None
    finally:
        loader.dispose()
    return values, nodes


def _json_node(text: str) -> Any:
    """The YAML node tree of a JSON text (JSON is YAML), or ``None``."""
    yaml = _yaml_module()
    if yaml is None:
        return None
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None  # valid JSON that YAML 1.1 reads differently: no line numbers


def _json_int(text: str) -> int:
    """A JSON integer of any length (``int()`` refuses more than 4,300 digits)."""
    if len(text) < 4000:
        return int(text)
    from decimal import Decimal

    return int(Decimal(text))  # validation then reports it as out of range


def load_specs(source: str) -> list[SpecDocument]:
    """Every request in a YAML or JSON spec file (``-``: standard input).

    Raises :class:`CliError` for a missing file, a syntax error (with its line and
    column) or a document that is not a mapping.
    """
    text = _read(source)
    yaml = _yaml_module()
    values: list[Any]
    nodes: list[Any]
    if source.endswith(".json") or yaml is None:
        try:
            values = [json.loads(text, parse_int=_json_int)]
        except RecursionError:
            raise CliError(f"{source}: nested too deeply to read") from None
        except json.JSONDecodeError as exc:
            if yaml is None and not source.endswith(".json"):
                raise CliError(
                    f"{source}: reading YAML needs PyYAML: pip install 'ic-sdk[cli]'"
                ) from None
            raise CliError(f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
        nodes = [_json_node(text)]
    else:
        values, nodes = _load_yaml(source, text)
    if not values:
        raise CliError(f"{source}: no request in the file (it is empty)")
    docs: list[SpecDocument] = []
    for index, (value, node) in enumerate(zip(values, nodes, strict=True), start=1):
        if not isinstance(value, Mapping):
            what = "a list" if isinstance(value, list) else f"a {type(value).__name__}"
            if value is None:
                what = "an empty document"
            where = source if len(values) == 1 else f"{source} (document {index})"
            raise CliError(
                f"{where}: expected a mapping (a CreateInferenceComponent request), got {what}"
            )
        data = {str(k): v for k, v in value.items() if k not in ("$schema", "Autoscaling")}
        docs.append(
            SpecDocument(
                source=source,
                index=index,
                count=len(values),
                data=data,
                autoscaling=value.get("Autoscaling"),
                node=node,
            )
        )
    return docs


def load_all(sources: Sequence[str]) -> list[SpecDocument]:
    """:func:`load_specs` for each file, in order."""
    docs: list[SpecDocument] = []
    for source in sources:
        docs.extend(load_specs(source))
    return docs
