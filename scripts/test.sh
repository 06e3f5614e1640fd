#!/usr/bin/env bash
# The README's test command: installs nox in a local venv, then lint, type checks,
# the test suite, the codegen --check and the docs build (mkdocs --strict).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "nox>=2025.2.9"
.venv/bin/nox -s lint typecheck tests
.venv/bin/nox -s codegen -- --check
.venv/bin/nox -s docs
