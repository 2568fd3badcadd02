"""What every idle-time provider offers, and the honest fallback when none works here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

NOT_AVAILABLE = "not available on this computer, so natural breaks are not counted"


class IdleProvider(Protocol):
    # Read-only properties, so that plain class attributes and frozen dataclasses both fit.
    @property
    def name(self) -> str:
        """Short and stable ("x11", "mutter", ...), for logs and settings."""

    @property
    def description(self) -> str:
        """Where the figure comes from, in words a person can read after "Idle time: "."""

    def idle_seconds(self) -> float | None:
        """Seconds since the last keyboard or mouse input; None when it is unknown right now."""


class IdleUnavailableError(Exception):
    """A provider cannot work on this computer; detect() then tries the next one."""


@dataclass(frozen=True)
class UnknownIdle:
    """Used when no provider works: breaks are then never counted as natural, rather than
    guessed, and the settings page says so."""

    name: str = "unknown"
    description: str = NOT_AVAILABLE

    def idle_seconds(self) -> float | None:
        return None


def status_line(provider: IdleProvider) -> str:
    return f"Idle time: {provider.description}"
