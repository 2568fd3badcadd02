"""Find BackCare's cue sounds in a recording: which cues sounded, in what order, and when.

Standard library only.  What each cue sounds like is read from ``scripts/make_sounds.py``
(its ``CUES`` table, its envelope constants and ``render_cue`` for calibration), never
repeated here.

How ``detect_cues`` works, for 16-bit samples at any rate:

1. The peak level of every 1 ms block (``max``/``min`` of a slice run at C speed).
2. A candidate onset is a block that reaches 25 % of the level that follows it (the median
   block peak 8..30 ms later) after a lead-in of up to ``LEAD_MS`` that stayed below that:
   so a cue is found whatever the volume, low noise between cues is ignored, and a recording
   that starts in the middle of a tone does not produce an onset there.
3. The first tone's frequency is measured with Hann-windowed Goertzel filters at the known
   first-tone frequencies over 10..45 ms after the onset; the best must be a clean tone.
4. The onset is refined to a fraction of a millisecond: the signal is demodulated at that
   frequency (I/Q, smoothed over exactly one period) and the onset is where that envelope
   rises through 85 % of its level, minus the time the clean cue (rendered by make_sounds)
   takes to get there.  If the rise is a jump (the first milliseconds of the sound are
   missing, as PulseAudio drops them), the onset is dated from the end of the first tone.
5. The rest of the cue's pattern is verified (each tone's frequency at its time, silence in
   gaps of 12 ms or more) as far as the recording goes, which rejects a later tone of a cue
   that looks like another cue's first tone (done's 659.25 Hz against start's 660 Hz).

A 20 s recording is analysed in about 0.1 s (0.2 s the first time: calibration).  Cues are
found down to about -50 dBFS at the quietest (``MIN_LEVEL``) and need about 20 dB between
a cue's peak and the noise.
"""

from __future__ import annotations

import importlib.util
import math
import os
import statistics
import sys
import wave
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Protocol

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "scripts" / "make_sounds.py"
_MODULE_NAME = "backcare_make_sounds"

LEAD_MS = 20  # quiet needed before an onset (less at the very start of a recording)
ON_FRACTION = 0.25  # a block is "sounding" at this fraction of the level that follows
QUIET_FRACTION = 0.4  # a gap is silent if its peak stays below this fraction of the cue
MIN_LEVEL = 100  # block peak (of 32768) below which nothing counts as a cue: about -50 dBFS
MIN_PURITY = 0.6  # Goertzel power / total power of a tone that counts as clean
CLASSIFY_FROM_MS = 10  # the measuring window of a tone: from here (after the attack) ...
CLASSIFY_MS = 35  # ... for this long (or up to the release, whichever comes first)
MIN_WINDOW_MS = 15  # a shorter window (at the end of a recording) is not measured
GAP_MARGIN_MS = 3  # the edges of a gap left out of its silence check
MIN_CHECKED_GAP_MS = 12
RISE_TOLERANCE = (0.75, 1.5)  # accepted 50..85 % rise time, relative to the clean cue's


class ToneSpec(Protocol):
    """What the detector reads of ``make_sounds.Tone``."""

    @property
    def freq_hz(self) -> float: ...
    @property
    def ms(self) -> int: ...
    @property
    def gap_after_ms(self) -> int: ...


def load_sound_script() -> ModuleType:
    """``scripts/make_sounds.py`` as a module (scripts/ is not a package)."""
    loaded = sys.modules.get(_MODULE_NAME)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(_MODULE_NAME, SCRIPT)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {SCRIPT}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_MODULE_NAME] = module  # dataclasses look their module up while it runs
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[_MODULE_NAME]
        raise
    return module


_SOUNDS = load_sound_script()
CUES: Mapping[str, Sequence[ToneSpec]] = _SOUNDS.CUES
ATTACK_MS: int = _SOUNDS.ATTACK_MS
RELEASE_MS: int = _SOUNDS.RELEASE_MS
FIRST_TONES: dict[float, str] = {tones[0].freq_hz: name for name, tones in CUES.items()}
if len(FIRST_TONES) != len(CUES):
    raise ValueError("two cues start with the same frequency: the detector cannot tell them")


@dataclass(frozen=True)
class Detected:
    cue: str
    onset_s: float  # start of the cue's first tone, from the start of the recording


def read_wav(path: str | os.PathLike[str]) -> tuple[array[int], int]:
    """A 16-bit mono WAV's samples and sample rate."""
    with wave.open(os.fspath(path), "rb") as wav:
        if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
            raise ValueError(
                f"{path}: {wav.getnchannels()} channel(s) of {8 * wav.getsampwidth()} bit, "
                "want 16-bit mono"
            )
        rate = wav.getframerate()
        data = wav.readframes(wav.getnframes())
    return _s16le(data), rate


def read_raw_s16le(
    path_or_bytes: str | os.PathLike[str] | bytes | bytearray | memoryview, rate: int = 48_000
) -> array[int]:
    """Headerless 16-bit little-endian mono samples, as ``parec --format=s16le`` writes.

    ``rate`` is not stored in raw data: it is only checked here; pass the same value on to
    ``detect_cues``.  A trailing odd byte (a recording cut mid-sample) is dropped.
    """
    if rate <= 0:
        raise ValueError(f"bad sample rate {rate}")
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        data = bytes(path_or_bytes)
    else:
        data = Path(path_or_bytes).read_bytes()
    return _s16le(data)


def _s16le(data: bytes) -> array[int]:
    samples = array("h")
    samples.frombytes(data[: len(data) - len(data) % 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


@cache
def _hann(n: int) -> tuple[float, ...]:
    return tuple(0.5 - 0.5 * math.cos(2.0 * math.pi * (i + 0.5) / n) for i in range(n))


def purity(samples: Sequence[float], start: int, stop: int, freq_hz: float, rate: int) -> float:
    """How much of the power in samples[start:stop] is a sine at freq_hz: 1.0 for a pure one.

    A Hann-windowed Goertzel filter, normalised so a pure sine of any amplitude and phase
    gives about 1 and a tone 80 Hz away (over 35 ms) well under 0.01.
    """
    start, stop = max(0, start), min(stop, len(samples))
    n = stop - start
    if n <= 0:
        return 0.0
    window = _hann(n)
    coeff = 2.0 * math.cos(2.0 * math.pi * freq_hz / rate)
    s1 = s2 = 0.0
    energy = 0.0
    for w, x in zip(window, samples[start:stop], strict=True):
        v = w * x
        energy += v * v
        s1, s2 = v + coeff * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    if energy <= 0.0:
        return 0.0
    sum_w = sum(window)
    sum_w2 = sum(w * w for w in window)
    return 2.0 * power * sum_w2 / (sum_w * sum_w * energy)


def _block_peaks(samples: Sequence[float], block: int) -> list[float]:
    peaks: list[float] = []
    for i in range(0, len(samples) - block + 1, block):
        chunk = samples[i : i + block]
        peaks.append(max(max(chunk), -min(chunk)))
    return peaks


def _peak(samples: Sequence[float], start: int, stop: int) -> float:
    chunk = samples[max(0, start) : max(0, stop)]
    return max(max(chunk), -min(chunk)) if len(chunk) else 0.0


def _ms(ms: float, rate: int) -> int:
    return round(ms * rate / 1000)


class _Envelope:
    """The amplitude of one frequency over samples[lo:hi]: the signal demodulated at that
    frequency (I/Q) and smoothed over exactly one period, which cancels the 2nd harmonic.
    Positions in and out are sample positions in ``samples`` (fractional)."""

    def __init__(
        self, samples: Sequence[float], lo: int, hi: int, freq_hz: float, rate: int
    ) -> None:
        period = max(2, round(rate / freq_hz))
        lo, hi = max(0, lo), min(len(samples), hi)
        w = 2.0 * math.pi * freq_hz / rate
        c_sum = [0.0]
        s_sum = [0.0]
        for i in range(lo, hi):
            x = samples[i]
            c_sum.append(c_sum[-1] + x * math.cos(w * i))
            s_sum.append(s_sum[-1] + x * math.sin(w * i))
        scale = 2.0 / period
        self.values = [
            scale * math.hypot(c_sum[k + period] - c_sum[k], s_sum[k + period] - s_sum[k])
            for k in range(hi - lo - period + 1)
        ]
        self.first = lo + (period - 1) / 2.0  # the position values[0] is centred on

    def _index(self, pos: float) -> int:
        return max(0, min(len(self.values), math.ceil(pos - self.first)))

    def median(self, start: float, stop: float) -> float | None:
        part = self.values[self._index(start) : self._index(stop)]
        return statistics.median(part) if part else None

    def crossing(self, target: float, start: float, stop: float, rising: bool) -> float | None:
        """The first position in [start, stop) where the envelope rises (or falls) through
        target, interpolated between samples."""
        v = self.values
        for k in range(max(1, self._index(start)), self._index(stop)):
            a, b = v[k - 1], v[k]
            if (a < target <= b) if rising else (a > target >= b):
                return self.first + k - 1 + (target - a) / (b - a)
        return None


@dataclass(frozen=True)
class _Attack:
    half: float  # where the envelope rises through 50 % of the level after the attack
    most: float  # ... and through 85 %


def _measure_attack(env: _Envelope, coarse: int, rate: int) -> _Attack | None:
    level = env.median(coarse + _ms(12, rate), coarse + _ms(30, rate))
    if not level:
        return None
    half = env.crossing(0.5 * level, coarse - _ms(10, rate), coarse + _ms(12, rate), True)
    if half is None:
        return None
    most = env.crossing(0.85 * level, half, coarse + _ms(12, rate), True)
    return None if most is None else _Attack(half, most)


def _measure_release(env: _Envelope, coarse: int, tone_ms: int, rate: int) -> float | None:
    """Where the tone's envelope falls through 50 % of its level just before its release."""
    level = env.median(coarse + _ms(12, rate), coarse + _ms(30, rate))
    if not level:
        return None
    rough = env.crossing(
        0.5 * level, coarse + _ms(12, rate), coarse + _ms(tone_ms + 10, rate), False
    )
    if rough is None or rough - _ms(24, rate) < coarse:
        return None  # too little of the tone before its end to measure its level
    local = env.median(rough - _ms(24, rate), rough - _ms(16, rate))
    if not local or local < 0.5 * level:
        return None
    return env.crossing(0.5 * local, rough - _ms(10, rate), rough + _ms(10, rate), False)


@dataclass(frozen=True)
class _Calibration:
    most: float  # _Attack.most minus the onset, in samples, for the clean cue
    rise: float  # _Attack.most minus _Attack.half
    release: float  # the release crossing minus the onset


@cache
def _calibration(name: str, rate: int) -> _Calibration:
    """The measurements on the clean cue (rendered by make_sounds): they turn a measured
    crossing into an onset, with every bias of the measurement itself cancelled."""
    pad = _ms(40, rate)
    clean = array("h", bytes(2 * pad))
    clean.extend(_SOUNDS.render_cue(CUES[name], rate))
    clean.extend(array("h", bytes(2 * pad)))
    tone = CUES[name][0]
    coarse = pad + _ms(2, rate)
    env = _Envelope(clean, coarse - _ms(10, rate), coarse + _ms(tone.ms + 15, rate),
                    tone.freq_hz, rate)
    attack = _measure_attack(env, coarse, rate)
    release = _measure_release(env, coarse, tone.ms, rate)
    if attack is None or release is None:
        raise ValueError(f"cannot measure the clean {name!r} cue")
    return _Calibration(attack.most - pad, attack.most - attack.half, release - pad)


def refine_onset(samples: Sequence[float], coarse: int, name: str, rate: int) -> float | None:
    """The sample position (fractional) where cue ``name``, sounding from about ``coarse``,
    starts; None if it cannot be timed.

    Normally from its attack: where the first tone's envelope rises through 85 % of its
    level.  A sound server may drop the first milliseconds of a stream (PulseAudio does, on
    a null sink's monitor: seen from 0.6 to 17 ms, and 170 ms on the first sound after
    the recording starts).  Then the envelope jumps rather than rises (the 50..85 % rise is
    too fast) and the onset is dated from the end of the first tone, whose length is known:
    this works for drops up to about the first tone's length minus 35 ms (35 ms for
    countdown, 55 ms for switch).
    """
    tone = CUES[name][0]
    cal = _calibration(name, rate)
    env = _Envelope(samples, coarse - _ms(10, rate), coarse + _ms(tone.ms + 15, rate),
                    tone.freq_hz, rate)
    attack = _measure_attack(env, coarse, rate)
    if attack is not None:
        ratio = (attack.most - attack.half) / cal.rise
        if RISE_TOLERANCE[0] <= ratio <= RISE_TOLERANCE[1]:
            return attack.most - cal.most
    release = _measure_release(env, coarse, tone.ms, rate)
    if release is None:
        return None
    onset = release - cal.release
    earliest = coarse - _ms(tone.ms - CLASSIFY_FROM_MS - MIN_WINDOW_MS, rate)
    return onset if earliest <= onset <= coarse + _ms(2, rate) else None


def _pattern_matches(
    samples: Sequence[float], onset: float, tones: Sequence[ToneSpec], level: float, rate: int
) -> bool:
    """Each tone after the first (already measured) has its frequency at its time, and each
    long gap is silent, as far as the recording goes (a recording cut short is checked only
    up to its end)."""
    n = len(samples)

    def at(ms: float) -> int:
        return round(onset + ms * rate / 1000.0)

    t_ms = 0.0
    for index, tone in enumerate(tones):
        start = at(t_ms + CLASSIFY_FROM_MS)
        stop = min(at(t_ms + min(tone.ms - RELEASE_MS, CLASSIFY_FROM_MS + CLASSIFY_MS)), n)
        if stop - start < MIN_WINDOW_MS * rate // 1000:
            return True  # the recording ends here
        if index and purity(samples, start, stop, tone.freq_hz, rate) < MIN_PURITY:
            return False
        t_ms += tone.ms
        if index < len(tones) - 1 and tone.gap_after_ms >= MIN_CHECKED_GAP_MS:
            g_start = at(t_ms + GAP_MARGIN_MS)
            g_stop = min(at(t_ms + tone.gap_after_ms - GAP_MARGIN_MS), n)
            if g_stop <= g_start:
                return True
            if _peak(samples, g_start, g_stop) >= QUIET_FRACTION * level:
                return False
        t_ms += tone.gap_after_ms
    return True


def _cue_ms(tones: Sequence[ToneSpec]) -> int:
    return sum(t.ms + t.gap_after_ms for t in tones) - tones[-1].gap_after_ms


def detect_cues(samples: Sequence[float], rate: int) -> list[Detected]:
    """Every cue that sounds in ``samples`` (16-bit scale), in order, with its onset."""
    block = max(1, rate // 1000)  # 1 ms
    peaks = _block_peaks(samples, block)
    found: list[Detected] = []
    b = 1  # an onset needs at least one quieter block before it
    n_blocks = len(peaks)
    last = n_blocks - CLASSIFY_FROM_MS - MIN_WINDOW_MS  # a later onset cannot be told apart
    while b <= last:
        p = peaks[b]
        if p < MIN_LEVEL * ON_FRACTION or p <= peaks[b - 1]:
            b += 1
            continue
        level = statistics.median(peaks[b + 8 : b + 30])
        on = ON_FRACTION * level
        if level < MIN_LEVEL or p < on or max(peaks[max(0, b - LEAD_MS) : b]) >= on:
            b += 1
            continue
        coarse = b * block
        c_start = coarse + CLASSIFY_FROM_MS * block
        c_stop = min(c_start + CLASSIFY_MS * block, len(samples))
        scores = {f: purity(samples, c_start, c_stop, f, rate) for f in FIRST_TONES}
        freq = max(scores, key=lambda f: scores[f])
        name = FIRST_TONES[freq]
        onset = refine_onset(samples, coarse, name, rate) if scores[freq] >= MIN_PURITY else None
        if onset is None or not _pattern_matches(samples, onset, CUES[name], level, rate):
            b += 1
            continue
        found.append(Detected(name, onset / rate))
        end = onset + _cue_ms(CUES[name]) * rate / 1000.0
        b = max(b + 1, math.ceil(end / block))
    return found
