"""mkdocs hook: the models reference, generated from ``ic_sdk.models`` at build time.

Pages it adds (nothing is written to disk):

- ``reference/models/inference-components.md``: every shape reachable from the
  inference-component operations (Create/Describe/Update/UpdateRuntimeConfig/Delete/List),
  one section each: docstring, and a table of fields with their wire names, types,
  whether they are required, and the constraints from the generated field metadata;
- ``reference/models/runtime.md``: the same for InvokeEndpoint (and its streaming form);
- ``reference/models/all-shapes.md``: an index of every name in ``ic_sdk.models`` (about
  3,100), read from the generated sources without importing them.

It also rewrites the Sphinx roles the handwritten docstrings use (``:class:`~a.B```) into
plain code in the pages mkdocstrings renders, and stands in for a guide page another
author has not written yet (so a strict build does not fail on the nav).
"""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
import itertools
import re
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ic_sdk import _meta

SAGEMAKER_ROOTS = [
    "CreateInferenceComponentInput",
    "CreateInferenceComponentOutput",
    "DescribeInferenceComponentInput",
    "DescribeInferenceComponentOutput",
    "UpdateInferenceComponentInput",
    "UpdateInferenceComponentOutput",
    "UpdateInferenceComponentRuntimeConfigInput",
    "UpdateInferenceComponentRuntimeConfigOutput",
    "DeleteInferenceComponentInput",
    "ListInferenceComponentsInput",
    "ListInferenceComponentsOutput",
]
RUNTIME_ROOTS = [
    "InvokeEndpointInput",
    "InvokeEndpointOutput",
    "InvokeEndpointWithResponseStreamInput",
    "InvokeEndpointWithResponseStreamOutput",
]
_ENUM_INLINE = 12
_ROLE = re.compile(
    r":(?:py:)?(?:class|func|meth|data|mod|attr|exc|obj|const):<code>~?([\w.]+)</code>"
)


# --------------------------------------------------------------------------- helpers


def _cell(text: str) -> str:
    """Text for one Markdown table cell: one line, pipes escaped outside code spans."""
    parts = re.split(r"(`[^`]*`)", " ".join(text.split()))
    return "".join(p if p.startswith("`") else p.replace("|", "\\|") for p in parts)


def _doc(obj: Any) -> str:
    return inspect.cleandoc(obj.__doc__ or "")


def _num(x: Any) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _range(lo: Any, hi: Any) -> str | None:
    if lo is not None and hi is not None:
        return f"{_num(lo)}–{_num(hi)}"
    if lo is not None:
        return f"≥ {_num(lo)}"
    if hi is not None:
        return f"≤ {_num(hi)}"
    return None


def constraints(meta: Mapping[str, Any], documented: set[str]) -> list[str]:
    """Human-readable constraints of a field (or list member / map key or value)."""
    kind = meta.get("type")
    lo = meta.get("min")
    hi = meta.get("max")
    if kind == "string" and lo == 0:
        lo = None  # "length 0-n" says nothing a maximum does not
    out: list[str] = []
    span = _range(lo, hi)
    if span is not None:
        unit = {
            "string": "length",
            "list": "items",
            "map": "entries",
            "blob": "bytes",
        }.get(str(kind))
        if unit == "length":
            out.append(f"length {span}")
        elif unit is not None:
            out.append(f"{span} {unit}")
        else:
            out.append(span)
    if "pattern" in meta:
        out.append(f"pattern `{meta['pattern']}`")
    if "enum" in meta and meta.get("shape") not in documented:
        values = meta["enum"]
        if len(values) <= _ENUM_INLINE:
            out.append("one of " + ", ".join(f"`{v}`" for v in values))
        else:
            out.append(f"one of {len(values)} values")
    if meta.get("sensitive"):
        out.append("**secret** (never shown in messages)")
    for part, label in (("member", "each"), ("key", "keys"), ("value", "values")):
        inner = meta.get(part)
        if isinstance(inner, Mapping):
            described = constraints(inner, documented)
            if described:
                out.append(f"{label}: " + ", ".join(described))
    return out


def field_docs(cls: type) -> dict[str, str]:
    """Attribute docstrings (the string right after each field) from the class's source."""
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return {}
    tree = ast.parse(textwrap.dedent(source))
    node = tree.body[0]
    docs: dict[str, str] = {}
    if not isinstance(node, ast.ClassDef):
        return docs
    body = node.body
    for stmt, nxt in itertools.pairwise(body):
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(nxt, ast.Expr)
            and isinstance(nxt.value, ast.Constant)
            and isinstance(nxt.value.value, str)
        ):
            docs[stmt.target.id] = inspect.cleandoc(nxt.value.value)
    return docs


def _is_struct(obj: Any) -> bool:
    return isinstance(obj, type) and attrs.has(obj)


def _is_enum(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, enum.Enum)


def _referenced(meta: Mapping[str, Any]) -> Iterable[str]:
    if "shape" in meta:
        yield meta["shape"]
    for part in ("member", "key", "value"):
        inner = meta.get(part)
        if isinstance(inner, Mapping):
            yield from _referenced(inner)


def closure(package: Any, roots: list[str]) -> list[tuple[str, Any]]:
    """Roots first, then every structure and enum they reach, by name."""
    found: dict[str, Any] = {}
    todo = list(roots)
    while todo:
        name = todo.pop(0)
        if name in found:
            continue
        try:
            obj: Any = _meta.shape_in(package.__name__, name)
        except LookupError:
            continue
        if _is_struct(obj):
            found[name] = obj
            for _f, meta in _meta.fields(obj):
                todo.extend(_referenced(meta))
        elif _is_enum(obj):
            found[name] = obj
    rest = sorted(n for n in found if n not in roots)
    return [(n, found[n]) for n in roots if n in found] + [(n, found[n]) for n in rest]


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _type_text(annotation: Any, documented: set[str], page: str = "") -> str:
    text = (
        annotation
        if isinstance(annotation, str)
        else getattr(annotation, "__name__", str(annotation))
    )

    def link(match: re.Match[str]) -> str:
        word = match[0]
        return f"[{word}]({page}#{word})" if word in documented else word

    return _IDENT.sub(link, text)


# --------------------------------------------------------------------------- pages


def shapes_page(title: str, intro: str, package: Any, import_from: str, roots: list[str]) -> str:
    shapes = closure(package, roots)
    documented = {name for name, _ in shapes}
    lines = [f"# {title}", "", intro, ""]
    structs = [(n, o) for n, o in shapes if _is_struct(o)]
    enums = [(n, o) for n, o in shapes if _is_enum(o)]
    lines += ["| shape | kind | summary |", "|---|---|---|"]
    for name, obj in shapes:
        kind = "enum" if _is_enum(obj) else ("operation" if name in roots else "structure")
        summary = _first_sentence(_doc(obj))
        lines.append(f"| [{name}](#{name}) | {kind} | {_cell(summary)} |")
    lines.append("")
    for name, cls in structs:
        lines += _struct_section(name, cls, documented, import_from, package)
    for name, cls in enums:
        lines += _enum_section(name, cls, import_from)
    return "\n".join(lines) + "\n"


def _struct_section(
    name: str, cls: type, documented: set[str], import_from: str, package: Any
) -> list[str]:
    lines = [f"## {name} {{#{name}}}", "", f"`from {import_from} import {name}`", ""]
    doc = _doc(cls)
    if doc:
        lines += [doc, ""]
    docs = field_docs(cls)
    rows = []
    for f, meta in _meta.fields(cls):
        required = "**yes**" if meta.get("required") else ""
        rows.append(
            "| `{}` | `{}` | {} | {} | {} | {} |".format(
                f.name,
                meta.get("wire", ""),
                _cell(_type_text(f.type, documented)),
                required,
                _cell("; ".join(constraints(meta, documented))),
                _cell(docs.get(f.name, "")),
            )
        )
    if rows:
        lines += [
            "| field | wire name | type | required | constraints | description |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    else:
        lines += ["No fields.", ""]
    return lines


def _enum_section(name: str, cls: type[enum.Enum], import_from: str) -> list[str]:
    members = list(cls)
    lines = [
        f"## {name} {{#{name}}}",
        "",
        f"`from {import_from} import {name}` · `enum.StrEnum`; fields typed `{name} | str` "
        "also take the value as a plain string (and keep values newer than this release).",
        "",
    ]
    table = ["| member | value |", "|---|---|"]
    table += [f"| `{m.name}` | `{m.value}` |" for m in members]
    if len(members) > _ENUM_INLINE:
        lines.append(f'??? note "{len(members)} values"')
        lines.append("")
        lines += [f"    {row}" for row in table]
    else:
        lines += table
    lines.append("")
    return lines


def _first_sentence(doc: str) -> str:
    text = " ".join(doc.split())
    match = re.match(r"(.+?\.)(\s|$)", text)
    sentence = match[1] if match else text
    return sentence if len(sentence) <= 160 else sentence[:159] + "…"


# --------------------------------------------------------------------------- all shapes

_CLASS = re.compile(r'^class (\w+)(?:\(([^)]*)\))?:\s*\n\s*"""(.*?)"""', re.M | re.S)
_ALIAS = re.compile(r"^(\w+): TypeAlias = (.+)$", re.M)


def all_shapes_page(linked: set[str]) -> str:
    models = importlib.import_module("ic_sdk.models")
    modules: Mapping[str, str] = models._MODULES
    root = Path(str(models.__file__)).parent
    aliases = {
        m[1]: m[2].strip().strip('"')
        for m in _ALIAS.finditer((root / "_aliases.py").read_text(encoding="utf-8"))
    }
    rows: dict[str, tuple[str, str]] = {}
    for name, module in sorted(modules.items()):
        if module == "._aliases":
            rows[name] = ("alias", _cell(f"`{aliases.get(name, '?')}`"))
        elif module.startswith("._shapes."):
            path = root / "_shapes" / (module.rsplit(".", 1)[1] + ".py")
            text = path.read_text(encoding="utf-8")
            found = {m[1]: (m[2], m[3]) for m in _CLASS.finditer(text)}
            base, doc = found.get(name, ("", ""))
            kind = "enum" if "Enum" in (base or "") else "structure"
            rows[name] = (kind, _cell(_first_sentence(inspect.cleandoc(doc))))
    counts = {
        k: sum(1 for kind, _ in rows.values() if kind == k) for k in ("structure", "enum", "alias")
    }
    lines = [
        "# All shapes",
        "",
        f"Every name in `ic_sdk.models`: {len(rows)} shapes of the SageMaker service model "
        f"({counts['structure']} structures, {counts['enum']} enums, {counts['alias']} type "
        "aliases), each importable as `from ic_sdk.models import Name` and loaded on first "
        "use. Shapes of the inference-component operations link to their "
        "[reference](inference-components.md); the runtime's shapes are in "
        "[`ic_sdk.models.runtime`](runtime.md).",
        "",
    ]
    letters = sorted({n[0].upper() for n in rows})
    lines.append(" · ".join(f"[{c}](#{c.lower()})" for c in letters))
    lines.append("")
    for letter in letters:
        lines += [
            f"## {letter} {{#{letter.lower()}}}",
            "",
            "| name | kind | summary |",
            "|---|---|---|",
        ]
        for name in sorted(n for n in rows if n[0].upper() == letter):
            kind, summary = rows[name]
            shown = f"[{name}](inference-components.md#{name})" if name in linked else f"`{name}`"
            lines.append(f"| {shown} | {kind} | {summary} |")
        lines.append("")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- mkdocs hooks


def generated_pages() -> dict[str, str]:
    models = importlib.import_module("ic_sdk.models")
    runtime = importlib.import_module("ic_sdk.models.runtime")
    ic_page = shapes_page(
        "Inference-component shapes",
        "The request and response shapes of the inference-component operations and every "
        "structure and enum they contain, generated from `ic_sdk.models` when these docs "
        "are built. *Wire name* is the PascalCase key botocore sends; *constraints* are "
        "the service model's, which `ic_sdk.validate` checks (the inference-component "
        "rules beyond them are in [Validation rules](../../guides/validation-rules.md)). "
        "Every field that is not required defaults to `None`.",
        models,
        "ic_sdk.models",
        SAGEMAKER_ROOTS,
    )
    runtime_page = shapes_page(
        "Runtime shapes",
        "The shapes of `InvokeEndpoint` and `InvokeEndpointWithResponseStream` "
        "(sagemaker-runtime), generated from `ic_sdk.models.runtime`.",
        runtime,
        "ic_sdk.models.runtime",
        RUNTIME_ROOTS,
    )
    linked = {name for name, _ in closure(models, SAGEMAKER_ROOTS)}
    return {
        "reference/models/inference-components.md": ic_page,
        "reference/models/runtime.md": runtime_page,
        "reference/models/all-shapes.md": all_shapes_page(linked),
    }


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    for uri, content in generated_pages().items():
        files.append(File.generated(config, uri, content=content))
    return files


_PAGES = {
    "client": "client.md",
    "waiters": "waiters.md",
    "builders": "builders.md",
    "validation": "validation.md",
    "preflight": "preflight.md",
    "errors": "errors.md",
    "serde": "serde.md",
    "testing": "testing.md",
    "clock": "clock.md",
    "models": "models/index.md",
}


def public_names_table() -> str:
    """``ic_sdk.__all__`` grouped by the module that defines each name."""
    package = importlib.import_module("ic_sdk")
    by_module: dict[str, list[str]] = {}
    for name in package.__all__:
        value = getattr(package, name)
        module = value.__name__ if inspect.ismodule(value) else value.__module__
        by_module.setdefault(module, []).append(name)
    lines = ["| names | defined in |", "|---|---|"]
    for module, names in sorted(by_module.items()):
        page = _PAGES.get(module.removeprefix("ic_sdk.").split(".")[0])
        where = f"[`{module}`]({page})" if page else f"`{module}`"
        lines.append(f"| {', '.join(f'`{n}`' for n in names)} | {where} |")
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if "<!-- public-names -->" in markdown:
        markdown = markdown.replace("<!-- public-names -->", public_names_table())
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """``:class:`~ic_sdk.errors.ValidationError``` in a docstring -> ``ValidationError``."""

    def short(match: re.Match[str]) -> str:
        target = match[1]
        shown = target.rsplit(".", 1)[-1] if match[0].count("~") else target
        return f"<code>{shown}</code>"

    return _ROLE.sub(short, html)
