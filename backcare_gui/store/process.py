"""Who owns a running session: a process id plus that process's start time.

A pid alone is not enough: once a process is gone the system may give its number to another
one, and a session row would then look alive for ever. The start time tells the two apart.
The start-time string is opaque to everyone else; it starts with the method that made it, so
a value written on one platform is never compared as if it came from another.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PROC = Path("/proc")


def current_owner() -> tuple[int, str]:
    """This process: (pid, start-time string)."""
    pid = os.getpid()
    return pid, _start_time(pid) or "posix:"


def owner_alive(pid: int | None, started: str | None) -> bool:
    """Whether the process that wrote (pid, started) is still running."""
    if pid is None or pid <= 0:  # 0 and negatives name process groups for os.kill
        return False
    if _METHOD != "posix" and (started or "").split(":", 1)[0] == _METHOD:
        return _start_time(pid) == started
    # Written on another platform, or this one cannot tell start times: the pid is all there is.
    return _pid_exists(pid)


def _pid_exists(pid: int) -> bool:
    if sys.platform == "win32":
        return _windows_start_time(pid) is not None
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, but belongs to someone else
        return True
    except OSError:
        return False
    return True


def _boot_id() -> str:
    # Clock ticks restart at every boot; the boot id keeps a pid from a previous boot, with by
    # chance the same tick count, from passing as alive.
    try:
        return (_PROC / "sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return ""


def _linux_start_time(pid: int) -> str | None:
    """'linux:BOOT_ID:TICKS' from field 22 of /proc/PID/stat; None if no such live process."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # Field 2 is the command name in parentheses and may itself hold spaces or ')'.
    fields = stat[stat.rfind(")") + 2:].split()
    if len(fields) < 20 or fields[0] in ("Z", "X"):  # a zombie has exited, only not reaped
        return None
    return f"linux:{_boot_id()}:{fields[19]}"  # fields[0] is field 3, so field 22 is [19]


if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    def _windows_start_time(pid: int) -> str | None:
        """'win:CREATION_FILETIME' of a running process. Untried: written without a Windows
        machine to run it on."""
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return None
        try:
            code = wintypes.DWORD()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) or code.value != 259:
                return None  # 259 = STILL_ACTIVE; an exited process can still be opened
            times = [wintypes.FILETIME() for _ in range(4)]  # creation, exit, kernel, user
            if not kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
                return None
            return f"win:{(times[0].dwHighDateTime << 32) | times[0].dwLowDateTime}"
        finally:
            kernel32.CloseHandle(handle)
else:
    def _windows_start_time(pid: int) -> str | None:
        return None


def _start_time(pid: int) -> str | None:
    if _METHOD == "linux":
        return _linux_start_time(pid)
    if _METHOD == "win":
        return _windows_start_time(pid)
    return None


_METHOD = ("linux" if (_PROC / "self/stat").exists() else
           "win" if sys.platform == "win32" else "posix")
