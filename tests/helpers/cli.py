"""Running the `backcare` command as a person's script would: a real process, no display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

CET = "CET-1CEST,M3.5.0,M10.5.0/3"  # Central European time, no zone database needed
_DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "BACKCARE_HOME")


def run_cli(*args: str, home: Path, tz: str | None = None,
            text: bool = False) -> subprocess.CompletedProcess[Any]:
    """`python -m backcare_gui ARGS --data-dir HOME` with no display (subcommands need none)
    and, if given, the time zone TZ."""
    env = {k: v for k, v in os.environ.items() if k not in _DISPLAY_VARIABLES}
    if tz is not None:
        env["TZ"] = tz
    return subprocess.run([sys.executable, "-m", "backcare_gui", *args, "--data-dir", str(home)],
                          cwd=ROOT, env=env, capture_output=True, text=text, timeout=120,
                          check=False)
