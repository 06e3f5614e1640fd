"""What validation reports: :class:`Problem`, its severity, and how values are shown."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

__all__ = ["Problem", "Severity", "errors_only"]

#: ``"error"``: the service refuses the request (a client call does not send it);
#: ``"warning"``: the request may be fine, the service decides (a client call sends it).
Severity = Literal["error", "warning"]


@attrs.frozen
class Problem:
    """One thing wrong with a request.

    ``path`` names the value in wire names (``Specifications[1].Container.Environment["K"]``,
    ``Tags[3].Key``; ``""`` is the request itself), ``rule`` is a stable rule id (see
    :data:`~ic_sdk.validation.RULES`) and ``message`` says what is wrong in words (never a
    secret value). ``severity`` is ``"error"`` when the service refuses such a request and
    ``"warning"`` when only the service can tell (an enum value this release does not
    know, say): errors block sending, warnings do not.
    """

    path: str
    rule: str
    message: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        """Whether this problem blocks sending the request."""
        return self.severity == "error"

    def __str__(self) -> str:
        tail = " (warning)" if self.severity == "warning" else ""
        return f"{self.path or '<root>'}: {self.message} [{self.rule}]{tail}"


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that block sending (severity ``"error"``), in order."""
    return [p for p in problems if p.severity == "error"]


# --------------------------------------------------------------------------- messages

_SHOW_MAX = 60
#: Integers with more digits than this are described, not printed (``str`` of a
#: 5,000-digit integer raises, and nobody reads it).
_DIGITS_MAX = 30


def _show(value: Any) -> str:
    """A short repr of a (non-secret) value for a message; never raises."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _int_text(value)
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return f"a {type(value).__name__}"
    if len(text) > _SHOW_MAX:
        text = text[: _SHOW_MAX - 1] + "…"
    return text


def _int_text(value: int) -> str:
    """An integer as text, or its size when it is too long to read."""
    # bit_length * log10(2) estimates the digit count without building the string
    digits = int(abs(value).bit_length() * 0.30103) + 1
    if digits <= _DIGITS_MAX:
        return str(value)
    sign = "-" if value < 0 else ""
    return f"{sign}an integer of about {digits} digits"


def _type_name(value: Any) -> str:
    return "None" if value is None else type(value).__name__


def _key_segment(key: Any) -> str:
    if isinstance(key, str):
        escaped = key.replace("\\", "\\\\").replace('"', '\\"')
        return f'["{escaped}"]'
    return f"[{_show(key)}]"


def _suggest(word: str, options: Sequence[str], lowered: Mapping[str, str]) -> str | None:
    """The option closest to ``word``: same text ignoring case/underscores, else difflib."""
    folded = word.lower().replace("_", "").replace("-", "")
    hit = lowered.get(folded)
    if hit is not None and hit != word:
        return hit
    import difflib  # only when there is something to suggest: keeps importing cheap

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return close[0] if close else None


def _fold_map(options: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for o in options:
        out.setdefault(o.lower().replace("_", "").replace("-", ""), o)
    return out


def _num(x: Any) -> str:
    """A number as people write it: ``128`` rather than ``128.0``; never raises."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    if isinstance(x, int) and not isinstance(x, bool):
        return _int_text(x)
    return _show(x)
