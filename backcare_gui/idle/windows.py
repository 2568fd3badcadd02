"""Windows: GetLastInputInfo and GetTickCount through ctypes. UNTRIED: written from the Win32
documentation, never run; only the arithmetic is tested (with a fake of the OS call).
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

from backcare_gui.idle.base import IdleUnavailableError

TICK_MODULUS = 2**32  # both tick counts are 32-bit milliseconds and wrap every ~49.7 days

# The thin OS call: (tick of the last input, tick now), or None when Windows would not say.
TickReader = Callable[[], tuple[int, int] | None]


class _LastInputInfo(ctypes.Structure):
    _fields_ = (("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint32))


def elapsed_ms(last_input_tick: int, now_tick: int) -> int:
    """Milliseconds from the last input to now. Modulo 2**32 so that a tick count that wrapped
    in between still gives the right answer (for idle times under 49.7 days)."""
    return (now_tick - last_input_tick) % TICK_MODULUS


def system_tick_reader() -> TickReader:
    """Binds the two Win32 functions (untried); raises IdleUnavailableError off Windows."""
    if sys.platform != "win32":
        raise IdleUnavailableError("GetLastInputInfo exists only on Windows")
    try:
        user32 = ctypes.WinDLL("user32")
        kernel32 = ctypes.WinDLL("kernel32")
    except OSError as error:
        raise IdleUnavailableError(f"user32/kernel32 cannot be loaded: {error}") from error
    user32.GetLastInputInfo.argtypes = (ctypes.POINTER(_LastInputInfo),)
    user32.GetLastInputInfo.restype = ctypes.c_int
    kernel32.GetTickCount.argtypes = ()
    # A DWORD: with ctypes' default c_int it would turn negative after 24.9 days of uptime.
    kernel32.GetTickCount.restype = ctypes.c_uint32

    def read() -> tuple[int, int] | None:
        info = _LastInputInfo(cbSize=ctypes.sizeof(_LastInputInfo))
        if not user32.GetLastInputInfo(ctypes.byref(info)):
            return None
        # "now" read second, so an input arriving between the two calls cannot come out as
        # later than now (which the modulo would turn into 49 days).
        return int(info.dwTime), int(kernel32.GetTickCount())

    return read


class WindowsIdle:
    """Untried on real Windows. GetLastInputInfo covers this session's input only, which is
    what a desk break is about."""

    name = "windows"
    description = "read from Windows (GetLastInputInfo)"

    def __init__(self, read: TickReader | None = None) -> None:
        self._read = read if read is not None else system_tick_reader()

    def idle_seconds(self) -> float | None:
        ticks = self._read()
        if ticks is None:
            return None
        return elapsed_ms(*ticks) / 1000.0
