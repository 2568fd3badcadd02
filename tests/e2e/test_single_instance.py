"""One BackCare per data folder, with real processes: a second launch hands over and exits, a
stale lock from a killed process is taken over, another folder is another instance."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.app_process import AppProcess
from tests.helpers.xserver import xvfb

pytestmark = pytest.mark.e2e


def launch_second(home: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "backcare_gui", "--data-dir", str(home), *args],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=30)


def test_second_launch_hands_over_and_a_stale_lock_is_recovered(tmp_path: Path) -> None:
    home, other = tmp_path / "data", tmp_path / "other"
    with xvfb() as display:
        env = {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        first = AppProcess(["--data-dir", str(home)], env)
        try:
            first.wait_for("library-ready")
            second = launch_second(home, env, "--start", "desk-break", "--pain-before", "2")
            assert second.returncode == 0, second.stderr
            assert "already running" in second.stderr
            first.wait_for("instance-request desk-break")

            third = AppProcess(["--data-dir", str(other)], env)  # another folder: its own app
            try:
                third.wait_for("library-ready")
            finally:
                third.stop()

            os.kill(first.proc.pid, signal.SIGKILL)  # leaves its lock file behind
            first.proc.wait(timeout=10)
        finally:
            first.stop()
        assert (home / "backcare.lock").exists()
        again = AppProcess(["--data-dir", str(home)], env)
        try:
            again.wait_for("library-ready")  # the stale lock was taken over
        finally:
            again.stop()
