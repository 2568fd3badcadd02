"""A real X11 idle time: under Xvfb it grows while nothing happens and falls back to about zero
after a key press (xdotool)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
import time

import pytest

from backcare_gui.idle import detect
from backcare_gui.idle.x11 import XSS_LIBRARY, X11Idle
from tests.helpers.prereq import require, require_commands
from tests.helpers.xserver import xvfb

pytestmark = pytest.mark.e2e


def _have_libxss() -> bool:
    if ctypes.util.find_library("Xss"):
        return True
    try:
        ctypes.CDLL(XSS_LIBRARY)
    except OSError:
        return False
    return True


def _require_prerequisites() -> None:
    require_commands("Xvfb", "xdotool")
    require(_have_libxss(), "libXss (apt package libxss1)")


def test_x11_idle_grows_while_untouched_and_resets_after_a_key() -> None:
    _require_prerequisites()
    with xvfb() as display:
        idle = X11Idle(display)
        try:
            before = idle.idle_seconds()
            time.sleep(1.0)
            after_wait = idle.idle_seconds()
            subprocess.run(["xdotool", "key", "shift"], env={**os.environ, "DISPLAY": display},
                           check=True, timeout=30)
            after_key = idle.idle_seconds()
        finally:
            idle.close()  # before Xvfb stops: Xlib ends the process on a lost connection
    assert before is not None and after_wait is not None and after_key is not None
    print(f"X11 idle on Xvfb: {before:.3f} s, 1 s later {after_wait:.3f} s, "
          f"after xdotool key shift {after_key:.3f} s")
    assert 0.8 <= after_wait - before <= 1.6  # the sleep, give or take a noisy machine
    assert after_key < 0.75 < after_wait


def test_detect_picks_x11_on_an_x_display() -> None:
    _require_prerequisites()
    with xvfb() as display:
        provider = detect({"DISPLAY": display}, "linux")
        try:
            assert isinstance(provider, X11Idle)
            reading = provider.idle_seconds()
            assert reading is not None and reading >= 0
        finally:
            if isinstance(provider, X11Idle):
                provider.close()


def test_a_closed_x11_provider_reads_unknown() -> None:
    _require_prerequisites()
    with xvfb() as display:
        idle = X11Idle(display)
        idle.close()
        idle.close()  # twice is harmless
        assert idle.idle_seconds() is None
