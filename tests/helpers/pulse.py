"""A real audio device for tests: a private PulseAudio daemon with a null sink, and a recorder
of what that sink played (parec on its monitor)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.prereq import require_commands

RATE = 48_000


@contextmanager
def null_sink(folder: Path) -> Iterator[dict[str, str]]:
    """Yields the environment that points a program at the private daemon."""
    require_commands("pulseaudio", "pactl", "parec")
    runtime = folder / "pulse-runtime"
    runtime.mkdir(parents=True)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(folder), "PULSE_RUNTIME_PATH": str(runtime),
           "HOME": str(folder), "PULSE_SERVER": f"unix:{runtime / 'native'}"}
    env.pop("PULSE_SINK", None)
    subprocess.run(["pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1",
                    "--load=module-null-sink sink_name=nullsink",
                    "--load=module-native-protocol-unix"], env=env, check=True,
                   capture_output=True, timeout=30)
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode:
            if time.monotonic() > deadline:
                raise RuntimeError("PulseAudio did not start")
            time.sleep(0.1)
        subprocess.run(["pactl", "set-default-sink", "nullsink"], env=env, check=True)
        yield {k: env[k] for k in ("XDG_RUNTIME_DIR", "PULSE_RUNTIME_PATH", "PULSE_SERVER",
                                   "HOME")}
    finally:
        pid_file = runtime / "pid"
        if pid_file.exists():
            try:
                pid = int(pid_file.read_text().split()[0])
                os.kill(pid, signal.SIGTERM)
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline:  # gone before its folder is removed
                    os.kill(pid, 0)
                    time.sleep(0.05)
            except (ProcessLookupError, ValueError):
                pass


class Recorder:
    """Records the null sink's monitor as 48 kHz mono s16le."""

    def __init__(self, env: dict[str, str], out: Path) -> None:
        self.out = out
        self.proc = subprocess.Popen(
            ["parec", "-d", "nullsink.monitor", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--latency-msec=5", str(out)],
            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self) -> bytes:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return self.out.read_bytes() if self.out.exists() else b""
