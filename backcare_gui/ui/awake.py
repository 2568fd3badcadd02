"""Keep the screen awake during a session, where the platform allows.

Linux: the freedesktop ScreenSaver D-Bus service (GNOME, KDE, Xfce...), asked asynchronously so
a slow bus never blocks the player. Windows: SetThreadExecutionState. macOS: not yet (the docs
say so); the screen may dim during a long hold there.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject

log = logging.getLogger(__name__)

_WIN_CONTINUOUS = 0x80000000
_WIN_DISPLAY_REQUIRED = 0x00000002


class KeepAwake(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cookie: int | None = None
        self._watcher: object | None = None
        self.active = False

    def hold(self, reason: str = "A guided exercise session is running") -> None:
        if self.active:
            return
        self.active = True
        if sys.platform == "win32":
            ctypes.windll.kernel32.SetThreadExecutionState(  # type: ignore[attr-defined]
                _WIN_CONTINUOUS | _WIN_DISPLAY_REQUIRED)
        elif sys.platform.startswith("linux"):
            self._inhibit_dbus(reason)

    def release(self) -> None:
        if not self.active:
            return
        self.active = False
        if sys.platform == "win32":
            ctypes.windll.kernel32.SetThreadExecutionState(_WIN_CONTINUOUS)  # type: ignore[attr-defined]
        elif self._cookie is not None:
            from PySide6.QtDBus import QDBusConnection, QDBusMessage

            message = QDBusMessage.createMethodCall(
                "org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
                "org.freedesktop.ScreenSaver", "UnInhibit")
            message.setArguments([self._cookie])
            QDBusConnection.sessionBus().asyncCall(message)
            self._cookie = None

    def _inhibit_dbus(self, reason: str) -> None:
        from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusPendingCallWatcher

        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            log.info("no D-Bus session bus: the screen may sleep during sessions")
            return
        message = QDBusMessage.createMethodCall(
            "org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
            "org.freedesktop.ScreenSaver", "Inhibit")
        message.setArguments(["BackCare", reason])
        watcher = QDBusPendingCallWatcher(bus.asyncCall(message), self)
        watcher.finished.connect(self._inhibited)
        self._watcher = watcher

    def _inhibited(self, watcher: object) -> None:
        from PySide6.QtDBus import QDBusMessage, QDBusPendingCallWatcher

        assert isinstance(watcher, QDBusPendingCallWatcher)
        reply = watcher.reply()
        if reply.type() == QDBusMessage.MessageType.ReplyMessage and reply.arguments():
            self._cookie = int(reply.arguments()[0])
            if not self.active:  # released before the answer came
                self.active = True
                self.release()
        else:
            log.info("screen saver inhibit refused: %s", reply.errorMessage())
        watcher.deleteLater()
