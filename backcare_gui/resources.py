"""Where the bundled routines and assets are: inside the installed package, or the source tree.

A wheel carries them as `backcare_gui/routines` and `backcare_gui/assets` (hatch force-include);
an editable install or a plain checkout leaves them beside the package, in the source tree.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backcare_gui.core.library import Library


@cache
def _bundled(name: str) -> Path:
    # The package is always a real folder (Qt needs real paths for pictures and sounds), so
    # its own location is the honest answer; importlib.resources would add only start-up time.
    package = Path(__file__).resolve().parent
    for candidate in (package / name, package.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"BackCare's {name} folder is missing from {package}; "
                            "reinstall BackCare")


def routines_dir() -> Path:
    return _bundled("routines")


def assets_dir() -> Path:
    return _bundled("assets")


def asset(relative: str) -> Path:
    return assets_dir() / relative


def load_app_library(user_routines: Path | None) -> Library:
    """The bundled routines plus the user's own folder of routine files."""
    from backcare_gui.core.library import load_library

    return load_library(routines_dir(), user_routines, assets_dir())
