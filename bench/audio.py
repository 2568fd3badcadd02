"""cue_jitter_ms: cues recorded from a PulseAudio null sink against their planned gaps.

The real app plays the end-to-end test's routine into a private null sink; parec records the
sink's monitor; the gap between each pair of cues heard is compared with the gap between their
due times (the first cue heard anchors the recording's clock, since parec's start is not exact).
The figure is the median error, `n/a` where PulseAudio, parec or Xvfb are missing.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import figure, note


def run() -> None:
    missing = [c for c in ("pulseaudio", "pactl", "parec", "Xvfb") if not shutil.which(c)]
    if missing:
        note(f"cue jitter: needs {', '.join(missing)}")
        figure("cue_jitter_ms", None)
        return
    from tests.e2e.test_real_audio import AUDIBLE, played_cues
    from tests.helpers.app_process import AppProcess
    from tests.helpers.pulse import RATE, Recorder, null_sink
    from tests.helpers.tones import detect_cues, read_raw_s16le
    from tests.helpers.xserver import xvfb

    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        home = folder / "data"
        (home / "routines").mkdir(parents=True)
        (home / "routines" / "audible.yaml").write_text(AUDIBLE)
        (home / "settings.yaml").write_text("sound.volume: 100\n")
        subprocess.run([sys.executable, "-m", "backcare_gui", "--data-dir", str(home),
                        "red-flags", "--none-apply"], check=True, capture_output=True)
        with null_sink(folder) as pulse, xvfb() as display:
            recorder = Recorder(pulse, folder / "recording.raw")
            app = AppProcess(["--data-dir", str(home), "--start", "audible", "--pain-before",
                              "2"],
                             {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb", **pulse})
            try:
                app.wait_for("session-finished", timeout=60)
                time.sleep(1.5)
            finally:
                app.stop()
                data = recorder.stop()
    played = played_cues(app)
    heard = detect_cues(read_raw_s16le(data, RATE), RATE)
    if len(heard) < 3 or len(heard) > len(played):
        note(f"cue jitter: heard {len(heard)} of {len(played)} cues")
        figure("cue_jitter_ms", None)
        return
    planned = played[len(played) - len(heard):]
    errors = [abs((h.onset_s - heard[0].onset_s) - (p[1] - planned[0][1])) * 1000
              for h, p in zip(heard[1:], planned[1:], strict=True)]
    note(f"cue jitter: {len(heard)} of {len(played)} cues heard; gap errors "
         f"{min(errors):.1f}..{max(errors):.1f} ms")
    figure("cue_jitter_ms", statistics.median(errors), 1)
