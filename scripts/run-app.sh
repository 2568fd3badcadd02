#!/usr/bin/env bash
# Install BackCare into .venv (with the system packages it needs) and start it.
# Any arguments go to the app, e.g.  scripts/run-app.sh routines list
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh app
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q .
exec .venv/bin/backcare "$@"
