"""``client.call``: one name per concept, and truthful answers for the mutations of the
deployment path under throttling, 5xx answers, dropped connections and lost answers.
"""

from __future__ import annotations

import pytest

from ic_sdk import _call, _core, models


def test_the_table_row_and_the_operation_name_agree_where_both_apply() -> None:
    from ic_sdk.models._operations import OPERATIONS

    assert not hasattr(_call, "operation_of")  # one name, one meaning (see _core)
    checked = 0
    for shape, row in OPERATIONS.items():
        cls = getattr(models, shape)
        request = cls.__new__(cls)  # no fields needed: only the type is read
        assert _call.operation_row(request) is row
        if shape.endswith("Input"):
            assert _core.operation_of(request) == row.name
            checked += 1
    assert checked >= 60  # every request the client builds itself is among them


def test_operation_row_refuses_what_is_no_input_model() -> None:
    with pytest.raises(TypeError, match="not the input model"):
        _call.operation_row(models.Tag(key="k", value="v"))
