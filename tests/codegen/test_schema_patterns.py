"""The shipped JSON Schemas' patterns are ECMAScript and mean what botocore's mean.

JSON Schema (and every editor) reads ``pattern`` as an ECMAScript regex in ``u``-mode;
the models read botocore's own pattern (field metadata ``pattern``) through Python's
``re`` (:func:`ic_sdk.models._patterns.compile_pattern`). Each pattern is compiled with
both engines (``regress`` is an ECMAScript engine), both are run on the same probe
strings, and the example spec files are validated with ECMAScript regex semantics.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import regress

from codegen import patterns
from ic_sdk.cli._specs import load_specs, schema_path
from ic_sdk.models._patterns import compile_pattern

ROOT = Path(__file__).resolve().parent.parent.parent
SCHEMAS = sorted((ROOT / "src/ic_sdk/schemas").glob("*.json"))
SPECS = ROOT / "examples" / "specs"

#: Strings every pattern is tried on with both engines. No ``\r``, U+0085, U+2028 or
#: U+2029: Python's ``.`` takes them where Java's and ECMAScript's do not (ECMAScript's
#: ``.`` differs from Java's only on U+0085), a difference the models accept.
PROBES = (
    "",
    "a",
    "abc",
    "A-1",
    "-a",
    "a-",
    "my_model.v2",
    "ml.g5.12xlarge",
    "llama-3-8b-base",
    "AllTraffic",
    "team",
    "search ranking",
    " padded ",
    "tab\there",
    "line\nbreak",
    "trailing\n",
    "ünïcödé",
    "日本語",
    "emoji 🙂",
    "a@b.c",
    "x" * 70,
    "123",
    "1.2.3",
    "10.0.0.1",
    "s3://my-models/llama-3-8b/model.tar.gz",
    "https://example.com/path",
    "arn:aws:sagemaker:us-east-1:123456789012:endpoint/shared-gpu",
    "arn:aws:iam::123456789012:role/SageMakerRole",
    "arn:aws:lambda:us-east-1:123456789012:function:f",
    "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124",
    "key=value/+:@",
    "OPTION_TENSOR_PARALLEL_DEGREE",
)


def _defs_with_patterns() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path in SCHEMAS:
        for name, d in json.loads(path.read_text(encoding="utf-8"))["$defs"].items():
            if "pattern" in d:
                yield path.name, name, d


SHIPPED = list(_defs_with_patterns())
BY_PATTERN = {d["pattern"]: d for _, _, d in SHIPPED}


def test_every_pattern_is_shipped_with_botocores_beside_it() -> None:
    assert len(BY_PATTERN) > 200
    for file, name, d in SHIPPED:
        assert d["pattern"].startswith("^(?:"), (file, name)
        assert d["pattern"].endswith(")$"), (file, name)
        assert "x-pattern" in d, (file, name)


@pytest.mark.parametrize("pattern", sorted(BY_PATTERN))
def test_pattern_compiles_in_both_engines_and_means_the_same(pattern: str) -> None:
    es = regress.Regex(pattern, "u")  # raises if not ECMAScript u-mode syntax
    botocore_pattern = BY_PATTERN[pattern]["x-pattern"]
    py = compile_pattern(botocore_pattern)  # how the models compile it
    # The ECMAScript form (what the JSON Schema validator sees) compiles for Python too.
    compile_pattern(pattern.removeprefix("^(?:").removesuffix(")$"))
    for probe in PROBES:
        assert (es.find(probe) is not None) is (py.fullmatch(probe) is not None), (
            botocore_pattern,
            pattern,
            probe,
        )


@pytest.mark.parametrize(
    ("botocore_pattern", "expected"),
    [
        # Java-only anchors and POSIX classes
        ("\\A\\S[\\p{Print}]*\\z", "^[^\\t\\n\\x0B\\f\\r ][\\x20-\\x7E]*$"),
        ("arn:[\\p{Alnum}\\-]+:x", "arn:[A-Za-z0-9\\-]+:x"),
        ("\\p{ASCII}*", "[\\x00-\\x7F]*"),
        # general categories exist in u-mode; escapes it forbids become plain characters
        ("[\\p{L}\\p{N}\\_\\ \\.]+", "[\\p{L}\\p{N}_ \\.]+"),
        ("a\\-b", "a-b"),
        # a quantified anchor (Java accepts it, as a no-op)
        ("([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,128}", "([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)$"),
        # Java's UTF-16 surrogate pair range is every supplementary code point
        (
            "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*",
            "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\u{10000}-\\u{10FFFF}\\t]*",
        ),
        # \s keeps Java's ASCII meaning; [\S] cannot nest in a u-mode class
        ("\\s*", "[\\t\\n\\x0B\\f\\r ]*"),
        ("[\\S]+", "[^\\t\\n\\x0B\\f\\r ]+"),
        ("[\\S\\s]*", "[\\s\\S]*"),
        ("[a-z0-9]+", "[a-z0-9]+"),
    ],
)
def test_ecmascript_translation(botocore_pattern: str, expected: str) -> None:
    assert patterns.ecmascript(botocore_pattern) == expected
    regress.Regex(expected, "u")


def test_translation_keeps_javas_meaning_where_engines_differ() -> None:
    # ECMAScript's \s takes U+00A0; Java's (and the translation) does not.
    nbsp = "a\u00a0b"
    assert regress.Regex("^(?:a\\sb)$", "u").find(nbsp) is not None
    space = patterns.ecmascript("a\\sb")
    assert regress.Regex(f"^(?:{space})$", "u").find(nbsp) is None
    # \p{Print} is printable ASCII, not "printable": é is out.
    printable = patterns.ecmascript("[\\p{Print}]*")
    es = regress.Regex(f"^(?:{printable})$", "u")
    assert es.find("hello world~") is not None
    assert es.find("é") is None
    # Supplementary code points match the surrogate-pair range.
    pair = patterns.ecmascript("[\\uD800\\uDC00-\\uDBFF\\uDFFF]")
    assert regress.Regex(f"^(?:{pair})$", "u").find("🙂") is not None


@pytest.mark.parametrize("bad", ["\\p{NoSuchClass}", "\\q", "[\\P{Alnum}x]"])
def test_untranslatable_patterns_stop_the_generator(bad: str) -> None:
    with pytest.raises(ValueError, match=r"\\"):
        patterns.ecmascript(bad)


def _ecmascript_validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    """Draft 2020-12 with ``pattern`` evaluated by an ECMAScript engine, as editors do."""

    def pattern(validator: Any, regex: str, instance: Any, schema: Any) -> Iterator[Any]:
        if isinstance(instance, str) and regress.Regex(regex, "u").find(instance) is None:
            yield jsonschema.ValidationError(f"{instance!r} does not match {regex!r}")

    cls = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": pattern})
    return cls(schema)


def test_example_specs_validate_with_ecmascript_regex_semantics() -> None:
    validator = _ecmascript_validator(json.loads(schema_path().read_text(encoding="utf-8")))
    checked = 0
    for path in sorted(SPECS.iterdir()):
        for doc in load_specs(str(path)):
            errors = [e.message for e in validator.iter_errors(doc.data)]
            checked += 1
            if path.name == "broken.yaml":
                assert errors, "the schema sees the broken spec's model-level mistakes"
            else:
                assert errors == [], (path.name, errors)
    assert checked >= 4


def test_the_ecmascript_validator_rejects_what_the_patterns_reject() -> None:
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    validator = _ecmascript_validator(schema)
    good = {"InferenceComponentName": "ok-name", "EndpointName": "ep"}
    assert list(validator.iter_errors(good)) == []
    bad = {"InferenceComponentName": "-leading-dash", "EndpointName": "ep"}
    messages = [e.message for e in validator.iter_errors(bad)]
    assert any("does not match" in m for m in messages), messages
