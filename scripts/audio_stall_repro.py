"""Loop the real-audio session (the e2e test's routine) under CPU load until the app stalls.

Each run: a fresh PulseAudio null sink, Xvfb, parec on the sink's monitor and the real app
(BACKCARE_TRACE=1). When the app prints no trace line for --stall seconds mid-session, the
stacks of all its threads are saved (py-spy --native, then gdb) before it is stopped.

Usage: .venv/bin/python scripts/audio_stall_repro.py [--runs N] [--load K] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import stop  # noqa: E402
from tests.e2e.test_real_audio import AUDIBLE, EXPECTED, TOLERANCE_S, played_cues  # noqa: E402
from tests.helpers.pulse import RATE, Recorder, null_sink  # noqa: E402
from tests.helpers.tones import detect_cues, read_raw_s16le  # noqa: E402
from tests.helpers.xserver import xvfb  # noqa: E402


def busy(k: int) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(k)]


def dump(pid: int, out: Path) -> None:
    pyspy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    with out.open("w") as f:
        f.write(f"== py-spy dump --native {time.strftime('%X')}\n")
        f.flush()
        subprocess.run([pyspy, "dump", "--native", "--pid", str(pid)], stdout=f,
                       stderr=subprocess.STDOUT, timeout=120)
        f.write(f"\n== gdb thread apply all bt {time.strftime('%X')}\n")
        f.flush()
        subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "thread apply all bt"],
                       stdout=f, stderr=subprocess.STDOUT, timeout=180)


def one_run(index: int, home: Path, folder: Path, stall_s: float, extra_env: dict[str, str],
            keep: Path, observe_s: float) -> str:
    folder.mkdir()
    for old in (home / "logs").glob("backcare.log*"):
        old.unlink()
    lines: list[tuple[float, str]] = []
    with null_sink(folder) as pulse, xvfb() as display:
        recorder = Recorder(pulse, folder / "recording.raw")
        env = {**os.environ, **pulse, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
               "BACKCARE_TRACE": "1", **extra_env}
        proc = subprocess.Popen(
            [sys.executable, "-m", "backcare_gui", "--data-dir", str(home), "--start",
             "audible", "--pain-before", "2"], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, bufsize=1)

        def reader() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                lines.append((time.monotonic(), line.rstrip("\n")))

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        started = time.monotonic()
        outcome = "timeout"
        try:
            while time.monotonic() - started < 90:
                time.sleep(0.1)
                traces = [(t, s) for t, s in lines if s.startswith("backcare-trace")]
                if any("session-finished" in s for _, s in traces):
                    time.sleep(1.5)
                    outcome = "ok"
                    break
                if proc.poll() is not None:
                    outcome = f"exit {proc.returncode}"
                    break
                if traces and any("session-started" in s for _, s in traces) \
                        and time.monotonic() - traces[-1][0] > stall_s:
                    outcome = "STALL after: " + traces[-1][1].split(" ", 2)[2]
                    dump(proc.pid, keep / f"stall-{index}.txt")
                    log = home / "logs" / "backcare.log"
                    if log.exists():
                        with log.open("rb") as f:
                            f.seek(max(0, log.stat().st_size - 20_000))
                            (keep / f"stall-{index}.backcare.log").write_bytes(f.read())
                    stalled_at = traces[-1][0]
                    count = len(lines)
                    while time.monotonic() - stalled_at < observe_s and len(lines) == count \
                            and proc.poll() is None:
                        time.sleep(0.2)
                    outcome += (f"; stuck {time.monotonic() - stalled_at:.0f} s"
                                + (", then went on" if len(lines) > count else ""))
                    break
        finally:
            if proc.poll() is None:
                stop(proc)
            data = recorder.stop()
            thread.join(timeout=5)
    text = [s for _, s in lines]
    if outcome != "ok":
        (keep / f"run-{index}.log").write_text("\n".join(text) + "\n")
        return outcome

    class Shim:
        pass

    shim = Shim()
    shim.lines = text  # type: ignore[attr-defined]
    played = played_cues(shim)  # type: ignore[arg-type]
    heard = detect_cues(read_raw_s16le(data, RATE), RATE)
    names = [h.cue for h in heard]
    if [c for c, _ in played] != EXPECTED or names != EXPECTED[len(EXPECTED) - len(names):] \
            or len(heard) < len(EXPECTED) - 2:
        (keep / f"run-{index}.log").write_text("\n".join(text) + "\n")
        return f"WRONG CUES heard={names}"
    planned = played[len(played) - len(heard):]
    errors = [abs((h.onset_s - heard[0].onset_s) - (p[1] - planned[0][1])) * 1000
              for h, p in zip(heard, planned, strict=True)]
    verdict = "ok" if max(errors) <= TOLERANCE_S * 1000 else "LATE"
    return f"{verdict} heard {len(heard)}/{len(EXPECTED)} max gap error {max(errors):.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--load", type=int, default=2, help="busy-loop processes")
    parser.add_argument("--stall", type=float, default=8.0)
    parser.add_argument("--observe", type=float, default=0.0,
                        help="after a stall, wait this long (s) for the app to go on")
    parser.add_argument("--out", type=Path, default=Path("/tmp/audio-stall"))
    parser.add_argument("--qt-log", action="store_true", help="QT_LOGGING_RULES=qt.multimedia*")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    extra = {"QT_LOGGING_RULES": "qt.multimedia*=true"} if args.qt_log else {}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))  # so the finally blocks clean up
    load = busy(args.load)
    counts: dict[str, int] = {}
    try:
        with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
            home = Path(tmp) / "data"
            (home / "routines").mkdir(parents=True)
            (home / "routines" / "audible.yaml").write_text(AUDIBLE)
            (home / "settings.yaml").write_text("sound.volume: 100\n")
            subprocess.run([sys.executable, "-m", "backcare_gui", "--data-dir", str(home),
                            "red-flags", "--none-apply"], check=True, capture_output=True)
            for i in range(1, args.runs + 1):
                t0 = time.monotonic()
                result = one_run(i, home, Path(tmp) / f"run-{i}", args.stall, extra, args.out,
                                 args.observe)
                kind = result.split()[0]
                counts[kind] = counts.get(kind, 0) + 1
                print(f"run {i}: {result} ({time.monotonic() - t0:.0f} s)  {counts}",
                      flush=True)
    finally:
        for p in load:
            p.kill()
            p.wait()
    print("totals:", counts, flush=True)
    return 0 if set(counts) == {"ok"} else 1


if __name__ == "__main__":
    sys.exit(main())
