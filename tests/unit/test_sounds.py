"""The cue sounds (assets/sounds/*.wav, made by scripts/make_sounds.py) and the detector that
later tests use to hear them (tests/helpers/tones.py)."""

from __future__ import annotations

import itertools
import math
import random
import subprocess
import sys
import time
import wave
from array import array
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare_gui.core.engine import CueKind
from tests.helpers.tones import (
    CUES,
    SCRIPT,
    Detected,
    detect_cues,
    load_sound_script,
    purity,
    read_raw_s16le,
    read_wav,
)

ROOT = Path(__file__).resolve().parent.parent.parent
SOUNDS = ROOT / "assets" / "sounds"
RATE = 48_000
NAMES = sorted(CUES)
TOLERANCE_S = 0.003

make_sounds = load_sound_script()


def wav(name: str) -> array[int]:
    samples, rate = read_wav(SOUNDS / f"{name}.wav")
    assert rate == RATE
    return samples


def cue_ms(name: str) -> int:
    length: int = make_sounds.cue_ms(CUES[name])
    return length


def mix(
    duration_s: float,
    plan: Sequence[tuple[str, float]],
    volume: float = 1.0,
    noise: float = 0.0,
    seed: int = 0,
    drop_ms: float = 0.0,
) -> array[int]:
    """A fake recording: the committed WAVs at the given times, scaled, with Gaussian noise
    (standard deviation ``noise`` in 16-bit units), clipped like a real 16-bit capture.
    ``drop_ms``: the first milliseconds of every sound are missing, as PulseAudio's null sink
    monitor drops them at the start of a stream (the sound still starts at its time)."""
    n = round(duration_s * RATE)
    rng = random.Random(seed)
    buf = [rng.gauss(0.0, noise) for _ in range(n)] if noise else [0.0] * n
    drop = round(drop_ms * RATE / 1000)
    for name, at_s in plan:
        start = round(at_s * RATE)
        for i, x in enumerate(wav(name)[drop:], start=drop):
            if 0 <= start + i < n:
                buf[start + i] += volume * x
    return array("h", (max(-32768, min(32767, round(x))) for x in buf))


def assert_found(found: list[Detected], plan: Sequence[tuple[str, float]]) -> None:
    assert [d.cue for d in found] == [name for name, _ in plan], found
    for d, (_, at_s) in zip(found, plan, strict=True):
        assert d.onset_s == pytest.approx(at_s, abs=TOLERANCE_S), (d, at_s)


# --- the cue table ----------------------------------------------------------------------


def test_the_table_has_the_engines_cues_told_apart_by_their_first_tone() -> None:
    assert set(CUES) == {kind.value for kind in CueKind}
    firsts = {name: tones[0].freq_hz for name, tones in CUES.items()}
    assert firsts == {
        "start": 660.0, "countdown": 1320.0, "switch": 990.0, "rest": 523.25, "done": 440.0,
    }
    for name in CUES:
        assert 0 < cue_ms(name) < 800, name


# --- the committed WAV files ------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_wav_is_short_48k_16bit_mono(name: str) -> None:
    path = SOUNDS / f"{name}.wav"
    assert path.is_file(), f"{path} is missing: run scripts/make_sounds.py"
    with wave.open(str(path), "rb") as w:
        assert (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (RATE, 2, 1)
        assert w.getcomptype() == "NONE"
        frames = w.getnframes()
    assert frames / RATE < 0.8
    assert frames == round(cue_ms(name) * RATE / 1000)


@pytest.mark.parametrize("name", NAMES)
def test_wav_has_no_clicks_and_headroom(name: str) -> None:
    samples = wav(name)
    assert abs(samples[0]) <= 32 and abs(samples[-1]) <= 32  # starts and ends at silence
    peak = max(abs(x) for x in samples)
    peak_dbfs = 20 * math.log10(peak / 32768)
    assert -14.0 < peak_dbfs < -5.0, peak_dbfs  # audible, never near clipping
    # No jump anywhere (tone edges, gaps) steeper than the fastest tone itself can move:
    # a sine of amplitude A at f changes by at most 2*pi*f/rate*A per sample (+ harmonic).
    top = max(t.freq_hz for t in CUES[name])
    limit = peak * 2 * math.pi * top / RATE * 1.25
    assert max(abs(b - a) for a, b in itertools.pairwise(samples)) <= limit


@pytest.mark.parametrize("name", NAMES)
def test_wav_first_tone_has_its_frequency(name: str) -> None:
    samples = wav(name)
    first = CUES[name][0]
    assert purity(samples, 480, 480 + 35 * 48, first.freq_hz, RATE) > 0.95
    others = {tones[0].freq_hz for tones in CUES.values()} - {first.freq_hz}
    for freq in others:
        assert purity(samples, 480, 480 + 35 * 48, freq, RATE) < 0.05


def test_generator_reproduces_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True,
                   capture_output=True, timeout=120)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.wav" for n in CUES)
    for name in CUES:
        made = (tmp_path / f"{name}.wav").read_bytes()
        committed = (SOUNDS / f"{name}.wav").read_bytes()
        assert made == committed, f"{name}.wav differs from what scripts/make_sounds.py makes"


# --- reading recordings -----------------------------------------------------------------


def test_read_raw_s16le_from_bytes_and_path(tmp_path: Path) -> None:
    samples = array("h", [0, 1, -1, 32767, -32768, 1234])
    raw = b"".join(x.to_bytes(2, "little", signed=True) for x in samples)
    assert read_raw_s16le(raw) == samples
    assert read_raw_s16le(raw + b"\x01") == samples  # cut mid-sample: the odd byte is dropped
    path = tmp_path / "rec.raw"
    path.write_bytes(raw)
    assert read_raw_s16le(path, rate=48_000) == samples
    assert read_raw_s16le(str(path)) == samples


# --- the detector -----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_detects_each_wav_alone_at_zero(name: str) -> None:
    found = detect_cues(wav(name), RATE)
    assert [d.cue for d in found] == [name]
    assert found[0].onset_s == pytest.approx(0.0, abs=TOLERANCE_S)


SESSION = [
    ("start", 0.5), ("countdown", 3.0), ("countdown", 4.0), ("countdown", 5.0),
    ("switch", 7.3), ("rest", 9.1), ("done", 12.0),
]


@pytest.mark.parametrize("volume", [0.2, 0.45, 1.0])
def test_detects_a_session_in_order_within_3_ms(volume: float) -> None:
    recording = mix(13.0, SESSION, volume=volume, noise=30.0, seed=7)
    assert_found(detect_cues(recording, RATE), SESSION)


@pytest.mark.parametrize("drop_ms", [0.5, 2.0, 4.7, 9.0, 17.0, 35.0])
def test_sounds_missing_their_first_milliseconds_are_timed_from_their_first_tone(
    drop_ms: float,
) -> None:
    """Their onset is where the whole sound would have started: the first tone's end."""
    recording = mix(13.0, SESSION, volume=0.5, noise=20.0, seed=4, drop_ms=drop_ms)
    assert_found(detect_cues(recording, RATE), SESSION)


def test_a_20_s_recording_is_analysed_quickly() -> None:
    plan = [(name, 0.7 + 1.5 * i) for i, name in enumerate(NAMES * 2)]
    recording = mix(20.0, plan, volume=0.6, noise=20.0, seed=3)
    began = time.perf_counter()
    found = detect_cues(recording, RATE)
    elapsed = time.perf_counter() - began
    assert_found(found, plan)
    assert elapsed < 2.0, f"{elapsed:.2f} s"


def test_a_recording_that_starts_mid_way() -> None:
    recording = mix(13.0, SESSION, volume=0.3, noise=20.0, seed=11)
    cut_s = 0.56  # 60 ms into "start": it is cut, the rest is whole
    found = detect_cues(recording[round(cut_s * RATE) :], RATE)
    assert_found(found, [(name, at - cut_s) for name, at in SESSION[1:]])


def test_a_recording_clipped_at_both_ends() -> None:
    recording = mix(13.0, SESSION, volume=0.8, noise=20.0, seed=5)
    begin, end = round(3.02 * RATE), round((12.0 + 0.2) * RATE)  # mid countdown .. mid done
    found = detect_cues(recording[begin:end], RATE)
    assert_found(found, [(name, at - 3.02) for name, at in SESSION[2:]])


def _cut_points(name: str) -> list[int]:
    """Where to start a recording inside a cue (ms): every 9 ms, and around each tone edge,
    where a later tone of a cue could pass for the first tone of another."""
    points = set(range(1, cue_ms(name), 9))
    t = 0
    for tone in CUES[name]:
        for edge in (t, t + tone.ms, t + tone.ms + tone.gap_after_ms):
            points.update(p for p in range(edge - 3, edge + 4) if 0 < p < cue_ms(name))
        t += tone.ms + tone.gap_after_ms
    return sorted(points)


@pytest.mark.parametrize("name", NAMES)
def test_a_cue_cut_at_the_start_is_skipped_or_named_right(name: str) -> None:
    after = [("countdown", 0.9), ("rest", 1.9)]
    whole = mix(2.5, [(name, 0.0), *after], volume=0.5, noise=15.0, seed=1)
    for cut_ms in _cut_points(name):
        cut = cut_ms * RATE // 1000
        found = detect_cues(whole[cut:], RATE)
        if found and found[0].cue == name and len(found) == 3:
            found = found[1:]  # named right (from what is left of it)
        assert_found(found, [(n, at - cut / RATE) for n, at in after])


@pytest.mark.parametrize("name", NAMES)
def test_a_cue_cut_at_the_end_is_named_right_or_not_at_all(name: str) -> None:
    whole = mix(0.5 + cue_ms(name) / 1000, [(name, 0.5)], volume=0.7, noise=15.0, seed=2)
    for keep_ms in range(0, cue_ms(name) + 1, 5):
        found = detect_cues(whole[: (500 + keep_ms) * RATE // 1000], RATE)
        if keep_ms >= 30:  # 30 ms of the first tone is enough to know it
            assert_found(found, [(name, 0.5)])
        else:
            assert [d.cue for d in found] in ([], [name])


def test_silence_and_noise_alone_give_nothing() -> None:
    assert detect_cues(array("h", bytes(2 * 2 * RATE)), RATE) == []
    assert detect_cues(array("h"), RATE) == []
    assert detect_cues(mix(2.0, [], noise=40.0, seed=9), RATE) == []


@settings(max_examples=20)
@given(
    names=st.lists(st.sampled_from(NAMES), min_size=1, max_size=5),
    spaces_ms=st.lists(st.integers(100, 1200), min_size=5, max_size=5),
    lead_ms=st.integers(0, 400),
    volume=st.floats(0.2, 1.0),
)
def test_any_sequence_of_cues_is_found(
    names: list[str], spaces_ms: list[int], lead_ms: int, volume: float
) -> None:
    """Cues in any order, any volume, with 100 ms or more of silence between them."""
    plan: list[tuple[str, float]] = []
    t_ms = lead_ms
    for name, space in zip(names, spaces_ms, strict=False):
        plan.append((name, t_ms / 1000))
        t_ms += cue_ms(name) + space
    recording = mix(t_ms / 1000, plan, volume=volume, noise=10.0, seed=len(plan))
    assert_found(detect_cues(recording, RATE), plan)
