"""Spoken guidance: opt-in, on its own thread, saying the right words at the right moments."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from backcare_gui.core.clock import FakeClock
from backcare_gui.core.settings import Settings
from backcare_gui.ui.main_window import MainWindow
from backcare_gui.ui.voice import ENGINE_ENV, VoiceGuide


def test_voice_uses_a_thread_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENGINE_ENV, "mock")
    guide = VoiceGuide()
    guide.say("Cat-cow")
    assert guide.ready.wait(10)
    assert guide.available and guide.engine == "mock"
    assert guide._thread is not None and guide._thread is not threading.current_thread()
    assert guide._thread.daemon  # a stuck engine can never keep the app from quitting


def test_no_engine_means_no_voice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENGINE_ENV, "no-such-engine")
    guide = VoiceGuide()
    guide.start()
    assert guide.ready.wait(10)
    assert guide.available is False


def test_the_player_speaks_exercises_switches_and_rests(
        qtbot: QtBot, window: MainWindow, settings: Settings, clock: FakeClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENGINE_ENV, "mock")
    settings.set("voice.enabled", True)
    assert window.library.select("desk-break")
    window.library.detail.start.click()
    player = window.player
    driver = player.driver
    assert driver is not None
    while driver.engine.state.value == "running":
        clock.advance(0.5)
        driver.poll()
    qtbot.waitUntil(lambda: len(player.voice.spoken) >= 6, timeout=10_000)
    spoken = player.voice.spoken
    routine = driver.engine.timeline.routine
    first = routine.exercises[0]
    assert spoken[0] == f"{first.name}. {first.cues[0]}"
    assert "Switch sides" in spoken
    assert any(text.startswith(routine.exercises[1].name) for text in spoken)


def test_voice_is_off_by_default(window: MainWindow, settings: Settings) -> None:
    assert settings.get("voice.enabled") is False
    assert window.library.select("desk-break")
    window.library.detail.start.click()
    assert window.player.voice._thread is None


def test_keep_awake_without_a_session_bus_is_harmless(monkeypatch: pytest.MonkeyPatch) -> None:
    from backcare_gui.ui.awake import KeepAwake

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    awake = KeepAwake()
    awake.hold()
    assert awake.active
    awake.release()
    assert not awake.active
