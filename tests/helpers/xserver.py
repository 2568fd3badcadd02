"""A real X server (Xvfb) for end-to-end tests, on a display number it picks itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.helpers.prereq import require_commands


@contextmanager
def xvfb(size: str = "1280x800") -> Iterator[str]:
    """Yields the DISPLAY name of a fresh Xvfb; stops it afterwards."""
    require_commands("Xvfb")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp",
         "-noreset"], pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def have_xdotool() -> bool:
    return shutil.which("xdotool") is not None


@contextmanager
def tray_host(display: str) -> Iterator[None]:
    """A system-tray host (trayer) on the display, so QSystemTrayIcon has somewhere to live."""
    require_commands("trayer")
    host = subprocess.Popen(["trayer", "--edge", "top", "--align", "right", "--widthtype",
                             "request", "--height", "32", "--transparent", "false"],
                            env={**os.environ, "DISPLAY": display},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # wait until it owns the tray selection
            found = subprocess.run(["xdotool", "search", "--class", "trayer"],
                                   env={**os.environ, "DISPLAY": display},
                                   capture_output=True, text=True)
            if found.stdout.strip():
                break
            time.sleep(0.1)
        time.sleep(0.3)
        yield
    finally:
        host.terminate()
        host.wait(timeout=10)
