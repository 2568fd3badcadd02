"""Helpers for the benchmarks: figures on stdout as `name: number`, everything else on stderr."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def figure(name: str, value: float | None, digits: int = 3) -> None:
    print(f"{name}: {'n/a' if value is None else round(value, digits)}", flush=True)


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def wait_for_trace(proc: subprocess.Popen[str], event: str, timeout: float = 60) -> float:
    """The time stamp of a `backcare-trace TIME EVENT` line on the process's stderr."""
    assert proc.stderr is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            raise RuntimeError(f"process exited before {event!r} (code {proc.wait()})")
        parts = line.split()
        if parts[:1] == ["backcare-trace"] and parts[2:] == [event]:
            return float(parts[1])
    raise TimeoutError(event)


def launch(args: list[str], env: Mapping[str, str]) -> tuple[subprocess.Popen[str], float]:
    started = time.time()
    proc = subprocess.Popen(args, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    return proc, started


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
