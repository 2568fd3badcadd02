"""Which provider to use: the best one that gives a first reading, else UnknownIdle."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping

from backcare_gui.idle.base import IdleProvider, UnknownIdle

log = logging.getLogger(__name__)

# Builds a provider for this environment, or raises (IdleUnavailableError, OSError...) when it
# cannot work here.
Factory = Callable[[Mapping[str, str]], IdleProvider]

_DBUS = ["mutter", "freedesktop-screensaver"]


def plan(env: Mapping[str, str], platform: str) -> list[str]:
    """The providers worth trying here, best first."""
    if platform == "win32":
        return ["windows"]
    if platform == "darwin":
        return ["macos"]
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        # Not X11 even when DISPLAY is set: XWayland only sees input sent to X windows, so
        # typing in a Wayland window would look like a break.
        return list(_DBUS)
    if env.get("DISPLAY"):
        # X11 first: local and cheap. The bus services still help on a server without the
        # extension or a machine without libXss.
        return ["x11", *_DBUS]
    return list(_DBUS)


# Imports inside the factories keep `import backcare_gui.idle` free of Qt and of the others.
def _x11(env: Mapping[str, str]) -> IdleProvider:
    from backcare_gui.idle.x11 import X11Idle

    return X11Idle(env.get("DISPLAY"))


def _mutter(env: Mapping[str, str]) -> IdleProvider:
    from backcare_gui.idle.dbus_services import mutter_idle

    return mutter_idle()


def _freedesktop(env: Mapping[str, str]) -> IdleProvider:
    from backcare_gui.idle.dbus_services import freedesktop_idle

    return freedesktop_idle()


def _windows(env: Mapping[str, str]) -> IdleProvider:
    from backcare_gui.idle.windows import WindowsIdle

    return WindowsIdle()


def _macos(env: Mapping[str, str]) -> IdleProvider:
    from backcare_gui.idle.macos import MacIdle

    return MacIdle()


FACTORIES: Mapping[str, Factory] = {
    "x11": _x11,
    "mutter": _mutter,
    "freedesktop-screensaver": _freedesktop,
    "windows": _windows,
    "macos": _macos,
}


def detect(env: Mapping[str, str] | None = None, platform: str = sys.platform,
           factories: Mapping[str, Factory] | None = None) -> IdleProvider:
    """The first provider in plan() that builds and gives a first reading. Call it once, after
    the QApplication exists, and keep the result: the D-Bus ones ask the desktop here."""
    env = os.environ if env is None else env
    factories = FACTORIES if factories is None else factories
    for name in plan(env, platform):
        factory = factories.get(name)
        if factory is None:
            continue
        try:
            provider = factory(env)
            first = provider.idle_seconds()
        except Exception as error:  # any failure means "not here": never stop the app for it
            log.info("idle time: %s is not available: %s", name, error)
            continue
        if first is not None:
            log.info("idle time: using %s", name)
            return provider
        # Built but silent (a service that answers with an error): not worth keeping.
        log.info("idle time: %s gave no reading", name)
        close = getattr(provider, "close", None)
        if callable(close):
            close()
    log.info("idle time: not available here")
    return UnknownIdle()
