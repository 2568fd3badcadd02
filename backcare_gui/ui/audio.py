"""Cue sounds: preloaded PCM mixed into one QAudioSink stream that stays open while a session
runs, all in Qt's event loop.

Why not QSoundEffect: in Qt 6.11 every QSoundEffect.play() makes a "voice" with its own eventfd
and QSocketNotifier, and when PulseAudio's thread happens to drop the last reference to a
finished voice, the eventfd is closed on that thread while the GUI thread's event dispatcher
still polls it. The dispatcher then loops on "QSocketNotifier: Invalid socket N ... disabling"
and the GUI thread never returns (issue 3: about one session in six under load). One stream per
session, owned and stopped by the GUI thread, has no per-sound objects at all; it also keeps
the output awake for the whole session (an idle PulseAudio output loses the first ~100 ms of
the next sound), which the looped silence used to do.

Timing: the sink pulls samples from `_Mixer` on the GUI thread into a short ring buffer. A cue
is placed in the stream so that it sounds a fixed `LATENCY_S` after it was due, whatever the
ring buffer holds at that moment and however late the event loop noticed the cue (up to the
slack between `LATENCY_S` and the buffer), so the gaps between cues match the gaps between
their phase boundaries.

QtMultimedia is imported only when the first session starts (start-up stays fast) and is
optional: without it (no libpulse), without an output device, when a sound fails to load or the
stream cannot open, the session runs on with a visual flash for every cue and one calm notice.
Muted cues flash too. Never a thread per sound, never a blocking call.
"""

from __future__ import annotations

import logging
from array import array
from typing import TYPE_CHECKING

from PySide6.QtCore import QIODevice, QObject, QTimer, Signal

from backcare_gui import resources
from backcare_gui.core.clock import Clock
from backcare_gui.core.engine import CueDue, CueKind
from backcare_gui.core.settings import Settings, SettingValue
from backcare_gui.trace import trace

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QAudioSink

log = logging.getLogger(__name__)

STALE_NS = 500_000_000  # a cue noticed this late (the app was frozen) is not played at all
NO_SOUND = ("Sound is not available on this computer, so BackCare flashes the screen for "
            "each cue instead. The session works just the same.")

RATE = 48_000  # the cue WAVs: 48 kHz, mono, 16-bit (scripts/make_sounds.py)
BUFFER_S = 0.100  # the sink's ring buffer: how long the GUI thread may be busy without a gap
LATENCY_S = 0.150  # from a cue's due time to its sound; the rest absorbs a late event loop
DRAINED_S = 0.300  # silence after the last sound before the stream is closed
DRAIN_CHECK_MS = 100


class _Mixer(QIODevice):
    """An endless stream of 16-bit mono samples: silence, with the cues mixed in at the sample
    positions they were given. The sink reads it on the GUI thread."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.written = 0  # samples handed to the sink so far: the position of the next one
        self.sounds_end = 0  # where the last sound queued so far ends
        self._voices: list[tuple[int, bytes]] = []  # (first sample, PCM), in any order

    def add(self, at: int, pcm: bytes) -> None:
        at = max(at, self.written)
        self._voices.append((at, pcm))
        self.sounds_end = max(self.sounds_end, at + len(pcm) // 2)

    def rewind(self) -> None:
        """Back to an empty stream at position 0 (the sink is about to start anew)."""
        self._voices.clear()
        self.written = self.sounds_end = 0

    def isSequential(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def bytesAvailable(self) -> int:  # noqa: N802 - Qt's name
        return (1 << 30) + super().bytesAvailable()

    def readData(self, maxlen: int, /) -> bytes:  # noqa: N802 - Qt's name
        n = maxlen // 2
        start, end = self.written, self.written + n
        self.written = end
        out: bytearray | None = None
        mixed: array[int] | None = None  # once two sounds overlap
        keep: list[tuple[int, bytes]] = []
        for at, pcm in self._voices:
            stop = at + len(pcm) // 2
            if stop > end:
                keep.append((at, pcm))
            lo, hi = max(at, start), min(stop, end)
            if lo >= hi:
                continue
            part = pcm[2 * (lo - at):2 * (hi - at)]
            if out is None:
                out = bytearray(2 * n)
                out[2 * (lo - start):2 * (hi - start)] = part
                continue
            if mixed is None:
                mixed = array("h")
                mixed.frombytes(bytes(out))
            add = array("h")
            add.frombytes(part)
            for i, sample in enumerate(add, lo - start):
                mixed[i] = max(-32768, min(32767, mixed[i] + sample))
        self._voices = keep
        if mixed is not None:
            return mixed.tobytes()
        return bytes(out) if out is not None else bytes(2 * n)

    def writeData(self, data: bytes | bytearray | memoryview, size: int, /) -> int:  # noqa: N802
        return -1  # read only


def _read_pcm(cue: CueKind) -> bytes:
    import wave

    with wave.open(str(resources.asset(f"sounds/{cue.value}.wav")), "rb") as wav:
        if (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) != (RATE, 1, 2):
            raise ValueError(f"{cue.value}.wav is not {RATE} Hz mono 16-bit")
        return wav.readframes(wav.getnframes())


class CuePlayer(QObject):
    flash = Signal(str)  # a cue that is shown rather than heard (CueKind value)
    played = Signal(str)  # a cue handed to the sound device
    unavailable = Signal(str)  # once: why there is no sound, in plain words

    def __init__(self, settings: Settings, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._clock = clock
        self._pcm: dict[CueKind, bytes] = {}
        self._sink: QAudioSink | None = None
        self._mixer: _Mixer | None = None
        self._running = False  # the stream is open
        self._in_session = False
        self._drain = QTimer(self)  # closes the stream once the last sound has been heard
        self._drain.setInterval(DRAIN_CHECK_MS)
        self._drain.timeout.connect(self._stop_when_drained)
        self._loaded = False
        self.available = True  # until shown otherwise
        settings.subscribe(self._setting_changed)

    def load(self) -> None:
        """Import QtMultimedia and preload the cues (once; cheap to call again)."""
        if self._loaded:
            return
        self._loaded = True
        try:
            from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices
        except ImportError as exc:  # typically libpulse missing on Linux
            log.warning("QtMultimedia unavailable: %s", exc)
            self._give_up()
            return
        device = QMediaDevices.defaultAudioOutput()
        if not QMediaDevices.audioOutputs() or device.isNull():
            log.warning("no audio output device")
            self._give_up()
            return
        import wave

        try:
            self._pcm = {cue: _read_pcm(cue) for cue in CueKind}
        except (OSError, EOFError, ValueError, wave.Error) as exc:
            log.warning("cannot load the cue sounds: %s", exc)
            self._give_up()
            return
        audio_format = QAudioFormat()
        audio_format.setSampleRate(RATE)
        audio_format.setChannelCount(1)
        audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        if not device.isFormatSupported(audio_format):
            log.warning("%s cannot play 48 kHz mono 16-bit sound", device.description())
            self._give_up()
            return
        self._sink = QAudioSink(device, audio_format, self)
        self._sink.setBufferSize(2 * round(RATE * BUFFER_S))
        self._sink.stateChanged.connect(self._check_sink)
        self._mixer = _Mixer(self)
        self._apply_volume()

    def session_started(self) -> None:
        self.load()
        self._in_session = True
        self._open()

    def session_ended(self) -> None:
        """The stream closes once the last cue (the "done" sound) has been heard."""
        self._in_session = False
        if self._running:
            self._drain.start()

    def _open(self) -> bool:
        """Open the stream (if it is not open yet); False if there is no sound after all."""
        self._drain.stop()
        if self._running:
            return True
        if self._sink is None or self._mixer is None or not self.available:
            return False
        self._mixer.rewind()
        self._mixer.open(QIODevice.OpenModeFlag.ReadOnly | QIODevice.OpenModeFlag.Unbuffered)
        self._running = True
        self._sink.start(self._mixer)
        if self._sink_failed():
            self._give_up()
            self._close()
        return self._running

    def _sink_failed(self) -> bool:
        from PySide6.QtMultimedia import QtAudio

        failed = self._sink is not None and self._sink.error() in (
            QtAudio.Error.OpenError, QtAudio.Error.IOError, QtAudio.Error.FatalError)
        if failed:
            assert self._sink is not None
            log.warning("the audio output failed: %s", self._sink.error())
        return failed

    def _check_sink(self) -> None:
        """Stream errors (PulseAudio went away): no sound from now on."""
        if self._running and self._sink_failed():
            self._give_up()
            QTimer.singleShot(0, self, self._close)  # not from inside the sink's own signal

    def _close(self) -> None:
        self._drain.stop()
        if not self._running:
            return
        self._running = False
        assert self._sink is not None and self._mixer is not None
        self._sink.stop()
        self._mixer.close()
        self._mixer.rewind()

    def _stop_when_drained(self) -> None:
        if self._in_session or self._mixer is None:
            self._drain.stop()
            return
        # the ring buffer holds the last BUFFER_S of what was written: the last sound has left
        # it once that much more has been written, and has been heard DRAINED_S after that
        heard = self._mixer.written - round(RATE * (BUFFER_S + DRAINED_S))
        if heard >= self._mixer.sounds_end:
            self._close()

    def _give_up(self) -> None:
        if self.available:
            self.available = False
            self.unavailable.emit(NO_SOUND)

    def _setting_changed(self, key: str, _value: SettingValue) -> None:
        if key.startswith("sound."):
            self._apply_volume()

    def _apply_volume(self) -> None:
        if self._sink is None:
            return
        from PySide6.QtMultimedia import QtAudio

        volume = self._settings.get("sound.volume")
        assert isinstance(volume, int)
        # the slider is perceptual; the sink wants a linear factor
        linear = QtAudio.convertVolume(volume / 100, QtAudio.VolumeScale.LogarithmicVolumeScale,
                                       QtAudio.VolumeScale.LinearVolumeScale)
        self._sink.setVolume(linear)

    def _queue(self, cue: CueKind, due_ns: int) -> bool:
        """Mix the cue into the stream so that it sounds LATENCY_S after due_ns."""
        if not self.available or cue not in self._pcm or self._settings.get("sound.muted"):
            return False
        if not self._open():
            return False
        assert self._sink is not None and self._mixer is not None
        waiting = (self._sink.bufferSize() - self._sink.bytesFree()) // 2  # in the ring buffer
        late_s = max(0, self._clock.monotonic_ns() - due_ns) / 1e9
        lead = round((LATENCY_S - late_s) * RATE) - waiting
        self._mixer.add(self._mixer.written + max(0, lead), self._pcm[cue])
        if not self._in_session:
            self._drain.start()
        return True

    def play_now(self, cue: CueKind) -> None:
        """A cue outside a session (the heat alarm): heard, or flashed when there is no sound."""
        self.load()
        if not self._queue(cue, self._clock.monotonic_ns()):
            self.flash.emit(cue.value)
            return
        self.played.emit(cue.value)

    def play(self, event: CueDue) -> None:
        if event.cue is CueKind.COUNTDOWN and not self._settings.get("sound.countdown_beeps"):
            return
        if self._clock.monotonic_ns() - event.at_ns > STALE_NS:
            return  # a backlog after a freeze: better silent than a burst of stale beeps
        self.load()
        if not self._queue(event.cue, event.at_ns):
            self.flash.emit(event.cue.value)
            trace(f"cue-flashed {event.cue.value} {event.at_ns}")
            return
        self.played.emit(event.cue.value)
        trace(f"cue-played {event.cue.value} {event.at_ns}")
