"""A real X server (Xvfb) for end-to-end tests, on a display number it picks itself."""

from __future__ import annotations

import os
import shutil
import subprocess
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
