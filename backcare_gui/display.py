"""Can a window be shown here? Asked before Qt starts, because Qt aborts the process (exit 134)
when it has no display, and a person deserves a sentence instead."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

HOW_TO = ("BackCare needs a desktop to show its window: run it from your desktop session, or "
          "set QT_QPA_PLATFORM=offscreen to run without a screen (for tests).")


def display_problem(env: Mapping[str, str] | None = None) -> str | None:
    """None when a window can be shown; otherwise what is missing, in one sentence."""
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return None  # Windows and macOS always have their native platform
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None  # offscreen, wayland, vnc...: the person chose it
    display = env.get("DISPLAY", "")
    if not platform and env.get("WAYLAND_DISPLAY"):
        return None
    if not display:
        return f"No display was found (DISPLAY is not set). {HOW_TO}"
    if not can_open_x_display(display):
        return f"The display {display!r} cannot be opened. {HOW_TO}"
    return None


def can_open_x_display(display: str) -> bool:
    """Connect the way Qt's xcb platform will: through libxcb when present, else the socket."""
    import ctypes  # here, not at import time: this module is on the start-up path

    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return _socket_reachable(display)
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(display.encode(), None)
    try:
        return bool(conn) and xcb.xcb_connection_has_error(conn) == 0
    finally:
        if conn:
            xcb.xcb_disconnect(conn)


def _socket_reachable(display: str) -> bool:
    import socket

    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    try:
        if host in ("", "unix"):
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(2)
                s.connect(f"/tmp/.X11-unix/X{number}")
        else:
            with socket.create_connection((host, 6000 + int(number)), timeout=2):
                pass
    except OSError:
        return False
    return True
