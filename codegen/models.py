"""Stage 4: the model classes, from the JSON Schema, through datamodel-code-generator.

The input is the service's shipped JSON Schema (:mod:`codegen.schema`), nothing else.
Two small steps around datamodel-code-generator do what its options cannot:

- **before**: each structure member gets one ``x-ic`` key (read with
  ``field_extra_keys``) holding its Python annotation, its field metadata (a dict the
  template writes with datamodel-code-generator's interpreter-independent ``repr``
  filter) and its wrapped docstring, all derived from the schema's ``x-`` keys and
  constraint keywords (:func:`field_metadata`), and its field name (``x-python-name``);
  each class gets its
  module name, imports and docstring as extra template data. datamodel-code-generator
  names the enum members (``x-enum-varnames``) and renders every class through our
  templates (``templates/dmcg``: attrs classes and ``StrEnum`` s). Fields keep their
  wire names inside datamodel-code-generator: given the Python names (``aliases``), it
  rewrites builtins a field name shadows (``bytes`` → ``bytes_aliased``) across its one
  module, which per-shape modules do not need.
- **after**: datamodel-code-generator writes one module; the templates start each class
  with a ``# @@ic-module <name>`` marker, and :func:`split` cuts the output there into the
  per-shape modules (dropping datamodel-code-generator's own import preamble, which the
  templates replace).

The big service is rendered in two parallel slices (:func:`render_classes`).
Generation times are measured by ``benchmarks/bench_codegen.py`` (figures in
:mod:`codegen.render`).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any, cast

from codegen import naming
from codegen.doctext import docstring
from codegen.schema import BOUNDS
from ic_sdk._meta import FieldMeta, ValueKind, ValueMeta, meta_problems

__all__ = ["MARKER", "annotation", "field_metadata", "module_names", "render_classes", "split"]

TEMPLATES = Path(__file__).parent / "templates" / "dmcg"
MARKER = "# @@ic-module "

_PY = {
    "string": "str",
    "integer": "int",
    "long": "int",
    "float": "float",
    "double": "float",
    "boolean": "bool",
    "timestamp": "datetime",
    "blob": "bytes",
}

Defs = dict[str, dict[str, Any]]


def _target(ref: dict[str, Any]) -> str:
    return str(ref["$ref"]).removeprefix("#/$defs/")


def annotation(defs: Defs, name: str, uses: set[str]) -> str:
    """The Python annotation of a value of shape ``name``; class names go into ``uses``."""
    d = defs[name]
    if d["x-kind"] != "alias":
        uses.add(name)
        return f"{name} | str" if d["x-kind"] == "enum" else name
    t = d["x-type"]
    if t == "list":
        return f"list[{annotation(defs, _target(d['items']), uses)}]"
    if t == "map":
        return f"dict[str, {annotation(defs, _target(d['additionalProperties']), uses)}]"
    if t == "timestamp":
        uses.add("datetime")
    return _PY[t]


def describe(defs: Defs, name: str) -> ValueMeta:
    """Metadata describing a value of shape ``name`` (type, shape, constraints, nesting)."""
    d = defs[name]
    t = d["x-type"]
    meta: ValueMeta = {"type": cast(ValueKind, t), "shape": name}
    low, high = BOUNDS.get(t, ("x-min", "x-max"))
    if low in d:
        meta["min"] = d[low]
    if high in d:
        meta["max"] = d[high]
    if "x-pattern" in d:
        meta["pattern"] = d["x-pattern"]
    if d["x-kind"] == "enum":
        meta["enum"] = tuple(d["enum"])
    if d.get("x-sensitive"):
        meta["sensitive"] = True
    if t == "list":
        meta["member"] = describe(defs, _target(d["items"]))
    elif t == "map":
        meta["key"] = describe(defs, _target(d["propertyNames"]))
        meta["value"] = describe(defs, _target(d["additionalProperties"]))
        if meta["value"].get("sensitive"):
            meta["sensitive"] = True
    return meta


def field_metadata(defs: Defs, wire: str, prop: dict[str, Any], required: bool) -> FieldMeta:
    """The ``attrs`` metadata of the field for structure member ``wire``.

    Typed by, and checked against, the contract its readers share (:mod:`ic_sdk._meta`).
    """
    # A FieldMeta is a ValueMeta plus the member's keys (mypy cannot merge the two types).
    meta = cast(FieldMeta, {"wire": wire, "required": required, **describe(defs, _target(prop))})
    if prop.get("x-jsonvalue"):
        # botocore (de)serializes the member as any JSON value despite its string shape.
        meta["jsonvalue"] = True
    problems = meta_problems(meta)
    if problems:
        raise ValueError(f"metadata of member {wire} breaks ic_sdk._meta's contract: {problems}")
    return meta


def module_names(defs: Defs) -> dict[str, str]:
    """Shape name → module name, for the shapes that get a module (structures, enums)."""
    out: dict[str, str] = {}
    taken: dict[str, str] = {}
    for name, d in defs.items():
        if d["x-kind"] == "alias":
            continue
        module = naming.module_name(name)
        if module in taken:
            raise ValueError(f"shapes {taken[module]} and {name} map to module {module}")
        taken[module] = name
        out[name] = module
    return out


def _class_doc(d: dict[str, Any]) -> str:
    return docstring(d.get("description") or d["x-doc"], indent="    ")


def _structure(
    name: str, d: dict[str, Any], defs: Defs, modules: dict[str, str], head: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(datamodel-code-generator input, template data) for one structure."""
    required = set(d.get("required", ()))
    uses: set[str] = set()
    redact = False
    props: dict[str, Any] = {}
    for index, (wire, prop) in enumerate(d["properties"].items()):
        meta = field_metadata(defs, wire, prop, wire in required)
        hint = "Any" if prop.get("x-jsonvalue") else annotation(defs, _target(prop), uses)
        if wire not in required:
            hint += " | None"
        sensitive = bool(meta.get("sensitive"))
        redact = redact or sensitive
        doc = prop.get("description")
        props[wire] = {
            "x-ic": {
                "index": index,
                "name": prop["x-python-name"],
                "annotation": hint,
                "required": wire in required,
                "metadata": meta,
                "redact": sensitive,
                "doc": docstring(doc, indent="    ") if doc else "",
            }
        }
    imports = sorted((modules[n], n) for n in uses if n in modules and n != name)
    data = {
        "module": modules[name],
        "header": head,
        "doc": _class_doc(d),
        "imports": imports,
        "datetime": "datetime" in uses,
        "redact": redact,
    }
    schema = {"type": "object", "properties": props, "required": sorted(required)}
    return schema, data


#: Classes per datamodel-code-generator run below which one process does everything.
_PARALLEL_MIN = 200


def _dmcg(inputs: dict[str, Any], template_data: dict[str, dict[str, Any]]) -> str:
    """One datamodel-code-generator run over some classes: their source, as one module."""
    # Imported here: datamodel-code-generator takes a second to import, and only this needs it.
    from datamodel_code_generator import InputFileType, generate
    from datamodel_code_generator.enums import DataModelType
    from jinja2.exceptions import UndefinedError

    try:
        source = generate(
            # Titled: an untitled root is named ``Model``, which renames the ``Model`` shape.
            {"title": "IcSdkShapes", "$defs": inputs},
            input_file_type=InputFileType.JsonSchema,
            output_model_type=DataModelType.DataclassesDataclass,
            custom_template_dir=TEMPLATES,
            field_extra_keys={"x-ic"},
            extra_template_data=defaultdict(dict, template_data),
            keep_model_order=True,
            skip_root_model=True,
            formatters=[],
            disable_timestamp=True,
        )
    except UndefinedError as exc:
        # Template data is keyed by shape name: a class datamodel-code-generator renamed
        # (to avoid a clash) would find none, and would carry the wrong name anyway.
        raise ValueError(f"datamodel-code-generator renamed a class: {exc}") from exc
    assert isinstance(source, str)
    return source


def render_classes(service_schema: dict[str, Any], head: str, jobs: int = 2) -> dict[str, str]:
    """``_shapes/<module>.py`` → source, for every structure and enum of the schema.

    A large service is cut into ``jobs`` slices rendered by parallel processes: no
    class refers to another in datamodel-code-generator's input (annotations come
    ready-made), so the slices are independent and the output is the same.
    """
    defs: Defs = service_schema["$defs"]
    modules = module_names(defs)
    inputs: dict[str, Any] = {}
    template_data: dict[str, dict[str, Any]] = {}
    for name, d in defs.items():
        kind = d["x-kind"]
        if kind == "structure":
            inputs[name], data = _structure(name, d, defs, modules, head)
        elif kind == "enum":
            inputs[name] = {
                "type": "string",
                "enum": d["enum"],
                "x-enum-varnames": d["x-enum-varnames"],
            }
            data = {"module": modules[name], "header": head, "doc": _class_doc(d)}
        else:
            continue
        template_data[name] = {"ic": data}
    names = list(inputs)
    # Forking a process that runs threads may deadlock: then one process does it all.
    if jobs < 2 or len(names) < _PARALLEL_MIN or threading.active_count() > 1:
        sources = [_dmcg(inputs, template_data)]
    else:
        slices = [names[i::jobs] for i in range(jobs)]
        ctx = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=ctx) as pool:
            futures = [
                pool.submit(
                    _dmcg,
                    {n: inputs[n] for n in part},
                    {n: template_data[n] for n in part},
                )
                for part in slices
            ]
            sources = [f.result() for f in futures]
    files: dict[str, str] = {}
    for source in sources:
        files.update(split(source))
    expected = {f"_shapes/{m}.py" for m in modules.values()}
    if set(files) != expected:
        raise ValueError(
            "datamodel-code-generator output lacks or adds modules: "
            f"{sorted(set(files) ^ expected)[:10]}"
        )
    return dict(sorted(files.items()))


def split(source: str) -> dict[str, str]:
    """Cut datamodel-code-generator's single module at the templates' markers."""
    files: dict[str, str] = {}
    chunks = source.split("\n" + MARKER)
    for chunk in chunks[1:]:  # chunks[0]: datamodel-code-generator's preamble
        module, _, text = chunk.partition("\n")
        files[f"_shapes/{module}.py"] = text.rstrip("\n") + "\n"
    return files
