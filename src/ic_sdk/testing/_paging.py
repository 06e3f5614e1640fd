"""Paging, for every listing the emulator serves (SageMaker's ``List*``, Application Auto
Scaling's ``Describe*``, CloudWatch's ``DescribeAlarms``).

One token scheme: a ``NextToken`` is the offset of the next page, bound to the operation
and to the request's filters, and signed with a key of this process. A token that was
altered, made up, issued by another operation or for other filters is refused with the
error each service's model names for it:

- SageMaker: ``ValidationException`` (its ``List*`` operations model no error of their
  own; a bad request is a ``ValidationException``);
- Application Auto Scaling: ``InvalidNextTokenException`` "The next token supplied was
  invalid." (botocore ``application-autoscaling``: ``Describe*`` errors);
- CloudWatch: ``InvalidNextToken`` "The next token specified is invalid." (botocore
  ``cloudwatch``: ``DescribeAlarms`` errors).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

import attrs

from ic_sdk.testing._resources import ServiceFault, invalid

__all__ = ["Paging", "sagemaker_paging"]

_T = TypeVar("_T")

#: Signs this process's tokens; a token from another process (or made up) is refused.
_KEY: Final = os.urandom(32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@attrs.frozen(kw_only=True)
class Paging:
    """How one operation pages: its token and page-size fields, the page size by default
    and at most, and its service's errors for a bad token and a bad page size."""

    operation: str
    default: int
    #: The largest page size; ``None``: no bound but the model's own.
    maximum: int | None
    bad_token: Callable[[], ServiceFault]
    bad_limit: Callable[[str], ServiceFault]
    limit_field: str = "MaxResults"
    token_field: str = "NextToken"

    def page(self, items: Sequence[_T], body: Mapping[str, Any]) -> tuple[Sequence[_T], str | None]:
        """The page of ``items`` that ``body`` asks for, and the token of the next one."""
        scope = self._scope(body)
        offset = self._offset(body.get(self.token_field), scope)
        limit = self._limit(body.get(self.limit_field))
        end = offset + limit
        return items[offset:end], (self._token(end, scope) if end < len(items) else None)

    def answer(
        self,
        items: Sequence[_T],
        body: Mapping[str, Any],
        key: str,
        describe: Callable[[_T], Any],
    ) -> dict[str, Any]:
        """The response for the page ``body`` asks for: its ``items``, described, under
        ``key``, and the token of the next page (when there is one)."""
        shown, token = self.page(items, body)
        out: dict[str, Any] = {key: [describe(item) for item in shown]}
        if token is not None:
            out[self.token_field] = token
        return out

    def _limit(self, raw: object) -> int:
        if raw is None:
            return self.default
        try:
            limit = int(str(raw))
        except ValueError:
            raise self.bad_limit(f"{self.limit_field} must be an integer.") from None
        if limit < 1 or (self.maximum is not None and limit > self.maximum):
            most = f"between 1 and {self.maximum}" if self.maximum is not None else "at least 1"
            raise self.bad_limit(f"{self.limit_field} must be {most}, not {limit}.")
        return limit

    def _scope(self, body: Mapping[str, Any]) -> str:
        """The operation and the request's filters: what a token is good for."""
        filters = {k: v for k, v in body.items() if k not in (self.token_field, self.limit_field)}
        text = json.dumps([self.operation, filters], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _token(self, offset: int, scope: str) -> str:
        payload = json.dumps({"offset": offset, "scope": scope}, separators=(",", ":")).encode()
        mac = hmac.new(_KEY, payload, hashlib.sha256).digest()[:16]
        return f"{_b64(payload)}.{_b64(mac)}"

    def _offset(self, token: object, scope: str) -> int:
        if token is None or token == "":
            return 0
        try:
            encoded, _, signature = str(token).partition(".")
            payload = _unb64(encoded)
            expected = hmac.new(_KEY, payload, hashlib.sha256).digest()[:16]
            if not hmac.compare_digest(expected, _unb64(signature)):
                raise ValueError("signature")
            fields = json.loads(payload)
            offset = fields["offset"]
            if fields["scope"] != scope or not isinstance(offset, int) or offset < 0:
                raise ValueError("scope")
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise self.bad_token() from None
        return int(offset)


@functools.cache
def sagemaker_paging(operation: str, *, default: int = 10, maximum: int | None = 100) -> Paging:
    """How a SageMaker listing pages (a bad token or size: ``ValidationException``); one
    :class:`Paging` per operation, made on its first request."""
    return Paging(
        operation=operation,
        default=default,
        maximum=maximum,
        bad_token=lambda: invalid("The NextToken is invalid."),
        bad_limit=invalid,
    )
