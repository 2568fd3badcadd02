"""Tests that need a real X server, tray host or audio device start it themselves. On a
developer's machine without it they skip; under CI=true a missing prerequisite fails instead."""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, what: str) -> None:
    if condition:
        return
    if in_ci():
        pytest.fail(f"missing prerequisite in CI: {what}")
    pytest.skip(f"needs {what}")


def require_commands(*names: str) -> None:
    missing = [n for n in names if shutil.which(n) is None]
    require(not missing, "the command(s) " + ", ".join(missing))
