"""Desktop integration: the Linux applications-menu entry and "start when I log in".

Standard library only and no Qt: `backcare --install-desktop-entry` is a Qt-free subcommand.

- Linux and other freedesktop systems: a desktop entry in $XDG_DATA_HOME/applications plus the
  icon in the user's hicolor theme; autostart is a desktop entry in $XDG_CONFIG_HOME/autostart.
- Windows (untried): the value "BackCare" under HKCU's Run key, via winreg.
- macOS (untried): a LaunchAgent plist in ~/Library/LaunchAgents, via plistlib.

What BackCare writes is recognisable as its own (a marker key in desktop entries, its Label in
the plist, a command naming backcare in the registry), so that a file of the same name written
by someone else is never overwritten or removed: ForeignFileError instead.
See docs/desktop-integration.md.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import plistlib
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, cast

from backcare_gui.core.atomic import write_text_atomic

DESKTOP_FILE = "backcare.desktop"  # the same name ui/app.py gives setDesktopFileName
ICON_NAME = "backcare"
MARKER_KEY = "X-BackCare-Generated"
MINIMIZED_OPTION = "--minimized"
DATA_DIR_OPTION = "--data-dir"
WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
WINDOWS_VALUE_NAME = "BackCare"
MACOS_LABEL = "org.backcare.BackCare"

# Exec quoting (Desktop Entry spec, "The Exec key"): an argument holding any of these must be
# put in double quotes, and inside them these four take a backslash.
_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
_EXEC_ESCAPED_IN_QUOTES = frozenset('"`$\\')


class DesktopIntegrationError(Exception):
    """Something the desktop integration cannot do; the message is meant for the user."""


class ForeignFileError(DesktopIntegrationError):
    """A file (or registry value) BackCare would write or remove was not written by BackCare."""

    def __init__(self, path: Path | str, what: str = "file") -> None:
        self.path = path
        super().__init__(f"{path}: this {what} was not written by BackCare, so it was left as it "
                         "is; remove or rename it yourself if you want BackCare to write its own")


class WinReg(Protocol):
    """The part of the standard `winreg` module used here (a fake one in tests)."""

    HKEY_CURRENT_USER: int
    KEY_QUERY_VALUE: int
    KEY_SET_VALUE: int
    REG_SZ: int

    def CreateKeyEx(self, key: int, sub_key: str, reserved: int = ...,  # noqa: N802
                    access: int = ...) -> AbstractContextManager[Any]: ...

    def OpenKey(self, key: int, sub_key: str, reserved: int = ...,  # noqa: N802
                access: int = ...) -> AbstractContextManager[Any]: ...

    def QueryValueEx(self, key: Any, name: str) -> tuple[Any, int]: ...  # noqa: N802

    def SetValueEx(self, key: Any, name: str, reserved: int, type: int,  # noqa: N802
                   value: str) -> None: ...

    def DeleteValue(self, key: Any, value: str) -> None: ...  # noqa: N802


@dataclass(frozen=True)
class Host:
    """The machine as this module sees it; tests build one pointing into a temporary folder."""

    platform: str = field(default_factory=lambda: sys.platform)
    home: Path = field(default_factory=Path.home)
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    python: str = field(default_factory=lambda: sys.executable)
    # A frozen build (PyInstaller and the like) is itself the program: no "-m" to add.
    frozen: bool = field(default_factory=lambda: bool(getattr(sys, "frozen", False)))
    winreg: WinReg | None = None  # None: the real module, imported only when needed

    @property
    def is_windows(self) -> bool:
        return self.platform == "win32"

    @property
    def is_macos(self) -> bool:
        return self.platform == "darwin"

    def xdg_dir(self, variable: str, default: str) -> Path:
        # The base directory spec: a relative value is invalid and must be ignored.
        value = self.env.get(variable, "")
        return Path(value) if value and Path(value).is_absolute() else self.home / default

    def data_home(self) -> Path:
        return self.xdg_dir("XDG_DATA_HOME", ".local/share")

    def config_home(self) -> Path:
        return self.xdg_dir("XDG_CONFIG_HOME", ".config")

    def load_winreg(self) -> WinReg:
        if self.winreg is not None:
            return self.winreg
        return cast(WinReg, importlib.import_module("winreg"))  # exists only on Windows


def _host(home: Path | None, env: Mapping[str, str] | None, host: Host | None) -> Host:
    base = host or Host()
    return replace(base, home=home if home is not None else base.home,
                   env=env if env is not None else base.env)


# --- the command that starts this BackCare ---------------------------------------------------

def launch_command(data_dir: Path | None = None, *, minimized: bool = False,
                   host: Host | None = None) -> list[str]:
    """The argument list that starts this very BackCare (same installation, same Python).

    Prefers the installed script next to the interpreter (on Windows the console-less
    `backcare-gui.exe`, so that logging in opens no console window), else the interpreter with
    `-m backcare_gui`. `data_dir` is passed on as --data-dir, made absolute, because a menu or
    the login session starts the app from another folder and without BACKCARE_HOME.
    """
    host = host or Host()
    if not host.python:
        raise DesktopIntegrationError("cannot tell which Python runs BackCare "
                                      "(sys.executable is empty)")
    # Not resolved: a virtual environment's python is a symlink out of the environment, and
    # following it would start BackCare without the environment's packages.
    python = Path(host.python).absolute()
    argv = [str(python)] if host.frozen else _script_or_module(python, host)
    if data_dir is not None:
        argv += [DATA_DIR_OPTION, str(Path(data_dir).expanduser().resolve())]
    if minimized:
        argv.append(MINIMIZED_OPTION)
    return argv


def _script_or_module(python: Path, host: Host) -> list[str]:
    if host.is_windows:
        # A system-wide Python keeps its scripts in Scripts\ beside python.exe; a venv has both
        # in Scripts\ already.
        folders = [python.parent, python.parent / "Scripts"]
        names = ["backcare-gui.exe", "backcare.exe"]
    else:
        folders, names = [python.parent], ["backcare"]
    for name in names:
        for folder in folders:
            script = folder / name
            if script.is_file():
                return [str(script)]
    if host.is_windows and (python.parent / "pythonw.exe").is_file():
        python = python.parent / "pythonw.exe"  # no console window at login
    return [str(python), "-m", "backcare_gui"]


# --- desktop entry syntax -----------------------------------------------------------------------

def _escape_string(value: str) -> str:
    """A value of type string: backslash, newline, tab and CR escaped, no leading blank lost."""
    text = (value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r"))
    return "\\s" + text[1:] if text.startswith(" ") else text


def _quote_exec_argument(argument: str) -> str:
    text = argument.replace("%", "%%")  # a lone % would start a field code such as %f
    if text and not _EXEC_RESERVED.intersection(text):
        return text
    return '"' + "".join("\\" + c if c in _EXEC_ESCAPED_IN_QUOTES else c for c in text) + '"'


def format_exec(argv: Sequence[str]) -> str:
    """The Exec value (as written in the file) that runs exactly `argv`.

    Two layers, as the spec orders them: each argument is quoted by the Exec rules, then the
    whole line is escaped as a string value, so a backslash in a quoted path becomes four.
    """
    if not argv:
        raise ValueError("an Exec line needs a program")
    for argument in argv:
        if "\0" in argument:
            raise DesktopIntegrationError(f"{argument!r} contains a NUL character")
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            raise DesktopIntegrationError(
                f"{argument!r} is not valid UTF-8 and cannot go into a desktop entry") from None
    if "=" in argv[0]:
        raise DesktopIntegrationError(
            f"the program path {argv[0]!r} contains '=', which a desktop entry cannot start; "
            "install BackCare in a folder without '=' in its path")
    return _escape_string(" ".join(_quote_exec_argument(a) for a in argv))


def _desktop_entry(argv: Sequence[str], extra: Sequence[str] = ()) -> str:
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Name=BackCare",
        "GenericName=Back care routines",
        "Comment=Gentle guided routines and reminders to look after your back",
        f"TryExec={_escape_string(argv[0])}",  # an uninstalled BackCare hides its entry
        f"Exec={format_exec(argv)}",
        f"Icon={ICON_NAME}",
        "Terminal=false",
        # Utility is a main category; "Health" is not registered, so it takes the X- prefix.
        # (MedicalSoftware would want Science or Education beside it, which BackCare is not.)
        "Categories=Utility;X-Health;",
        "Keywords=back;pain;exercise;stretch;posture;physiotherapy;heat;break;",
        "StartupWMClass=backcare",
        *extra,
        f"{MARKER_KEY}=true",
    ]
    return "\n".join(lines) + "\n"


def _entry_keys(path: Path) -> dict[str, str]:
    """The keys of the [Desktop Entry] group, raw (no unescaping: only plain values are read)."""
    keys: dict[str, str] = {}
    group = ""
    # Only \n ends a line, as in desktop-entry parsers (splitlines also splits at \x0c, \u2028).
    for line in path.read_text(encoding="utf-8", errors="replace").split("\n"):
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1]
        elif group == "Desktop Entry" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            keys.setdefault(key.strip(), value.strip())
    return keys


def _written_by_backcare(path: Path) -> bool:
    return _entry_keys(path).get(MARKER_KEY) == "true"


def _check_not_foreign(path: Path) -> None:
    if path.exists() and not _written_by_backcare(path):
        raise ForeignFileError(path)


# --- applications menu (freedesktop) ----------------------------------------------------------

@dataclass(frozen=True)
class MenuFiles:
    entry: Path
    icon: Path


def menu_files(home: Path | None = None, env: Mapping[str, str] | None = None) -> MenuFiles:
    """Where the menu entry and its icon go (whether or not they exist)."""
    data = _host(home, env, None).data_home()
    return MenuFiles(data / "applications" / DESKTOP_FILE,
                     data / "icons" / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg")


def _bundled_icon() -> Path:
    from backcare_gui import resources

    return resources.asset(f"icons/{ICON_NAME}.svg")


def _same_content(a: Path, b: Path) -> bool:
    return a.read_bytes() == b.read_bytes()


def _require_freedesktop(host: Host) -> None:
    if host.is_windows or host.is_macos:
        raise DesktopIntegrationError(
            "an applications-menu entry is for Linux desktops; on Windows and macOS use the "
            "shortcut or app bundle your installer made")


def install_desktop_entry(home: Path | None = None, env: Mapping[str, str] | None = None, *,
                          data_dir: Path | None = None, host: Host | None = None) -> list[Path]:
    """Add BackCare to the applications menu; returns the files written (entry, icon).

    Running it again rewrites both (a moved installation gets its new Exec line). Nothing is
    written when either file exists but is not BackCare's: ForeignFileError.
    """
    host = _host(home, env, host)
    _require_freedesktop(host)
    files = menu_files(host.home, host.env)
    icon_source = _bundled_icon()
    _check_not_foreign(files.entry)
    ours_before = files.entry.exists()
    # An SVG carries no marker line: an icon of that name is BackCare's when it is the bundled
    # one, or when BackCare's own entry (which names it) is already installed.
    if files.icon.exists() and not ours_before and not _same_content(files.icon, icon_source):
        raise ForeignFileError(files.icon, "icon")
    write_text_atomic(files.entry, _desktop_entry(launch_command(data_dir, host=host)))
    write_text_atomic(files.icon, icon_source.read_text(encoding="utf-8"))
    _refresh_icon_cache(files.icon.parents[2])
    return [files.entry, files.icon]


def uninstall_desktop_entry(home: Path | None = None, env: Mapping[str, str] | None = None, *,
                            host: Host | None = None) -> list[Path]:
    """Remove what install_desktop_entry wrote; returns the files removed (maybe none).

    Folders stay: they are the desktop's shared ones. A foreign entry: ForeignFileError,
    and nothing is removed.
    """
    host = _host(home, env, host)
    files = menu_files(host.home, host.env)
    _check_not_foreign(files.entry)
    removed: list[Path] = []
    entry_was_ours = files.entry.exists()
    if entry_was_ours:
        files.entry.unlink()
        removed.append(files.entry)
    if files.icon.exists() and (entry_was_ours or _same_content(files.icon, _bundled_icon())):
        files.icon.unlink()
        removed.append(files.icon)
        _refresh_icon_cache(files.icon.parents[2])
    return removed


def _refresh_icon_cache(theme_dir: Path) -> None:
    # Only a cache that is already there: GTK prefers a stale cache to the folder, but creating
    # a new one would leave a file behind that uninstall did not write. Menus themselves watch
    # the applications folder, and update-desktop-database only serves MimeType (none here).
    tool = shutil.which("gtk-update-icon-cache")
    if tool is None or not (theme_dir / "icon-theme.cache").exists():
        return
    # A stale icon cache is cosmetic; the entry itself is written.
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run([tool, "--quiet", "--force", "--ignore-theme-index", str(theme_dir)],
                       check=False, capture_output=True, timeout=30)


# --- start when I log in --------------------------------------------------------------------

def set_autostart(enabled: bool, *, data_dir: Path | None = None, home: Path | None = None,
                  env: Mapping[str, str] | None = None,
                  host: Host | None = None) -> Path | None:
    """Start BackCare minimized at login, or stop doing so.

    Returns the file written when enabling on Linux or macOS; None when disabling, and always
    None on Windows (a registry value, not a file: see autostart_location). Turning off with
    nothing set is fine. A foreign file or value in BackCare's place: ForeignFileError.
    """
    host = _host(home, env, host)
    # Turning off must work even where no command can be made (no sys.executable).
    command = launch_command(data_dir, minimized=True, host=host) if enabled else []
    if host.is_windows:
        _windows_set(enabled, command, host.load_winreg())
        return None
    if host.is_macos:
        return _macos_set(enabled, command, _macos_plist(host))
    return _linux_set(enabled, command, _linux_autostart_file(host))


def autostart_enabled(*, home: Path | None = None, env: Mapping[str, str] | None = None,
                      host: Host | None = None) -> bool:
    """Whether BackCare's own login start is in place (a foreign one does not count)."""
    host = _host(home, env, host)
    if host.is_windows:
        return _windows_enabled(host.load_winreg())
    if host.is_macos:
        return _macos_is_ours(_macos_plist(host))
    return _linux_enabled(_linux_autostart_file(host))


def autostart_location(*, home: Path | None = None, env: Mapping[str, str] | None = None,
                       host: Host | None = None) -> str:
    """Where the login start is kept, for telling the user."""
    host = _host(home, env, host)
    if host.is_windows:
        return rf"HKEY_CURRENT_USER\{WINDOWS_RUN_KEY}, value {WINDOWS_VALUE_NAME}"
    return str(_macos_plist(host) if host.is_macos else _linux_autostart_file(host))


# Linux / freedesktop: the XDG autostart spec.

def _linux_autostart_file(host: Host) -> Path:
    return host.config_home() / "autostart" / DESKTOP_FILE


def _linux_set(enabled: bool, command: list[str], path: Path) -> Path | None:
    _check_not_foreign(path)
    if not enabled:
        path.unlink(missing_ok=True)
        return None
    write_text_atomic(path, _desktop_entry(command, ["X-GNOME-Autostart-enabled=true"]))
    return path


def _linux_enabled(path: Path) -> bool:
    if not path.exists():
        return False
    keys = _entry_keys(path)
    # A session manager's "off" switch keeps the file and sets one of these instead.
    return (keys.get(MARKER_KEY) == "true" and keys.get("Hidden") != "true"
            and keys.get("X-GNOME-Autostart-enabled") != "false")


# Windows (untried): HKCU\Software\Microsoft\Windows\CurrentVersion\Run.

def windows_command_line(command: Sequence[str]) -> str:
    """The program always in quotes (a Run value is split at the first blank otherwise), the
    arguments by the C runtime's rules."""
    return f'"{command[0]}"' + "".join(
        " " + subprocess.list2cmdline([a]) for a in command[1:])


def _windows_value(winreg: WinReg) -> str | None:
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY, 0,
                            winreg.KEY_QUERY_VALUE) as key:
            value, _ = winreg.QueryValueEx(key, WINDOWS_VALUE_NAME)
    except FileNotFoundError:
        return None
    return str(value)


def _windows_is_ours(value: str) -> bool:
    # A registry value has no room for a marker line; one named BackCare that starts something
    # called backcare is taken for BackCare's own.
    return "backcare" in value.lower()


def _windows_set(enabled: bool, command: list[str], winreg: WinReg) -> None:
    """Untried on Windows (tested with a fake winreg)."""
    current = _windows_value(winreg)
    if current is not None and not _windows_is_ours(current):
        raise ForeignFileError(rf"HKEY_CURRENT_USER\{WINDOWS_RUN_KEY}\{WINDOWS_VALUE_NAME}",
                               "registry value")
    if not enabled and current is None:
        return
    with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY, 0,
                            winreg.KEY_SET_VALUE) as key:
        if enabled:
            winreg.SetValueEx(key, WINDOWS_VALUE_NAME, 0, winreg.REG_SZ,
                              windows_command_line(command))
        else:
            winreg.DeleteValue(key, WINDOWS_VALUE_NAME)


def _windows_enabled(winreg: WinReg) -> bool:
    value = _windows_value(winreg)
    return value is not None and _windows_is_ours(value)


# macOS (untried): a per-user LaunchAgent, loaded by launchd at the next login.

def _macos_plist(host: Host) -> Path:
    return host.home / "Library" / "LaunchAgents" / f"{MACOS_LABEL}.plist"


def _macos_is_ours(path: Path) -> bool:
    # launchd's plist has no room for a marker key it would not question; the Label is the
    # identity launchd itself uses, so a plist with BackCare's Label is BackCare's.
    try:
        with path.open("rb") as fh:
            data = plistlib.load(fh)
    except (OSError, plistlib.InvalidFileException, ValueError):
        return False
    return isinstance(data, dict) and data.get("Label") == MACOS_LABEL


def macos_launch_agent(command: Sequence[str]) -> bytes:
    """The LaunchAgent plist (XML) that starts `command` at login."""
    return plistlib.dumps({
        "Label": MACOS_LABEL,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        "ProcessType": "Interactive",  # a desktop app the user sees, not a background job
    })


def _macos_set(enabled: bool, command: list[str], path: Path) -> Path | None:
    """Untried on macOS (tested by reading the plist back)."""
    if path.exists() and not _macos_is_ours(path):
        raise ForeignFileError(path)
    if not enabled:
        path.unlink(missing_ok=True)
        return None
    # plistlib's XML is UTF-8 text, so the shared atomic writer fits.
    write_text_atomic(path, macos_launch_agent(command).decode("utf-8"))
    return path

