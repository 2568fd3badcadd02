"""Spoken guidance through QtTextToSpeech, opt-in.

A speech engine may hang (speech-dispatcher does without a sound device), so it is created and
driven on a daemon thread of its own: a hang there can never freeze the player, and a daemon
thread never keeps the app from quitting.
"""

from __future__ import annotations

import logging
import os
import queue
import threading

log = logging.getLogger(__name__)

ENGINE_ENV = "BACKCARE_TTS_ENGINE"  # tests choose Qt's "mock" engine; people never need it


class VoiceGuide:
    def __init__(self) -> None:
        self._queue: queue.Queue[str] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.engine: str | None = None  # the engine in use, once found
        self.ready = threading.Event()  # set once an engine is up (or known to be missing)
        self.spoken: list[str] = []  # what was handed to the engine (for tests and logs)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="backcare-voice",
                                            daemon=True)
            self._thread.start()

    def say(self, text: str) -> None:
        self.start()
        self._queue.put(text)

    @property
    def available(self) -> bool | None:
        """None while still looking for an engine."""
        if not self.ready.is_set():
            return None
        return self.engine is not None

    def _run(self) -> None:
        from PySide6.QtCore import QEventLoop
        from PySide6.QtTextToSpeech import QTextToSpeech

        wanted = os.environ.get(ENGINE_ENV)
        engines = [e for e in QTextToSpeech.availableEngines() if e != "mock" or wanted]
        if wanted:
            engines = [e for e in engines if e == wanted]
        if not engines:
            log.info("no speech engine available")
            self.ready.set()
            return
        speech = QTextToSpeech(engines[0])  # may hang: only this thread waits
        self.engine = engines[0]
        self.ready.set()
        loop = QEventLoop()
        try:
            while True:
                try:
                    text = self._queue.get(timeout=0.1)
                except queue.Empty:
                    loop.processEvents()
                    continue
                speech.say(text)
                self.spoken.append(text)
                loop.processEvents()
        except RuntimeError:  # Qt objects gone: the app is quitting; so does this thread
            return
