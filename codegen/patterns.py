"""Translate botocore's (Java) regular expressions into Python ``re`` syntax.

botocore patterns use ``\\p{L}``-style Unicode property classes and a few other
Java-isms that Python's ``re`` lacks. The classes are expanded here, at generation time,
into explicit code-point ranges computed from :mod:`unicodedata`, so run time needs no
third-party regex engine. A pattern that still fails to compile is an error: no pattern
is ever skipped silently.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

from codegen import overrides

__all__ = ["UNICODE_VERSION", "Piece", "ecmascript", "translate"]

#: The Unicode database the expanded classes come from. It changes with the Python
#: version, so generation is pinned to it (``nox -s codegen`` runs Python 3.11): a
#: different one would regenerate different ranges and turn ``--check`` red.
UNICODE_VERSION = "14.0.0"


def check_unicode_version() -> None:
    """Refuse to generate with a Unicode database other than the pinned one."""
    if unicodedata.unidata_version != UNICODE_VERSION:
        raise SystemExit(
            f"codegen expands \\p{{..}} classes from Unicode {UNICODE_VERSION} (Python 3.11); "
            f"this Python has {unicodedata.unidata_version}. Run it through `nox -s codegen`."
        )


#: A translated pattern as a sequence of literal text and named class references.
Piece = tuple[str, str]  # ("lit", text) | ("cls", class-name)

_PROP = re.compile(r"\\([pP])\{(\w+)\}")


@functools.cache
def _category_runs() -> tuple[tuple[int, int, str], ...]:
    """(first, last, category) for every run of code points sharing a general category."""
    runs: list[tuple[int, int, str]] = []
    start, current = 0, unicodedata.category("\x00")
    for cp in range(1, sys.maxunicode + 1):
        cat = unicodedata.category(chr(cp))
        if cat != current:
            runs.append((start, cp - 1, current))
            start, current = cp, cat
    runs.append((start, sys.maxunicode, current))
    return tuple(runs)


@functools.cache
def class_body(name: str) -> str:
    """Character-class body (no brackets) for a Unicode general category or POSIX name."""
    if name in overrides.POSIX_CLASSES:
        return overrides.POSIX_CLASSES[name]
    ranges: list[tuple[int, int]] = []
    for first, last, cat in _category_runs():
        if cat == name or (len(name) == 1 and cat[0] == name):
            if ranges and ranges[-1][1] == first - 1:
                ranges[-1] = (ranges[-1][0], last)
            else:
                ranges.append((first, last))
    if not ranges:
        raise ValueError(f"unknown Unicode property class \\p{{{name}}}")

    def esc(cp: int) -> str:
        return f"\\u{cp:04X}" if cp <= 0xFFFF else f"\\U{cp:08X}"

    return "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in ranges)


def translate(pattern: str) -> list[Piece] | None:
    """Pieces of the Python form of ``pattern``, or ``None`` when it needs no change."""
    source = overrides.PATTERN_REWRITES.get(pattern, pattern)
    pieces: list[Piece] = []
    in_class = False
    i = 0
    lit: list[str] = []
    while i < len(source):
        ch = source[i]
        m = _PROP.match(source, i)
        if m:
            negated, name = m.group(1) == "P", m.group(2)
            if negated and in_class:
                raise ValueError(f"negated property inside a class is unsupported: {pattern}")
            class_body(name)  # validate the name now
            if not in_class:
                lit.append("[^" if negated else "[")
            pieces.append(("lit", "".join(lit)))
            lit = []
            pieces.append(("cls", name))
            if not in_class:
                lit.append("]")
            i = m.end()
            continue
        if ch == "\\" and i + 1 < len(source):
            esc = source[i : i + 2]
            lit.append(overrides.ESCAPE_REWRITES.get(esc, esc))
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        lit.append(ch)
        i += 1
    pieces.append(("lit", "".join(lit)))
    pieces = [p for p in pieces if p != ("lit", "")]
    re.compile(join(pieces))  # raises: a pattern we cannot handle stops the generator
    if pieces == [("lit", pattern)] or (not pieces and not pattern):
        return None
    return pieces


def join(pieces: list[Piece]) -> str:
    return "".join(text if kind == "lit" else class_body(text) for kind, text in pieces)


#: ECMAScript's SyntaxCharacter plus ``/``: the only identity escapes ``u``-mode allows.
_ES_SYNTAX = frozenset("^$\\.*+?()[]{}|/")
#: Java's ``\s`` (ASCII whitespace only; ECMAScript's also matches Unicode spaces).
_JAVA_SPACE = "\\t\\n\\x0B\\f\\r "
#: Whole classes holding ``\S``, which cannot be inlined into another class.
_WHOLE_CLASSES = {
    "[\\S]": f"[^{_JAVA_SPACE}]",
    "[\\S\\s]": "[\\s\\S]",  # any character, whichever \\s is meant
    "[\\s\\S]": "[\\s\\S]",
}
#: Escapes whose meaning is the same in Java and ECMAScript ``u``-mode.
_ES_SAME = frozenset("dDwWbBtnrfv0123456789")
#: Java anchors → ECMAScript (no ``m`` flag: ``^``/``$`` match only at the input's ends).
_ES_ANCHORS = {"A": "^", "z": "$"}


def ecmascript(pattern: str) -> str:
    """The ECMAScript (``u``-mode) form of a botocore pattern, meaning the same language.

    ``\\p{L}``-style general categories stay (``u``-mode has them); Java's POSIX classes
    (``\\p{Alnum}``, ``\\p{Print}``...) become explicit ranges; ``\\A``/``\\z`` become
    ``^``/``$``; ``\\s`` keeps Java's ASCII meaning; escapes ``u``-mode forbids
    (``\\_``, ``\\ ``, ``\\-`` outside a class) become the plain character; code points
    beyond the BMP use ``\\u{..}``. Anything else unknown stops the generator.

    ``\\d``, ``\\w`` and ``\\b`` are ASCII in both dialects. One difference stays:
    ECMAScript's ``.`` matches U+0085 (NEL), Java's does not.
    """
    source = overrides.PATTERN_REWRITES.get(pattern, pattern)
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(source):
        ch = source[i]
        m = _PROP.match(source, i)
        if m:
            negated, name = m.group(1) == "P", m.group(2)
            class_body(name)  # an unknown name stops the generator
            if name in overrides.POSIX_CLASSES:
                body = overrides.POSIX_CLASSES[name]
                if in_class and negated:
                    raise ValueError(f"negated POSIX class inside a class: {pattern}")
                out.append(body if in_class else f"[{'^' if negated else ''}{body}]")
            else:
                out.append(m.group(0))
            i = m.end()
            continue
        if ch == "\\" and i + 1 < len(source):
            nxt = source[i + 1]
            if nxt == "U":  # Python's 8-digit escape (from PATTERN_REWRITES)
                out.append(f"\\u{{{int(source[i + 2 : i + 10], 16):X}}}")
                i += 10
                continue
            if nxt in ("u", "x"):
                width = 4 if nxt == "u" else 2
                out.append(source[i : i + 2 + width])
                i += 2 + width
                continue
            if nxt in _ES_ANCHORS and not in_class:
                out.append(_ES_ANCHORS[nxt])
            elif nxt in "sS":
                if in_class and nxt == "S":
                    raise ValueError(f"\\S inside a class is unsupported: {pattern}")
                body = _JAVA_SPACE
                out.append(body if in_class else f"[{'^' if nxt == 'S' else ''}{body}]")
            elif nxt in _ES_SAME or nxt in _ES_SYNTAX or (in_class and nxt == "-"):
                out.append(source[i : i + 2])
            elif not nxt.isalnum():
                out.append(nxt)  # identity escape of a character that is not special
            else:
                raise ValueError(f"no ECMAScript form for \\{nxt} in {pattern}")
            i += 2
            continue
        if ch == "[" and not in_class:
            whole = _WHOLE_CLASSES.get(source[i : source.find("]", i) + 1])
            if whole is not None:  # \S in a class: u-mode cannot nest the negation
                out.append(whole)
                i = source.find("]", i) + 1
                continue
            in_class = True
            out.append(ch)
            if source.startswith("^", i + 1):
                out.append("^")
                i += 1
            i += 1
            continue
        if ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)
