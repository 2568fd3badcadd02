"""One BackCare per data folder: a second launch hands its request to the running one.

A QLockFile in the data folder says who runs (Qt recognises the lock of a killed process as
stale and takes it over); a QLocalServer named after the folder receives the second launch's
request ("show yourself", maybe "start this routine"). Another data folder is another instance,
so tests and benchmarks never meet.
"""

from __future__ import annotations

import json
import logging
import os
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, Signal

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer

log = logging.getLogger(__name__)

CONNECT_MS = 3000


def server_name(data_folder: Path) -> str:
    """Short and safe for a socket path, one per user and folder. Two checksums rather than a
    cryptographic hash: hashlib would load OpenSSL (~3.5 MiB resident) into an app that may
    idle in the tray all day, to name a socket."""
    key = str(data_folder.resolve()).encode()
    user = os.getuid() if hasattr(os, "getuid") else "user"
    return f"backcare-{user}-{zlib.crc32(key):08x}{zlib.adler32(key):08x}"


class SingleInstance(QObject):
    """`claim()` True: this process is the one. Requests from later launches arrive as
    `request(dict)`: {"start": routine id or None, "pain_before": int or None}."""

    request = Signal(dict)

    def __init__(self, data_folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(data_folder)
        self.lock = QLockFile(str(data_folder / "backcare.lock"))
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        """Take the folder's lock (cheap: done before the window shows). The server that
        hears later launches starts in `listen()`, once the window is up; a launch arriving in
        between keeps trying to connect for a few seconds."""
        return self.lock.tryLock(100)

    def listen(self) -> None:
        from PySide6.QtNetwork import QLocalServer

        QLocalServer.removeServer(self.name)  # a socket left by a killed process
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(self.name):
            log.warning("single instance: cannot listen on %s: %s", self.name,
                        self.server.errorString())
        self.server.newConnection.connect(self._connection)

    def _connection(self) -> None:
        assert self.server is not None
        socket = self.server.nextPendingConnection()
        if socket is None:
            return

        def read() -> None:
            data = bytes(socket.readAll().data())
            try:
                message = json.loads(data.decode() or "{}")
            except (UnicodeDecodeError, json.JSONDecodeError):
                message = {}
            if isinstance(message, dict):
                self.request.emit(message)
            socket.disconnectFromServer()

        if socket.bytesAvailable():
            read()
        else:
            socket.readyRead.connect(read)
        socket.disconnected.connect(socket.deleteLater)

    def send(self, message: dict[str, object]) -> bool:
        """From a second launch: hand the request over; False if the first one did not
        answer within a few seconds."""
        from PySide6.QtNetwork import QLocalSocket

        socket = QLocalSocket()
        deadline = time.monotonic() + CONNECT_MS / 1000
        while True:  # the first one may still be starting its server
            socket.connectToServer(self.name)
            if socket.waitForConnected(200):
                break
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        socket.write(json.dumps(message).encode())
        ok = socket.waitForBytesWritten(CONNECT_MS)
        socket.waitForDisconnected(CONNECT_MS)
        return ok

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
        self.lock.unlock()
