"""X11: the MIT-SCREEN-SAVER extension, through libXss with ctypes (apt package libxss1).

Tried on Xvfb (tests/e2e/test_idle_x11.py). The display is opened once and kept: an X
connection per reading would cost a round trip to set up each time.
"""

from __future__ import annotations

import ctypes

from backcare_gui.idle.base import IdleUnavailableError

X11_LIBRARY = "libX11.so.6"
XSS_LIBRARY = "libXss.so.1"


class _XScreenSaverInfo(ctypes.Structure):
    # The layout of XScreenSaverInfo in <X11/extensions/scrnsaver.h>; idle is in milliseconds.
    _fields_ = (
        ("window", ctypes.c_ulong),
        ("state", ctypes.c_int),
        ("kind", ctypes.c_int),
        ("til_or_since", ctypes.c_ulong),
        ("idle", ctypes.c_ulong),
        ("event_mask", ctypes.c_ulong),
    )


class X11Idle:
    """Idle time from the X server. Use it from one thread: Xlib is not thread-safe here.

    If the X server goes away, Xlib's default handler ends the process on the next reading;
    Qt's own connection to that server would be lost at the same moment, so nothing is kept
    alive by trying to survive it.
    """

    name = "x11"
    description = "read from the X server (its MIT-SCREEN-SAVER extension)"

    def __init__(self, display: str | None = None, *, x11_library: str = X11_LIBRARY,
                 xss_library: str = XSS_LIBRARY) -> None:
        """display None: Xlib reads $DISPLAY. Raises IdleUnavailableError when a library is
        missing, the display cannot be opened or the server lacks the extension."""
        try:
            self._x11 = ctypes.CDLL(x11_library)
            self._xss = ctypes.CDLL(xss_library)
        except OSError as error:
            raise IdleUnavailableError(f"an X11 library is missing: {error}") from error
        self._declare()
        self._display: int | None = self._x11.XOpenDisplay(display.encode() if display else None)
        if not self._display:
            raise IdleUnavailableError(f"the X display {display!r} cannot be opened")
        event_base, error_base = ctypes.c_int(), ctypes.c_int()
        # Asked first: a query to a server without the extension is an X error, and Xlib's
        # default error handler ends the process.
        if not self._xss.XScreenSaverQueryExtension(self._display, ctypes.byref(event_base),
                                                    ctypes.byref(error_base)):
            self.close()
            raise IdleUnavailableError("the X server has no MIT-SCREEN-SAVER extension")
        self._root: int = self._x11.XDefaultRootWindow(self._display)

    def _declare(self) -> None:
        # Without restype, ctypes would cut the 64-bit Display pointer to a C int.
        x11, xss = self._x11, self._xss
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XOpenDisplay.argtypes = (ctypes.c_char_p,)
        x11.XDefaultRootWindow.restype = ctypes.c_ulong
        x11.XDefaultRootWindow.argtypes = (ctypes.c_void_p,)
        x11.XCloseDisplay.restype = ctypes.c_int
        x11.XCloseDisplay.argtypes = (ctypes.c_void_p,)
        x11.XFree.restype = ctypes.c_int
        x11.XFree.argtypes = (ctypes.c_void_p,)
        xss.XScreenSaverQueryExtension.restype = ctypes.c_int
        xss.XScreenSaverQueryExtension.argtypes = (
            ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))
        xss.XScreenSaverAllocInfo.restype = ctypes.POINTER(_XScreenSaverInfo)
        xss.XScreenSaverAllocInfo.argtypes = ()
        xss.XScreenSaverQueryInfo.restype = ctypes.c_int
        xss.XScreenSaverQueryInfo.argtypes = (
            ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_XScreenSaverInfo))

    def idle_seconds(self) -> float | None:
        if not self._display:
            return None
        info = self._xss.XScreenSaverAllocInfo()
        if not info:
            return None
        try:
            if not self._xss.XScreenSaverQueryInfo(self._display, self._root, info):
                return None
            return float(info.contents.idle) / 1000.0
        finally:
            self._x11.XFree(info)

    def close(self) -> None:
        """Closes the display; later readings are None. Call it before the X server stops."""
        if self._display:
            self._x11.XCloseDisplay(self._display)
            self._display = None
