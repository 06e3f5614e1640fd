"""Reprs that never show secret values (container environments often hold tokens)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["describe_secret", "redact"]


def describe_secret(value: object) -> str:
    """``<redacted, N chars>`` for a string; the type for anything else."""
    if isinstance(value, str | bytes):
        return f"<redacted, {len(value)} chars>"
    return f"<redacted {type(value).__name__}>"


def redact(value: Any) -> str:
    """repr of a secret value or of a mapping of secrets: keys shown, values hidden."""
    if value is None:
        return "None"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{k!r}: {describe_secret(v)}" for k, v in value.items())
        return "{" + inner + "}"
    return describe_secret(value)
