"""Wayland (and any desktop with a session bus): idle time from the desktop over D-Bus, with
QtDBus. UNTRIED against a real GNOME or KDE: the reply handling is tested with real
QDBusMessage replies, not with the services themselves.

- GNOME: Mutter's org.gnome.Mutter.IdleMonitor.GetIdletime, in milliseconds.
- KDE and others: org.freedesktop.ScreenSaver.GetSessionIdleTime, read as milliseconds (what
  KDE's screen locker answers). It is not in any written standard: Plasma on Wayland answers
  "NotSupported" (then we fall back), and some older lockers answer in seconds, which would
  read 1000 times too small, so breaks would go uncounted rather than be invented.

This module imports Qt at the top; backcare_gui.idle imports it only when detect() tries it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtDBus import QDBus, QDBusConnection, QDBusMessage

from backcare_gui.idle.base import IdleUnavailableError

# Each reading is a blocking call on the GUI thread: a desktop that does not answer quickly
# costs at most this, and the reading is then unknown.
TIMEOUT_MS = 300

# The thin bus call: a method call in, its reply (or error) out.
Send = Callable[[QDBusMessage], QDBusMessage]


@dataclass(frozen=True)
class IdleMethod:
    name: str
    description: str
    service: str
    path: str
    interface: str
    method: str
    seconds_per_unit: float


MUTTER = IdleMethod(
    name="mutter",
    description="read from GNOME (Mutter's idle monitor, over D-Bus)",
    service="org.gnome.Mutter.IdleMonitor",
    path="/org/gnome/Mutter/IdleMonitor/Core",
    interface="org.gnome.Mutter.IdleMonitor",
    method="GetIdletime",
    seconds_per_unit=0.001,
)
FREEDESKTOP_SCREENSAVER = IdleMethod(
    name="freedesktop-screensaver",
    description="read from the desktop's screen saver service (over D-Bus)",
    service="org.freedesktop.ScreenSaver",
    path="/org/freedesktop/ScreenSaver",
    interface="org.freedesktop.ScreenSaver",
    method="GetSessionIdleTime",
    seconds_per_unit=0.001,
)


def seconds_from_reply(reply: QDBusMessage, seconds_per_unit: float) -> float | None:
    """The idle time in a reply; None for an error, a timeout or an answer of the wrong shape."""
    if reply.type() != QDBusMessage.MessageType.ReplyMessage:
        return None
    arguments = reply.arguments()
    if len(arguments) != 1:
        return None
    value = arguments[0]
    # bool is an int in Python, and a "true" is no duration
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value * seconds_per_unit


def session_bus_sender(timeout_ms: int = TIMEOUT_MS) -> Send:
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        raise IdleUnavailableError(f"no D-Bus session bus: {bus.lastError().message()}")

    def send(message: QDBusMessage) -> QDBusMessage:
        # Block (not BlockWithGui): no events are handled re-entrantly during the wait.
        return bus.call(message, QDBus.CallMode.Block, timeout_ms)

    return send


class DBusIdle:
    def __init__(self, method: IdleMethod, send: Send | None = None) -> None:
        self.name = method.name
        self.description = method.description
        self._method = method
        self._send = send if send is not None else session_bus_sender()

    def idle_seconds(self) -> float | None:
        m = self._method
        message = QDBusMessage.createMethodCall(m.service, m.path, m.interface, m.method)
        # Never start a screen saver just to ask it: a service that is not running is absent.
        message.setAutoStartService(False)
        return seconds_from_reply(self._send(message), m.seconds_per_unit)


def mutter_idle(send: Send | None = None) -> DBusIdle:
    return DBusIdle(MUTTER, send)


def freedesktop_idle(send: Send | None = None) -> DBusIdle:
    return DBusIdle(FREEDESKTOP_SCREENSAVER, send)
