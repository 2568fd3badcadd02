"""The user's folders: one data folder when --data-dir / BACKCARE_HOME is given, else the
platform's own folders (platformdirs, the maintained successor of appdirs)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

APP_NAME = "BackCare"
ENV_HOME = "BACKCARE_HOME"


class AppPaths(NamedTuple):
    data: Path  # the database lives here
    routines: Path  # the user's own routine files
    config: Path  # settings
    logs: Path
    custom: bool = False  # chosen with --data-dir or BACKCARE_HOME (a login start passes it on)

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
        chosen = data_dir or os.environ.get(ENV_HOME)
        if chosen:
            home = Path(chosen).expanduser().resolve()
            return cls(home, home / "routines", home, home / "logs", custom=True)
        import platformdirs  # only needed here

        data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        return cls(data, data / "routines",
                   Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
                   Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)))

    @property
    def database(self) -> Path:
        return self.data / "backcare.sqlite3"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.yaml"

    @property
    def log_file(self) -> Path:
        return self.logs / "backcare.log"
