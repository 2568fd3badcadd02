"""The cue player's own mixing and timing (backcare_gui/ui/audio.py), against a stand-in sink:
where a cue lands in the stream, how sounds mix, and when the stream closes. The real device
is tested end to end in tests/e2e/test_real_audio.py."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QIODevice, QObject

from backcare_gui.core.clock import FakeClock
from backcare_gui.core.engine import CueKind
from backcare_gui.core.settings import Settings
from backcare_gui.ui.audio import BUFFER_S, DRAINED_S, LATENCY_S, RATE, CuePlayer, _Mixer


def samples(data: bytes | bytearray | memoryview) -> list[int]:
    out = array("h")
    out.frombytes(data)
    return list(out)


def take(mixer: _Mixer, count: int) -> list[int]:
    """The next `count` samples the sink would read."""
    return samples(mixer.read(2 * count).data())


def pcm(*values: int) -> bytes:
    return array("h", values).tobytes()


class FakeSink:
    """What CuePlayer uses of QAudioSink; `waiting` is how many samples the ring buffer holds."""

    def __init__(self) -> None:
        self.waiting = 0
        self.device: QIODevice | None = None
        self.stops = 0

    def bufferSize(self) -> int:  # noqa: N802
        return 2 * round(RATE * BUFFER_S)

    def bytesFree(self) -> int:  # noqa: N802
        return self.bufferSize() - 2 * self.waiting

    def start(self, device: QIODevice) -> None:
        self.device = device

    def stop(self) -> None:
        self.stops += 1
        self.device = None

    def error(self) -> object:
        from PySide6.QtMultimedia import QtAudio

        return QtAudio.Error.NoError

    def setVolume(self, _volume: float) -> None:  # noqa: N802
        pass


@pytest.fixture
def mixer(qapp: object) -> Iterator[_Mixer]:
    owner = QObject()
    device = _Mixer(owner)
    device.open(QIODevice.OpenModeFlag.ReadOnly | QIODevice.OpenModeFlag.Unbuffered)
    yield device
    del owner


def test_the_stream_is_silence_with_each_sound_at_its_sample(mixer: _Mixer) -> None:
    mixer.add(3, pcm(1, 2, 3, 4))
    got = take(mixer, 5) + take(mixer, 5)
    assert got == [0, 0, 0, 1, 2, 3, 4, 0, 0, 0]
    assert mixer.written == 10 and mixer.sounds_end == 7
    assert mixer.bytesAvailable() > 0  # endless: the sink may always read


def test_overlapping_sounds_add_up_and_clip(mixer: _Mixer) -> None:
    mixer.add(0, pcm(100, 100, 32000, 32000))
    mixer.add(1, pcm(5, 5000, -5))
    assert take(mixer, 5) == [100, 105, 32767, 31995, 0]


def test_a_sound_queued_for_the_past_starts_at_once(mixer: _Mixer) -> None:
    mixer.read(2 * 10)
    mixer.add(4, pcm(7, 7))
    assert take(mixer, 3) == [7, 7, 0]


@pytest.fixture
def player(qapp: object, tmp_path: Path) -> tuple[CuePlayer, FakeSink, FakeClock]:
    clock = FakeClock()
    audio = CuePlayer(Settings.load(tmp_path / "settings.yaml"), clock)
    sink = FakeSink()
    audio._loaded = True
    audio._pcm = {cue: pcm(1000, 1000) for cue in CueKind}
    audio._sink = sink  # type: ignore[assignment]
    audio._mixer = _Mixer(audio)
    return audio, sink, clock


def test_a_cue_sounds_a_fixed_time_after_it_was_due(
        player: tuple[CuePlayer, FakeSink, FakeClock]) -> None:
    """Whatever the ring buffer holds and however late the event loop noticed the cue."""
    audio, sink, clock = player
    audio.session_started()
    assert sink.device is audio._mixer
    mixer = audio._mixer
    assert mixer is not None
    due = clock.monotonic_ns()
    clock.advance(0.030)  # noticed 30 ms late
    mixer.read(2 * 1000)
    sink.waiting = 2400  # 50 ms still to play before what is written next
    assert audio._queue(CueKind.START, due)
    # it sounds at: now + (waiting + lead) / RATE == due + LATENCY_S
    lead = mixer.sounds_end - 2 - mixer.written
    assert (sink.waiting + lead) / RATE + 0.030 == pytest.approx(LATENCY_S, abs=1 / RATE)


def test_the_stream_stays_open_for_the_session_and_closes_after_the_last_sound(
        player: tuple[CuePlayer, FakeSink, FakeClock]) -> None:
    audio, sink, clock = player
    audio.session_started()
    mixer = audio._mixer
    assert mixer is not None
    assert audio._queue(CueKind.DONE, clock.monotonic_ns())
    audio.session_ended()
    assert audio._drain.isActive()
    mixer.read(2 * (mixer.sounds_end + round(RATE * (BUFFER_S + DRAINED_S)) - 1))
    audio._stop_when_drained()
    assert sink.stops == 0, "the done sound may still be in the buffers"
    mixer.read(2)
    audio._stop_when_drained()
    assert sink.stops == 1 and not audio._drain.isActive()
    audio.play_now(CueKind.REST)  # outside a session: opens again, closes again when heard
    assert sink.device is mixer and audio._drain.isActive()


def test_a_failing_output_means_flashes(player: tuple[CuePlayer, FakeSink, FakeClock],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtMultimedia import QtAudio

    audio, sink, _clock = player
    monkeypatch.setattr(sink, "error", lambda: QtAudio.Error.OpenError)
    flashes: list[str] = []
    notices: list[str] = []
    audio.flash.connect(flashes.append)
    audio.unavailable.connect(notices.append)
    audio.session_started()
    audio.play_now(CueKind.START)
    assert flashes == ["start"] and len(notices) == 1 and not audio.available
