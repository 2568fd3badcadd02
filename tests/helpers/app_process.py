"""Run the real app as a process and wait for its milestones (BACKCARE_TRACE lines)."""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path


class AppProcess:
    def __init__(self, args: list[str], env: Mapping[str, str], cwd: Path | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "backcare_gui", *args], cwd=cwd,
            env={**os.environ, **env, "BACKCARE_TRACE": "1"},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines: list[str] = []

    def wait_for(self, event: str, timeout: float = 30.0) -> float:
        """The wall time at which the app reported `event`."""
        assert self.proc.stderr is not None
        deadline = time.monotonic() + timeout
        selector = selectors.DefaultSelector()
        selector.register(self.proc.stderr, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            for line in self.lines:
                parts = line.split()
                if parts[:1] == ["backcare-trace"] and " ".join(parts[2:]) == event:
                    return float(parts[1])
            if not selector.select(timeout=0.2):
                if self.proc.poll() is not None:
                    break
                continue
            line = self.proc.stderr.readline()
            if not line and self.proc.poll() is not None:
                break
            self.lines.append(line.rstrip("\n"))
        raise AssertionError(f"the app never reported {event!r}; exit code "
                             f"{self.proc.poll()}, stderr so far:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode
