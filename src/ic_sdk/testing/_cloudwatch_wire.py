"""CloudWatch's wire protocols (Application Auto Scaling is a JSON 1.1 service of
``_protocol.Service``, ``X-Amz-Target: AnyScaleFrontendService.<Op>``).

- CloudWatch, in each protocol a botocore release allowed by ``pyproject.toml`` may send:
  ``smithy-rpc-v2-cbor`` (``POST /service/GraniteServiceVersion20100801/operation/<Op>``,
  CBOR bodies; current botocore), ``json`` (JSON 1.0 with
  ``X-Amz-Target: GraniteServiceVersion20100801.<Op>``) and ``query`` (form-encoded
  ``Action=<Op>`` bodies, XML answers; older botocore). CloudWatch is
  ``awsQueryCompatible``: JSON and CBOR errors carry the query error code in
  ``x-amzn-query-error``, which botocore reads.

:func:`route` recognizes a request and answers a :class:`Route`: the operation's name
(faults are planned by it), how to run it and how to write an error in its protocol.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

import attrs

from ic_sdk.testing import _cbor
from ic_sdk.testing._checks import parse_json
from ic_sdk.testing._resources import ServiceFault
from ic_sdk.testing._wire import WireResponse, request_id

__all__ = ["Route", "route"]

#: ``call(operation, request)``: the operation's answer (raises ``ServiceFault``).
Call = Callable[[str, dict[str, Any]], dict[str, Any]]

_CW_PREFIX: Final = "GraniteServiceVersion20100801."
_CBOR_PATH: Final = re.compile(r"^/service/GraniteServiceVersion20100801/operation/(?P<op>\w+)$")
_XMLNS: Final = "http://monitoring.amazonaws.com/doc/2010-08-01/"


@attrs.frozen
class Route:
    """A recognized request: its operation, how to run it, how to write its errors."""

    operation: str
    run: Callable[[Call], WireResponse]
    error: Callable[[ServiceFault], WireResponse]


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot serialize {type(value).__name__}")


def _query_error_header(fault: ServiceFault) -> str:
    side = "Sender" if fault.status < 500 else "Receiver"
    return f"{fault.code};{side}"


# -- CloudWatch: smithy-rpc-v2-cbor --------------------------------------------------------


def _cw_cbor(operation: str, body: bytes) -> Route:
    def headers() -> dict[str, str]:
        return {
            "Content-Type": "application/cbor",
            "smithy-protocol": "rpc-v2-cbor",
            "x-amzn-RequestId": request_id(),
        }

    def run(call: Call) -> WireResponse:
        try:
            request = _cbor.loads(body)
        except ValueError:
            raise ServiceFault("SerializationException", "Malformed CBOR request body.") from None
        if not isinstance(request, dict):
            raise ServiceFault("SerializationException", "The request body must be a CBOR map.")
        return WireResponse(200, headers(), _cbor.dumps(call(operation, request)))

    def error(fault: ServiceFault) -> WireResponse:
        answer = headers()
        if not fault.code:
            return WireResponse(fault.status, answer, b"")
        answer["x-amzn-query-error"] = _query_error_header(fault)
        document = {"__type": f"com.amazonaws.cloudwatch#{fault.code}", "message": fault.message}
        return WireResponse(fault.status, answer, _cbor.dumps(document))

    return Route(operation, run, error)


# -- CloudWatch: JSON 1.0 ------------------------------------------------------------------


def _cw_json(operation: str, body: bytes) -> Route:
    content_type = "application/x-amz-json-1.0"

    def run(call: Call) -> WireResponse:
        result = call(operation, parse_json(body))
        headers = {"Content-Type": content_type, "x-amzn-RequestId": request_id()}
        return WireResponse(200, headers, json.dumps(result, default=_default).encode())

    def error(fault: ServiceFault) -> WireResponse:
        headers = {"Content-Type": content_type, "x-amzn-RequestId": request_id()}
        if not fault.code:
            return WireResponse(fault.status, headers, b"")
        headers["x-amzn-query-error"] = _query_error_header(fault)
        document = {"__type": f"com.amazonaws.cloudwatch#{fault.code}", "message": fault.message}
        return WireResponse(fault.status, headers, json.dumps(document).encode())

    return Route(operation, run, error)


# -- CloudWatch: query ---------------------------------------------------------------------


def _from_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``Dimensions.member.1.Name=x`` -> ``{"Dimensions": [{"Name": "x"}]}``."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        if key in ("Action", "Version"):
            continue
        parts = key.split(".")
        node: Any = root
        index = 0
        while index < len(parts) - 1:
            part = parts[index]
            if parts[index + 1] == "member" and index + 2 < len(parts):
                items = node.setdefault(part, {})
                position = int(parts[index + 2])
                if index + 3 == len(parts):
                    items[position] = value
                    node = None
                    break
                node = items.setdefault(position, {})
                index += 3
                continue
            node = node.setdefault(part, {})
            index += 1
        if node is not None:
            node[parts[-1]] = value
    result: dict[str, Any] = _lists(root)
    return result


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        if node and all(isinstance(k, int) for k in node):
            return [_lists(node[k]) for k in sorted(node)]
        return {k: _lists(v) for k, v in node.items()}
    return node


def _to_xml(value: Any) -> str:
    if isinstance(value, dict):
        return "".join(f"<{k}>{_to_xml(v)}</{k}>" for k, v in value.items())
    if isinstance(value, list):
        return "".join(f"<member>{_to_xml(v)}</member>" for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return escape(str(value))


def _cw_query(operation: str, form: Mapping[str, Any]) -> Route:
    content_type = "text/xml"

    def run(call: Call) -> WireResponse:
        result = call(operation, dict(form))
        rid = request_id()
        inner = f"<{operation}Result>{_to_xml(result)}</{operation}Result>" if result else ""
        document = (
            f'<{operation}Response xmlns="{_XMLNS}">{inner}<ResponseMetadata><RequestId>'
            f"{rid}</RequestId></ResponseMetadata></{operation}Response>"
        )
        headers = {"Content-Type": content_type, "x-amzn-RequestId": rid}
        return WireResponse(200, headers, document.encode())

    def error(fault: ServiceFault) -> WireResponse:
        rid = request_id()
        headers = {"Content-Type": content_type, "x-amzn-RequestId": rid}
        if not fault.code:
            return WireResponse(fault.status, headers, b"")
        side = "Sender" if fault.status < 500 else "Receiver"
        document = (
            f'<ErrorResponse xmlns="{_XMLNS}"><Error><Type>{side}</Type><Code>{fault.code}</Code>'
            f"<Message>{escape(fault.message)}</Message></Error><RequestId>{rid}"
            "</RequestId></ErrorResponse>"
        )
        return WireResponse(fault.status, headers, document.encode())

    return Route(operation, run, error)


def route(method: str, path: str, headers: Mapping[str, str], body: bytes) -> Route | None:
    """The route for a request to one of these services, or ``None`` (header names lower)."""
    if method != "POST":
        return None
    match = _CBOR_PATH.match(path)
    if match is not None:
        return _cw_cbor(match["op"], body)
    if path != "/":
        return None
    target = headers.get("x-amz-target", "")
    if target.startswith(_CW_PREFIX):
        return _cw_json(target.removeprefix(_CW_PREFIX), body)
    if not target and headers.get("content-type", "").startswith(
        "application/x-www-form-urlencoded"
    ):
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        action = next((v for k, v in pairs if k == "Action"), "")
        return _cw_query(action, _from_form(pairs))
    return None
