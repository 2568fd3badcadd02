#!/usr/bin/env bash
# Install BackCare with its test tools into .venv (plus the system packages the tests use),
# then run the linters, the type checker and every test. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh test
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
