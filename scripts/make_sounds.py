#!/usr/bin/env python3
"""Synthesise BackCare's five session cues as WAV files (standard library only).

Output (relative to the repository root)::

    assets/sounds/start.wav       the work phase begins: an upward "go"
    assets/sounds/countdown.wav   each of the last 3 seconds: one soft high tone
    assets/sounds/switch.wav      change sides: a double tap
    assets/sounds/rest.wav        rest: a gentle falling pair
    assets/sounds/done.wav        the session is complete: a rising arpeggio

Usage::

    .venv/bin/python scripts/make_sounds.py               # rewrite assets/sounds/*.wav
    .venv/bin/python scripts/make_sounds.py --out DIR     # write them somewhere else

The files are 48000 Hz, 16-bit, mono PCM and byte-for-byte reproducible: re-run the script
after changing ``CUES`` (the one table of what each cue sounds like; the tests and the tone
detector in ``tests/helpers/tones.py`` read it from here) and commit the WAVs it writes.
Never edit a WAV by hand: a test regenerates them and compares the bytes.

Every tone is a sine with a soft second harmonic (-20 dB) for warmth, a raised-cosine
attack (``ATTACK_MS``) and release (``RELEASE_MS``) inside its duration so that it starts
and ends at exactly zero (no clicks), and a slow exponential decay so that it sounds like a
soft mallet rather than a beep.  Each tone peaks at about ``PEAK_DBFS`` plus its own
``level_db``.  Each cue is told apart from the others by its first tone's frequency.
"""

from __future__ import annotations

import argparse
import math
import struct
import sys
import wave
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_RATE = 48_000
SAMPLE_WIDTH = 2  # bytes: 16-bit PCM
CHANNELS = 1
FULL_SCALE = 32_767
PEAK_DBFS = -6.0  # peak level of a tone whose level_db is 0
ATTACK_MS = 8  # raised-cosine fade-in at the start of every tone
RELEASE_MS = 25  # raised-cosine fade-out at the end of every tone
HARMONIC = 0.1  # amplitude of the 2nd harmonic relative to the fundamental (-20 dB)
DECAY_S = 0.5  # time constant of the gentle exponential decay of every tone

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "assets" / "sounds"


@dataclass(frozen=True, slots=True)
class Tone:
    """One tone of a cue: its pitch, its length and the silence after it."""

    freq_hz: float
    ms: int
    gap_after_ms: int = 0
    level_db: float = 0.0  # relative to PEAK_DBFS; the ear is more sensitive to high tones


# The single source of truth for the cues (names fixed: backcare_gui.core.engine.CueKind).
# The first tones' frequencies all differ, so a cue is recognised from its first ~40 ms.
CUES: dict[str, tuple[Tone, ...]] = {
    "start": (Tone(660.0, 120, gap_after_ms=30), Tone(880.0, 160)),
    "countdown": (Tone(1320.0, 70, level_db=-4.0),),
    "switch": (
        Tone(990.0, 90, gap_after_ms=70, level_db=-2.0),
        Tone(990.0, 90, level_db=-2.0),
    ),
    "rest": (Tone(523.25, 150), Tone(392.0, 220)),
    "done": (Tone(440.0, 110), Tone(554.37, 110), Tone(659.25, 110), Tone(880.0, 300)),
}


def cue_ms(tones: Sequence[Tone]) -> int:
    """The length of a cue: its tones and the gaps between them (not after the last)."""
    return sum(t.ms + t.gap_after_ms for t in tones) - tones[-1].gap_after_ms


def _waveform_peak(harmonic: float) -> float:
    """max over x of sin(x) + h*sin(2x): where cos(x) + 2h*cos(2x) = 0."""
    if harmonic == 0.0:
        return 1.0
    c = (-1.0 + math.sqrt(1.0 + 32.0 * harmonic * harmonic)) / (8.0 * harmonic)
    return math.sqrt(1.0 - c * c) * (1.0 + 2.0 * harmonic * c)


def _samples(ms: int, rate: int) -> int:
    return round(ms * rate / 1000)


def render_tone(tone: Tone, rate: int = SAMPLE_RATE) -> list[float]:
    """One tone as floats in -1..1, starting and ending at exactly 0."""
    n = _samples(tone.ms, rate)
    n_attack = _samples(ATTACK_MS, rate)
    n_release = _samples(RELEASE_MS, rate)
    if n < n_attack + n_release:
        raise ValueError(f"a {tone.ms} ms tone is shorter than its attack and release")
    amplitude = 10.0 ** ((PEAK_DBFS + tone.level_db) / 20.0) / _waveform_peak(HARMONIC)
    w = 2.0 * math.pi * tone.freq_hz / rate
    out: list[float] = []
    for i in range(n):
        if i < n_attack:
            env = 0.5 * (1.0 - math.cos(math.pi * i / n_attack))
        elif i >= n - n_release:
            env = 0.5 * (1.0 + math.cos(math.pi * (i - (n - n_release) + 1) / n_release))
        else:
            env = 1.0
        env *= math.exp(-i / (DECAY_S * rate))
        out.append(amplitude * env * (math.sin(w * i) + HARMONIC * math.sin(2.0 * w * i)))
    return out


def render_cue(tones: Sequence[Tone], rate: int = SAMPLE_RATE) -> array[int]:
    """A whole cue as 16-bit samples."""
    floats: list[float] = []
    for index, tone in enumerate(tones):
        floats.extend(render_tone(tone, rate))
        if index < len(tones) - 1:
            floats.extend([0.0] * _samples(tone.gap_after_ms, rate))
    pcm = array("h")
    for x in floats:
        pcm.append(max(-FULL_SCALE, min(FULL_SCALE, round(x * FULL_SCALE))))
    return pcm


def wav_bytes_of(pcm: array[int]) -> bytes:
    """Little-endian sample bytes whatever the machine's byte order."""
    return struct.pack(f"<{len(pcm)}h", *pcm)


def write_wav(path: Path, pcm: array[int], rate: int = SAMPLE_RATE) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(CHANNELS)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(rate)
        out.writeframes(wav_bytes_of(pcm))


def write_all(out_dir: Path) -> list[Path]:
    """Write every cue to ``out_dir/<cue>.wav``; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, tones in CUES.items():
        path = out_dir / f"{name}.wav"
        write_wav(path, render_cue(tones))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write BackCare's cue sounds as WAV files.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder to write <cue>.wav into (default: assets/sounds)")
    args = parser.parse_args(argv)
    out_dir: Path = args.out
    for path in write_all(out_dir):
        print(f"{path}  {cue_ms(CUES[path.stem])} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
