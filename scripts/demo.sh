#!/usr/bin/env bash
# The README's demo command: a local venv with ic-sdk and its CLI extra, then `ic-sdk demo`
# (an embedded LocalSageMaker: no AWS account, no network needed once installed).
# Arguments go to `ic-sdk demo`, e.g. `bash scripts/demo.sh --plain`.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[cli]'
exec .venv/bin/ic-sdk demo "$@"
