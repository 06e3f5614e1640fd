"""Every botocore quirk the generator handles, in one table. Each entry says why."""

from __future__ import annotations

#: Patterns botocore writes in Java regex syntax that Python's ``re`` cannot compile as
#: they are, or compiles with a different meaning. Keys are botocore's pattern verbatim;
#: values are the same language in Python syntax *before* ``\p{..}`` classes are
#: expanded (that step is generic, in :mod:`codegen.patterns`).
PATTERN_REWRITES: dict[str, str] = {
    # Java lets a quantifier follow the end anchor (`${1,128}`); it is a no-op there
    # (the anchor matches an empty string) and the length is checked by min/max anyway.
    "([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,128}": "([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)$",
    "([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,256}": "([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)$",
    # Java matches UTF-16 code units: `\uD800\uDC00-\uDBFF\uDFFF` is "any surrogate pair",
    # i.e. every supplementary-plane code point. Python strings hold code points.
    "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*": (
        "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\U00010000-\\U0010FFFF\\t]*"
    ),
}

#: Java's POSIX classes in ``\p{..}`` form, as Python character-class bodies.
POSIX_CLASSES: dict[str, str] = {
    "ASCII": "\\x00-\\x7F",
    "Print": "\\x20-\\x7E",  # Java: [\\p{Graph}\\x20], printable ASCII
    "Alnum": "A-Za-z0-9",
    "Alpha": "A-Za-z",
    "Digit": "0-9",
    "Upper": "A-Z",
    "Lower": "a-z",
    "Punct": "!-/:-@\\[-`{-~",
    "Space": " \\t\\n\\x0b\\f\\r",
}

#: Shapes whose *values* are secrets though botocore does not mark them ``sensitive``:
#: container environments routinely carry tokens (HF_TOKEN, API keys).
SECRET_SHAPES: frozenset[str] = frozenset({"EnvironmentMap", "EnvironmentValue"})

#: Field name used on every structure for response keys the model does not know.
UNKNOWN_FIELD = "_unknown"

#: Java escapes whose Python spelling differs.
ESCAPE_REWRITES: dict[str, str] = {
    "\\z": "\\Z",  # end of input (Python's \Z is Java's \z)
}
