"""Secrets stay secret: reprs that never show them, and log records scrubbed of them.

Container environments often hold tokens; botocore's DEBUG logs show request and
response bodies, the session token and the request signature. See
:func:`redacting_logs`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "LogRedaction",
    "describe_secret",
    "redact",
    "redacting_logs",
    "refresh",
    "remember",
    "remember_environment",
]


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


# -- logs ------------------------------------------------------------------------------
#
# botocore logs request and response bodies, headers, the canonical request and the
# signature at DEBUG. While any ic_sdk client is open, a filter on every logger of the
# libraries below rewrites each record they emit (the formatted message) before any
# handler sees it: wherever the record goes, the secrets are gone. A logger filter runs
# for records created on that very logger, so the filter sits on each of them (existing
# ones, and new ones as they appear), not only on the package roots.

#: Loggers whose records are redacted (with all their descendants).
REDACTED_LOGGERS = ("botocore", "aiobotocore", "ic_sdk", "urllib3", "aiohttp", "httpx", "httpcore")

#: Shown in place of a secret.
MASK = "<redacted>"

#: Known secret values shorter than this are not searched for (they would mangle logs);
#: the patterns below still catch them where they appear as Environment values.
_MIN_KNOWN = 6
#: At most this many known values are kept (oldest forgotten first).
_MAX_KNOWN = 10_000

# An Environment map as JSON or a Python repr (possibly inside a repr'd bytes body, where
# escapes are doubled): its keys follow the model's key pattern; a value runs lazily to
# the quote that is followed by "," + the next key, or by the closing brace.
_ENTRY = (
    r"""\s*(?P<q>["'])(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?P=q)\s*:\s*(?P<v>["']).*?(?P=v)\s*"""
    r"""(?:,(?=\s*["'][A-Za-z_])|(?=\s*\}))"""
)
_ENVIRONMENT = re.compile(
    rf"""(?P<open>["']Environment["']\s*:\s*\{{)(?P<entries>(?:{_ENTRY})*)(?P<close>\s*\}})""",
    re.DOTALL,
)
_ENTRY_RE = re.compile(_ENTRY, re.DOTALL)
# Anything else after "Environment": { (a truncated body, an odd shape): hide it all.
_ENVIRONMENT_ANY = re.compile(
    rf"""(["']Environment["']\s*:\s*\{{)(?:(?:{_ENTRY})*\s*\}}|[^}}]*)""", re.DOTALL
)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization header: ..., Signature=<hex>
    (re.compile(r"(Signature=)[0-9a-fA-F]+"), rf"\g<1>{MASK}"),
    # botocore.auth: "Signature:\n<hex>"
    (re.compile(r"(Signature:\s*)[0-9a-fA-F]{16,}"), rf"\g<1>{MASK}"),
    # the session token as a header (dict repr, canonical request, query string)
    (
        re.compile(
            r"""((?:x-amz-security-token|aws_session_token|SessionToken)['"]?\s*[:=]\s*b?['"]?)"""
            r"""[^'",\s}&]+""",
            re.IGNORECASE,
        ),
        rf"\g<1>{MASK}",
    ),
    (
        re.compile(
            r"""((?:aws_secret_access_key|SecretAccessKey)['"]?\s*[:=]\s*b?['"]?)[^'",\s}&]+""",
            re.IGNORECASE,
        ),
        rf"\g<1>{MASK}",
    ),
)


def _mask_environment(match: re.Match[str]) -> str:
    entries = match.group("entries") + match.group("close")
    keys = [m.group("key") for m in _ENTRY_RE.finditer(entries)]
    inner = ", ".join(f"{key!r}: {MASK!r}" for key in keys)
    return f"{match.group('open')}{inner}{match.group('close')}"


def _scrub_environment(text: str) -> str:
    def mask(match: re.Match[str]) -> str:
        structured = _ENVIRONMENT.match(match.string, match.start())
        if structured is not None and structured.end() >= match.end():
            return _mask_environment(structured)
        return f"{match.group(1)}{MASK}"

    # Each opening is handled once: structured (keys kept) when it parses, else hidden
    # up to the next closing brace.
    return _ENVIRONMENT_ANY.sub(mask, text)


class _SecretFilter(logging.Filter):
    """Rewrites records so that no known secret or secret-looking value remains."""

    def __init__(self) -> None:
        super().__init__("ic_sdk.redact")
        self.known: dict[str, None] = {}

    def remember(self, values: Iterable[str]) -> None:
        for value in values:
            if len(value) >= _MIN_KNOWN and value not in self.known:
                self.known[value] = None
                if len(self.known) > _MAX_KNOWN:
                    del self.known[next(iter(self.known))]

    def scrub(self, text: str) -> str:
        if "Environment" in text:
            text = _scrub_environment(text)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        for value in self.known:
            if value in text:
                text = text.replace(value, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the logging module's business
            return True
        scrubbed = self.scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        return True


_FILTER = _SecretFilter()
_users = 0
_seen_loggers = -1


def _targets() -> list[logging.Logger]:
    manager = logging.Logger.manager
    found = [logging.getLogger(name) for name in REDACTED_LOGGERS]
    for name, candidate in list(manager.loggerDict.items()):
        if isinstance(candidate, logging.Logger) and name.startswith(
            tuple(f"{root}." for root in REDACTED_LOGGERS)
        ):
            found.append(candidate)
    return found


def refresh() -> None:
    """Put the filter on loggers created since the last look (cheap when none were)."""
    global _seen_loggers
    if _users <= 0:
        return
    count = len(logging.Logger.manager.loggerDict)
    if count == _seen_loggers:
        return
    _seen_loggers = count
    for target in _targets():
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)


def remember(values: Iterable[str]) -> None:
    """Treat ``values`` as secrets in every record from now on (while redaction is on)."""
    _FILTER.remember(values)


def remember_environment(wire: Any) -> None:
    """Remember every ``Environment`` value inside a request's wire form."""
    if isinstance(wire, Mapping):
        for key, value in wire.items():
            if key == "Environment" and isinstance(value, Mapping):
                _FILTER.remember(v for v in value.values() if isinstance(v, str))
            elif isinstance(value, Mapping | list):
                remember_environment(value)
    elif isinstance(wire, list):
        for item in wire:
            remember_environment(item)


class LogRedaction:
    """One user of log redaction; :meth:`remove` ends it (redaction stops with the last)."""

    def __init__(self) -> None:
        self._active = True

    def remove(self) -> None:
        global _users, _seen_loggers
        if not self._active:
            return
        self._active = False
        _users -= 1
        if _users == 0:
            for target in _targets():
                target.removeFilter(_FILTER)
            _seen_loggers = -1
            _FILTER.known.clear()

    def __enter__(self) -> LogRedaction:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def redacting_logs(secrets: Iterable[str] = ()) -> LogRedaction:
    """Redact secrets from every record of botocore, aiobotocore, ic_sdk and the HTTP
    libraries until the returned handle is removed (also a context manager).

    Redacted: container ``Environment`` values (anywhere a JSON or repr'd
    ``"Environment": {...}`` appears, plus every value ic_sdk has sent, wherever it
    appears), the session token and secret key (as headers or parameters, plus
    ``secrets``), and request signatures. ``InferenceComponentClient`` holds one while
    it is open; ``ic-sdk --debug`` holds one for the whole command.
    """
    global _users
    _users += 1
    _FILTER.remember(secrets)
    refresh()
    return LogRedaction()
