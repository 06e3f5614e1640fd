"""codegen.models: datamodel-code-generator's output, around the two small steps."""

from __future__ import annotations

from typing import Any

import pytest

from codegen import ir, models, schema
from codegen.load import RawService


def _service(shapes: dict[str, Any]) -> dict[str, Any]:
    model = {"metadata": {"apiVersion": "2024-01-01"}, "operations": {}, "shapes": shapes}
    raw = RawService(name="t", api_version="2024-01-01", botocore_version="0.0.0", model=model)
    return schema.service_schema(ir.build(raw))


def test_builtin_named_fields_keep_plain_builtin_annotations() -> None:
    # datamodel-code-generator aliases a builtin that a field name shadows in its one
    # module (bytes -> bytes_aliased); the per-shape modules must not inherit that.
    files = models.render_classes(
        _service(
            {
                "Part": {"type": "structure", "members": {"Bytes": {"shape": "Blob"}}},
                "Req": {"type": "structure", "members": {"Body": {"shape": "Blob"}}},
                "Blob": {"type": "blob"},
            }
        ),
        "# header",
    )
    assert "    bytes: bytes | None = attrs.field(" in files["_shapes/part.py"]
    assert "    body: bytes | None = attrs.field(" in files["_shapes/req.py"]
    assert "_aliased" not in "".join(files.values())


def test_the_model_shape_keeps_its_name() -> None:
    # An untitled root would be called Model and rename the shape of that name.
    files = models.render_classes(
        _service({"Model": {"type": "structure", "members": {}}}), "# header"
    )
    assert "class Model:" in files["_shapes/model.py"]


def test_a_class_without_template_data_is_an_error() -> None:
    with pytest.raises(ValueError, match="renamed a class"):
        models._dmcg({"Thing": {"type": "object", "properties": {}}}, {})


def test_split_cuts_at_markers_and_drops_the_preamble() -> None:
    source = f"import x\n\n{models.MARKER}a\nA = 1\n\n\n{models.MARKER}b\nB = 2\n"
    assert models.split(source) == {"_shapes/a.py": "A = 1\n", "_shapes/b.py": "B = 2\n"}


def test_big_services_render_the_same_in_parallel() -> None:
    shapes: dict[str, Any] = {
        f"S{i}": {"type": "structure", "members": {"N": {"shape": "Name"}}} for i in range(210)
    }
    shapes["Name"] = {"type": "string", "max": 10}
    service = _service(shapes)
    assert models.render_classes(service, "# h", jobs=2) == models.render_classes(
        service, "# h", jobs=1
    )
