"""Cue sounds: preloaded QSoundEffects, played asynchronously in Qt's event loop.

QtMultimedia is imported only when the first session starts (start-up stays fast) and is
optional: without it (no libpulse), without an output device, or when a sound fails to load, the
session runs on with a visual flash for every cue and one calm notice. Muted cues flash too.
Never a thread per sound, never a blocking call.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal

from backcare_gui import resources
from backcare_gui.core.clock import Clock
from backcare_gui.core.engine import CueDue, CueKind
from backcare_gui.core.settings import Settings, SettingValue
from backcare_gui.trace import trace

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QSoundEffect

log = logging.getLogger(__name__)

STALE_NS = 500_000_000  # a cue noticed this late (the app was frozen) is not played at all
NO_SOUND = ("Sound is not available on this computer, so BackCare flashes the screen for "
            "each cue instead. The session works just the same.")


class CuePlayer(QObject):
    flash = Signal(str)  # a cue that is shown rather than heard (CueKind value)
    played = Signal(str)  # a cue handed to the sound device
    unavailable = Signal(str)  # once: why there is no sound, in plain words

    def __init__(self, settings: Settings, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._clock = clock
        self._effects: dict[CueKind, QSoundEffect] = {}
        self._keepalive: QSoundEffect | None = None
        self._loaded = False
        self.available = True  # until shown otherwise
        settings.subscribe(self._setting_changed)

    def load(self) -> None:
        """Import QtMultimedia and preload the cues (once; cheap to call again)."""
        if self._loaded:
            return
        self._loaded = True
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError as exc:  # typically libpulse missing on Linux
            log.warning("QtMultimedia unavailable: %s", exc)
            self._give_up()
            return
        if not QMediaDevices.audioOutputs():
            log.warning("no audio output device")
            self._give_up()
            return
        for cue in CueKind:
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(resources.asset(f"sounds/{cue.value}.wav"))))
            effect.statusChanged.connect(self._check_status)
            self._effects[cue] = effect
        # Silence looped while a session runs keeps the output awake: an idle PulseAudio
        # output loses the first ~100 ms of the next cue while it wakes (measured).
        self._keepalive = QSoundEffect(self)
        self._keepalive.setSource(QUrl.fromLocalFile(str(resources.asset("sounds/keepalive.wav"))))
        self._keepalive.setLoopCount(QSoundEffect.Loop.Infinite.value)
        self._apply_volume()

    def session_started(self) -> None:
        self.load()
        if self._keepalive is not None and self.available:
            self._keepalive.play()

    def session_ended(self) -> None:
        if self._keepalive is not None:
            self._keepalive.stop()

    def _check_status(self) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        if any(e.status() == QSoundEffect.Status.Error for e in self._effects.values()):
            self._give_up()

    def _give_up(self) -> None:
        if self.available:
            self.available = False
            self.unavailable.emit(NO_SOUND)

    def _setting_changed(self, key: str, _value: SettingValue) -> None:
        if key.startswith("sound."):
            self._apply_volume()

    def _apply_volume(self) -> None:
        if not self._effects:
            return
        from PySide6.QtMultimedia import QtAudio

        volume = self._settings.get("sound.volume")
        assert isinstance(volume, int)
        # the slider is perceptual; QSoundEffect wants a linear factor
        linear = QtAudio.convertVolume(volume / 100, QtAudio.VolumeScale.LogarithmicVolumeScale,
                                       QtAudio.VolumeScale.LinearVolumeScale)
        for effect in self._effects.values():
            effect.setVolume(linear)
            effect.setMuted(bool(self._settings.get("sound.muted")))

    def play_now(self, cue: CueKind) -> None:
        """A cue outside a session (the heat alarm): heard, or flashed when there is no sound."""
        self.load()
        effect = self._effects.get(cue)
        if not self.available or effect is None or self._settings.get("sound.muted"):
            self.flash.emit(cue.value)
            return
        effect.play()
        self.played.emit(cue.value)

    def play(self, event: CueDue) -> None:
        if event.cue is CueKind.COUNTDOWN and not self._settings.get("sound.countdown_beeps"):
            return
        if self._clock.monotonic_ns() - event.at_ns > STALE_NS:
            return  # a backlog after a freeze: better silent than a burst of stale beeps
        self.load()
        effect = self._effects.get(event.cue)
        if not self.available or effect is None or self._settings.get("sound.muted"):
            self.flash.emit(event.cue.value)
            trace(f"cue-flashed {event.cue.value} {event.at_ns}")
            return
        effect.play()
        self.played.emit(event.cue.value)
        trace(f"cue-played {event.cue.value} {event.at_ns}")
