"""How long the person has not touched keyboard or mouse, for the desk-break timers: a long
enough pause counts as a natural break.

    provider = detect()            # once, after the QApplication exists (D-Bus wants one)
    provider.idle_seconds()        # float seconds, or None when unknown right now
    status_line(provider)          # "Idle time: ..." for the settings page

Importing this package loads no Qt: only the D-Bus providers need it, and they are imported
when detect() tries them.
"""

from __future__ import annotations

from backcare_gui.idle.base import (
    NOT_AVAILABLE,
    IdleProvider,
    IdleUnavailableError,
    UnknownIdle,
    status_line,
)
from backcare_gui.idle.choose import FACTORIES, Factory, detect, plan

__all__ = [
    "FACTORIES",
    "NOT_AVAILABLE",
    "Factory",
    "IdleProvider",
    "IdleUnavailableError",
    "UnknownIdle",
    "detect",
    "plan",
    "status_line",
]
