"""``ic-sdk autoscale``, autoscaling in ``describe``, and ``Autoscaling`` in spec files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ic_sdk import autoscaling
from ic_sdk.autoscaling import AUTOSCALING_RULES, TRACKING_POLICY, ZERO_POLICY
from ic_sdk.cli import main
from ic_sdk.cli._autoscale import spec_file_schema
from ic_sdk.cli._specs import schema_path
from tests.cli_support import (
    BASE_YAML,
    ROLE_ARN,
    Emulator,
    cli,
    no_traceback,
    write,
)

AUTOSCALING_YAML = """\
Autoscaling:
  MinCopies: 0
  MaxCopies: 3
  TargetValue: 5
"""


def scalable_endpoint(emu: Emulator) -> None:
    """``shared-gpu``, whose instances may scale to zero."""
    emu.sm.add_endpoint("shared-gpu", execution_role_arn=ROLE_ARN, min_instances=0, max_instances=2)
    emu.clock.advance(5)


def policies(emu: Emulator) -> list[str]:
    async def go() -> list[str]:
        from tests.client_support import raw_client

        async with raw_client(emu.sm, "application-autoscaling") as aas:
            answer = await aas.describe_scaling_policies(ServiceNamespace="sagemaker")
        return sorted(p["PolicyName"] for p in answer["ScalingPolicies"])

    return emu.run(go())


def test_autoscale_on_and_off_and_describe(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scalable_endpoint(emu)
    assert cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML), "--wait") == 0
    capsys.readouterr()
    assert cli(emu, "autoscale", "llama-base", "--min", "0", "--max", "4", "--target", "5") == 0
    out = capsys.readouterr().out
    assert "llama-base: autoscaling 0 to 4 copies" in out
    assert "scales to zero and back" in out
    assert policies(emu) == sorted([TRACKING_POLICY, ZERO_POLICY])

    assert cli(emu, "describe", "llama-base") == 0
    out = capsys.readouterr().out
    assert "Autoscaling:" in out
    assert "0 to 4 copies" in out
    assert "Scale from zero:" in out
    assert cli(emu, "describe", "llama-base", "--output", "json") == 0
    shown = json.loads(capsys.readouterr().out)["Autoscaling"]
    assert (shown["MinCopies"], shown["MaxCopies"]) == (0, 4)

    assert cli(emu, "autoscale", "llama-base", "--off") == 0
    assert "autoscaling removed" in capsys.readouterr().out
    assert policies(emu) == []
    assert cli(emu, "describe", "llama-base") == 0
    (row,) = [r for r in capsys.readouterr().out.splitlines() if r.startswith("Autoscaling:")]
    assert row.split(":", 1)[1].strip() == "off"
    assert cli(emu, "describe", "llama-base", "--output", "json") == 0
    assert json.loads(capsys.readouterr().out)["Autoscaling"] is None


def test_autoscale_explains_what_is_wrong(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.endpoint()  # instances cannot scale to zero
    assert cli(emu, "apply", write(tmp_path, "base.yaml", BASE_YAML), "--wait") == 0
    capsys.readouterr()
    assert cli(emu, "autoscale", "llama-base", "--min", "0", "--max", "2", "--target", "5") == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "MinInstanceCount 0" in err
    assert "nothing was sent" in err
    assert cli(emu, "autoscale", "llama-base", "--min", "1") == 1
    assert "missing --max, --target" in capsys.readouterr().err
    assert cli(emu, "autoscale", "llama-base", "--off", "--min", "1") == 1


def test_apply_sets_up_the_autoscaling_of_a_spec(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scalable_endpoint(emu)
    source = write(tmp_path, "base.yaml", BASE_YAML + AUTOSCALING_YAML)
    assert cli(emu, "validate", source) == 0
    assert cli(emu, "apply", source, "--wait") == 0
    assert "llama-base: autoscaling 0 to 3 copies" in capsys.readouterr().out
    assert policies(emu) == sorted([TRACKING_POLICY, ZERO_POLICY])
    assert cli(emu, "apply", source, "--output", "json") == 0  # idempotent
    (result,) = json.loads(capsys.readouterr().out)
    assert result["action"] == "unchanged"
    assert result["autoscaling"] == "set"


def test_validate_reports_autoscaling_problems_with_their_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = "Autoscaling:\n  MinCopies: 5\n  MaxCopies: 2\n  TargetValue: 0\n  Speed: 3\n"
    source = write(tmp_path, "bad.yaml", BASE_YAML + bad)
    assert main(["validate", source]) == 1
    out = capsys.readouterr().out
    lines = len(BASE_YAML.splitlines())
    assert f"bad.yaml:{lines + 5}: Autoscaling.Speed: unknown setting" in out
    source = write(tmp_path, "bad2.yaml", BASE_YAML + bad.replace("  Speed: 3\n", ""))
    assert main(["validate", source]) == 1
    out = capsys.readouterr().out
    assert f"bad2.yaml:{lines + 2}: Autoscaling.MinCopies:" in out
    assert "[autoscaling.bounds]" in out
    assert f"bad2.yaml:{lines + 4}: Autoscaling.TargetValue:" in out


def test_validate_ignores_autoscaling_rules_by_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(
        tmp_path,
        "b.yaml",
        BASE_YAML + "Autoscaling:\n  MinCopies: 5\n  MaxCopies: 2\n  TargetValue: 4\n",
    )
    assert main(["validate", source]) == 1
    assert "[autoscaling.bounds]" in capsys.readouterr().out
    assert main(["validate", source, "--ignore", "autoscaling.bounds"]) == 0
    captured = capsys.readouterr()
    assert "b.yaml: " in captured.out
    assert "OK" in captured.out
    assert captured.err == ""
    # every autoscaling rule id is known to --ignore, and named when one is not
    for rule in AUTOSCALING_RULES:
        assert main(["validate", source, "--ignore", rule, "--ignore", "autoscaling.bounds"]) == 0
    capsys.readouterr()
    assert main(["validate", source, "--ignore", "autoscaling.nope"]) == 1
    err = capsys.readouterr().err
    assert "unknown rule id autoscaling.nope" in err
    assert "autoscaling.scale-to-zero" in err


def test_autoscaling_rules_name_every_autoscaling_rule_the_modules_report() -> None:
    from ic_sdk import _autoscaling_plan
    from ic_sdk.validation import RULES

    text = "".join(
        Path(module.__file__ or "").read_text(encoding="utf-8")
        for module in (autoscaling, _autoscaling_plan)
    )
    assert set(re.findall(r'"(autoscaling\.[a-z-]+)"', text)) == set(AUTOSCALING_RULES)
    # ...and the one registry has them: what --ignore accepts and the docs list
    assert {rule for rule in RULES if rule.startswith("autoscaling.")} == set(AUTOSCALING_RULES)


def test_spec_file_schema_accepts_autoscaling_and_nothing_unknown() -> None:
    import jsonschema
    import yaml

    schema = spec_file_schema(schema_path())
    document: dict[str, Any] = yaml.safe_load(BASE_YAML + AUTOSCALING_YAML)
    validator = jsonschema.Draft202012Validator(schema)
    assert [e.message for e in validator.iter_errors(document)] == []
    document["Autoscaling"]["Speed"] = 3
    assert list(validator.iter_errors(document))
    assert main(["schema"]) == 0


def test_cli_choices_and_defaults_are_the_sdks() -> None:
    """The CLI repeats these (importing the SDK module would slow every command's start-up):
    they must not drift from ``autoscale()`` and ``_autoscaling_plan.METRICS``."""
    import inspect

    from ic_sdk import _autoscaling_plan, autoscaling
    from ic_sdk.cli import _autoscale

    assert set(_autoscale._METRICS) == set(_autoscaling_plan.METRICS)
    params = inspect.signature(autoscaling.autoscale).parameters
    for key, (name, default) in _autoscale._FIELDS.items():
        if default is not None:
            assert params[name].default == default, key
