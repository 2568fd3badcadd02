"""Desktop integration: the menu entry and login start, every Linux path for real in temporary
folders; Windows (a fake winreg) and macOS (the plist read back) are untried on those systems."""

from __future__ import annotations

import plistlib
import shutil
import subprocess
import sys
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare_gui import desktop, resources
from backcare_gui.desktop import (
    DesktopIntegrationError,
    ForeignFileError,
    Host,
    autostart_enabled,
    autostart_location,
    format_exec,
    install_desktop_entry,
    launch_command,
    menu_files,
    set_autostart,
    uninstall_desktop_entry,
)

BUNDLED_ICON = resources.asset("icons/backcare.svg")


def make_host(tmp_path: Path, *, platform: str = "linux", script: bool = True,
              venv: str = "my venv") -> Host:
    """A Python in a folder with a blank in its name, the `backcare` script beside it."""
    bin_dir = tmp_path / venv / "bin"
    bin_dir.mkdir(parents=True)
    if script:
        (bin_dir / "backcare").write_text("#!/bin/sh\n", encoding="utf-8")
        (bin_dir / "backcare").chmod(0o755)
    return Host(platform=platform, home=tmp_path / "home",
                env={"XDG_DATA_HOME": str(tmp_path / "data"),
                     "XDG_CONFIG_HOME": str(tmp_path / "config")},
                python=str(bin_dir / "python"), frozen=False)


@pytest.fixture
def host(tmp_path: Path) -> Host:
    return make_host(tmp_path)


def all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def keys(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line)


def parse_exec(value: str) -> list[str]:
    """The Desktop Entry spec read backwards: string escapes, then quoting, then %%."""
    unescaped, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            unescaped.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
                             .get(value[i + 1], "\\" + value[i + 1]))
            i += 2
        else:
            unescaped.append(value[i])
            i += 1
    text = "".join(unescaped)
    args: list[str] = []
    current: list[str] | None = None
    quoted, i = False, 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == "\\" and text[i + 1] in '"`$\\':
                current = [*(current or []), text[i + 1]]
                i += 1
            elif c == '"':
                quoted = False
            else:
                current = [*(current or []), c]
        elif c == " ":
            if current is not None:
                args.append("".join(current))
            current = None
        elif c == '"':
            quoted, current = True, current or []
        else:
            assert c not in "\t\n'\\><~|&;$*?#()`", f"reserved {c!r} outside quotes in {value!r}"
            current = [*(current or []), c]
        i += 1
    assert not quoted, value
    if current is not None:
        args.append("".join(current))
    assert all("%" not in a.replace("%%", "") for a in args), "a lone % is a field code"
    return [a.replace("%%", "%") for a in args]


# --- the command ----------------------------------------------------------------------------

def test_command_prefers_the_script_beside_the_python(host: Host) -> None:
    script = str(Path(host.python).parent / "backcare")
    assert launch_command(host=host) == [script]
    assert launch_command(host=host, minimized=True) == [script, "--minimized"]


def test_command_falls_back_to_python_m(tmp_path: Path) -> None:
    host = make_host(tmp_path, script=False)
    assert launch_command(host=host) == [host.python, "-m", "backcare_gui"]


def test_command_keeps_the_venv_python_unresolved(tmp_path: Path) -> None:
    # A venv's python is a symlink to the system one; following it would lose the venv.
    host = make_host(tmp_path, script=False)
    Path(host.python).symlink_to(sys.executable)
    assert launch_command(host=host)[0] == host.python


def test_command_carries_an_absolute_data_dir(host: Host, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    command = launch_command(Path("my data"), minimized=True, host=host)
    assert command[1:] == ["--data-dir", str(tmp_path / "my data"), "--minimized"]


def test_a_frozen_build_is_started_as_itself(tmp_path: Path) -> None:
    host = Host(platform="linux", home=tmp_path, env={}, python=str(tmp_path / "BackCare"),
                frozen=True)
    assert launch_command(host=host) == [str(tmp_path / "BackCare")]


def test_windows_command_prefers_the_console_less_script(tmp_path: Path) -> None:
    scripts = tmp_path / "Python311" / "Scripts"
    scripts.mkdir(parents=True)
    python = tmp_path / "Python311" / "python.exe"
    host = Host(platform="win32", home=tmp_path, env={}, python=str(python), frozen=False)
    assert launch_command(host=host) == [str(python), "-m", "backcare_gui"]
    (python.parent / "pythonw.exe").touch()
    assert launch_command(host=host) == [str(python.parent / "pythonw.exe"), "-m",
                                         "backcare_gui"]
    (scripts / "backcare.exe").touch()
    assert launch_command(host=host) == [str(scripts / "backcare.exe")]
    (scripts / "backcare-gui.exe").touch()
    assert launch_command(host=host) == [str(scripts / "backcare-gui.exe")]


def test_no_python_no_command(tmp_path: Path) -> None:
    with pytest.raises(DesktopIntegrationError, match=r"sys\.executable"):
        launch_command(host=Host(platform="linux", home=tmp_path, env={}, python=""))


# --- Exec quoting -----------------------------------------------------------------------------

def test_exec_plain_arguments_stay_bare() -> None:
    assert format_exec(["/usr/bin/backcare", "--minimized"]) == "/usr/bin/backcare --minimized"


def test_exec_quotes_paths_with_spaces() -> None:
    value = format_exec(["/home/a b/venv/bin/backcare", "--data-dir", "/home/a b/My Back"])
    assert value == '"/home/a b/venv/bin/backcare" --data-dir "/home/a b/My Back"'


def test_exec_escapes_per_the_spec() -> None:
    # Quoting adds a backslash before " ` $ \; the string escape then doubles every backslash.
    assert format_exec(["/x", 'a"b']) == '/x "a\\\\"b"'
    assert format_exec(["/x", "a$b"]) == '/x "a\\\\$b"'
    assert format_exec(["/x", "a\\b"]) == '/x "a\\\\\\\\b"'
    assert format_exec(["/x", "100%"]) == "/x 100%%"
    assert format_exec(["/x", ""]) == '/x ""'
    assert format_exec(["/x", "a'b;c"]) == "/x \"a'b;c\""


def test_exec_refuses_what_it_cannot_say() -> None:
    with pytest.raises(DesktopIntegrationError, match="'='"):
        format_exec(["/opt/a=b/backcare"])
    with pytest.raises(DesktopIntegrationError, match="UTF-8"):
        format_exec(["/x", "caf\udce9"])
    with pytest.raises(DesktopIntegrationError, match="NUL"):
        format_exec(["/x", "a\0b"])


ARGUMENT = st.text(st.characters(codec="utf-8", exclude_characters="\0"))


@given(st.lists(ARGUMENT, max_size=4),
       ARGUMENT.filter(lambda p: "=" not in p and p != ""))
def test_exec_round_trips_through_the_spec(args: list[str], program: str) -> None:
    value = format_exec([program, *args])
    assert "\n" not in value and "\r" not in value
    assert parse_exec(value) == [program, *args]


# --- applications menu --------------------------------------------------------------------------

def test_install_writes_entry_and_icon(host: Host, tmp_path: Path) -> None:
    written = install_desktop_entry(host=host)
    entry = tmp_path / "data" / "applications" / "backcare.desktop"
    icon = tmp_path / "data" / "icons" / "hicolor" / "scalable" / "apps" / "backcare.svg"
    assert written == [entry, icon]
    assert all_files(tmp_path / "data") == {entry, icon}  # and no temporary file left over
    assert icon.read_bytes() == BUNDLED_ICON.read_bytes()
    k = keys(entry)
    assert k["Type"] == "Application"
    assert k["Name"] == "BackCare"
    assert k["GenericName"] == "Back care routines"
    assert k["Icon"] == "backcare"
    assert k["Terminal"] == "false"
    assert k["StartupWMClass"] == "backcare"
    assert k["Categories"] == "Utility;X-Health;"
    assert k["X-BackCare-Generated"] == "true"
    assert "X-GNOME-Autostart-enabled" not in k
    script = str(tmp_path / "my venv" / "bin" / "backcare")
    assert parse_exec(k["Exec"]) == [script]
    assert k["Exec"] == f'"{script}"'  # the blank in "my venv" needs the quotes


def test_install_passes_the_data_dir(host: Host, tmp_path: Path) -> None:
    data_dir = tmp_path / "Back data $HOME"
    install_desktop_entry(host=host, data_dir=data_dir)
    exec_args = parse_exec(keys(menu_files(host.home, host.env).entry)["Exec"])
    assert exec_args[1:] == ["--data-dir", str(data_dir)]


def test_install_follows_xdg_data_home_or_its_default(tmp_path: Path) -> None:
    host = make_host(tmp_path)
    assert install_desktop_entry(home=tmp_path / "h", env={}, host=host)[0] == \
        tmp_path / "h" / ".local" / "share" / "applications" / "backcare.desktop"
    # A relative XDG_DATA_HOME is invalid by the base directory spec and is ignored.
    files = menu_files(tmp_path / "h", {"XDG_DATA_HOME": "relative/data"})
    assert files.entry == tmp_path / "h" / ".local" / "share" / "applications" / "backcare.desktop"


def test_reinstall_rewrites_its_own_entry(host: Host, tmp_path: Path) -> None:
    install_desktop_entry(host=host)
    install_desktop_entry(host=host, data_dir=tmp_path / "elsewhere")
    entry = menu_files(host.home, host.env).entry
    assert "--data-dir" in parse_exec(keys(entry)["Exec"])


def test_uninstall_removes_exactly_what_install_wrote(host: Host, tmp_path: Path) -> None:
    neighbour = tmp_path / "data" / "applications" / "other.desktop"
    neighbour.parent.mkdir(parents=True)
    neighbour.write_text("[Desktop Entry]\nName=Other\n", encoding="utf-8")
    before = all_files(tmp_path)
    written = install_desktop_entry(host=host)
    assert all_files(tmp_path) == before | set(written)
    assert uninstall_desktop_entry(host=host) == written
    assert all_files(tmp_path) == before
    assert uninstall_desktop_entry(host=host) == []


def test_a_foreign_entry_is_not_clobbered(host: Host) -> None:
    files = menu_files(host.home, host.env)
    files.entry.parent.mkdir(parents=True)
    foreign = "[Desktop Entry]\nType=Application\nName=Someone else's backcare\nExec=true\n"
    files.entry.write_text(foreign, encoding="utf-8")
    with pytest.raises(ForeignFileError, match="not written by BackCare") as caught:
        install_desktop_entry(host=host)
    assert caught.value.path == files.entry
    with pytest.raises(ForeignFileError):
        uninstall_desktop_entry(host=host)
    assert files.entry.read_text(encoding="utf-8") == foreign
    assert not files.icon.exists()  # nothing at all was written


def test_a_foreign_icon_is_not_clobbered(host: Host) -> None:
    icon = menu_files(host.home, host.env).icon
    icon.parent.mkdir(parents=True)
    icon.write_text("<svg>someone else's</svg>", encoding="utf-8")
    with pytest.raises(ForeignFileError, match="icon"):
        install_desktop_entry(host=host)
    assert uninstall_desktop_entry(host=host) == []
    assert icon.read_text(encoding="utf-8") == "<svg>someone else's</svg>"


def test_an_older_backcare_icon_is_replaced_and_removed(host: Host) -> None:
    install_desktop_entry(host=host)
    icon = menu_files(host.home, host.env).icon
    icon.write_text("<svg>last year's BackCare icon</svg>", encoding="utf-8")
    install_desktop_entry(host=host)  # the entry is ours, so the icon it names is too
    assert icon.read_bytes() == BUNDLED_ICON.read_bytes()
    icon.write_text("<svg>last year's BackCare icon</svg>", encoding="utf-8")
    assert icon in uninstall_desktop_entry(host=host)


def test_an_existing_icon_cache_is_refreshed_and_kept(host: Host) -> None:
    theme = menu_files(host.home, host.env).icon.parents[2]
    other = theme / "48x48" / "apps" / "other.png"  # another program's icon and cache
    other.parent.mkdir(parents=True)
    other.write_bytes(b"")
    (theme / "icon-theme.cache").write_bytes(b"")
    written = install_desktop_entry(host=host)
    assert uninstall_desktop_entry(host=host) == written
    # Not BackCare's file, so never removed by BackCare (gtk-update-icon-cache, when present,
    # drops a cache only when the theme holds no icons at all).
    assert (theme / "icon-theme.cache").exists()
    assert other.exists()


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_menu_entry_is_for_freedesktop_only(tmp_path: Path, platform: str) -> None:
    with pytest.raises(DesktopIntegrationError, match="Linux"):
        install_desktop_entry(host=make_host(tmp_path, platform=platform))
    assert not (tmp_path / "data").exists()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (Debian: desktop-file-utils) is not installed")
def test_entries_pass_desktop_file_validate(tmp_path: Path) -> None:
    host = make_host(tmp_path, venv="venv with 'odd' $chars & (more)")
    menu, _ = install_desktop_entry(host=host, data_dir=tmp_path / 'd "q" \\ `x` 50%')
    autostart = set_autostart(True, host=host, data_dir=tmp_path / "d")
    assert autostart is not None
    result = subprocess.run(["desktop-file-validate", str(menu), str(autostart)],
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.skipif(shutil.which("gio") is None, reason="gio (GLib) is not installed")
def test_glib_starts_exactly_the_intended_arguments(tmp_path: Path) -> None:
    # The real reader of the Exec line: GLib's `gio launch` runs a stand-in `backcare` that
    # writes down the arguments it got.
    host = make_host(tmp_path, venv="venv with 'odd' $chars & (more)", script=False)
    script = Path(host.python).parent / "backcare"
    out = tmp_path / "argv.txt"
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{out}.tmp' && mv '{out}.tmp' '{out}'\n",
                      encoding="utf-8")
    script.chmod(0o755)
    data_dir = tmp_path / 'd "q" \\ `x` 50% $HOME'
    menu, _ = install_desktop_entry(host=host, data_dir=data_dir)
    subprocess.run(["gio", "launch", str(menu)], check=True, timeout=30, capture_output=True)
    deadline = time.monotonic() + 30
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert out.read_text(encoding="utf-8").split("\n")[:-1] == ["--data-dir", str(data_dir)]


# --- login start: Linux -------------------------------------------------------------------------

def test_linux_autostart_round_trip(host: Host, tmp_path: Path) -> None:
    path = tmp_path / "config" / "autostart" / "backcare.desktop"
    assert not autostart_enabled(host=host)
    assert set_autostart(True, host=host, data_dir=tmp_path / "my data") == path
    assert autostart_enabled(host=host)
    k = keys(path)
    assert k["X-GNOME-Autostart-enabled"] == "true"
    assert k["X-BackCare-Generated"] == "true"
    assert parse_exec(k["Exec"]) == [str(tmp_path / "my venv" / "bin" / "backcare"),
                                     "--data-dir", str(tmp_path / "my data"), "--minimized"]
    assert autostart_location(host=host) == str(path)
    assert set_autostart(False, host=host) is None
    assert not path.exists()
    assert not autostart_enabled(host=host)
    assert set_autostart(False, host=host) is None  # already off: fine
    assert all_files(tmp_path / "config") == set()


def test_linux_autostart_switched_off_by_the_session(host: Host) -> None:
    path = set_autostart(True, host=host)
    assert path is not None
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("X-GNOME-Autostart-enabled=true",
                                 "X-GNOME-Autostart-enabled=false"), encoding="utf-8")
    assert not autostart_enabled(host=host)
    path.write_text(text + "Hidden=true\n", encoding="utf-8")
    assert not autostart_enabled(host=host)
    assert set_autostart(True, host=host) == path  # ours, so rewritten: on again
    assert autostart_enabled(host=host)


def test_linux_foreign_autostart_is_not_clobbered(host: Host, tmp_path: Path) -> None:
    path = tmp_path / "config" / "autostart" / "backcare.desktop"
    path.parent.mkdir(parents=True)
    foreign = "[Desktop Entry]\nType=Application\nName=Mine\nExec=/usr/local/bin/backcare\n"
    path.write_text(foreign, encoding="utf-8")
    assert not autostart_enabled(host=host)
    for enabled in (True, False):
        with pytest.raises(ForeignFileError):
            set_autostart(enabled, host=host)
    assert path.read_text(encoding="utf-8") == foreign


def test_turning_off_needs_no_command(tmp_path: Path) -> None:
    host = Host(platform="linux", home=tmp_path, env={}, python="")
    assert set_autostart(False, host=host) is None


# --- login start: Windows (untried there; a fake winreg) ---------------------------------------

class FakeWinReg:
    """Just the Run key of HKEY_CURRENT_USER."""

    HKEY_CURRENT_USER = -2147483647
    KEY_QUERY_VALUE = 1
    KEY_SET_VALUE = 2
    REG_SZ = 1

    def __init__(self) -> None:
        self.values: dict[str, tuple[str, int]] = {}
        self.key_exists = False

    def _key(self, key: int, sub_key: str) -> AbstractContextManager[Any]:
        assert (key, sub_key) == (self.HKEY_CURRENT_USER, desktop.WINDOWS_RUN_KEY)
        return nullcontext("run-key")

    def CreateKeyEx(self, key: int, sub_key: str, reserved: int = 0,  # noqa: N802
                    access: int = 0) -> AbstractContextManager[Any]:
        assert access & self.KEY_SET_VALUE
        self.key_exists = True
        return self._key(key, sub_key)

    def OpenKey(self, key: int, sub_key: str, reserved: int = 0,  # noqa: N802
                access: int = 0) -> AbstractContextManager[Any]:
        if not self.key_exists:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return self._key(key, sub_key)

    def QueryValueEx(self, key: Any, name: str) -> tuple[Any, int]:  # noqa: N802
        assert key == "run-key"
        if name not in self.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return self.values[name]

    def SetValueEx(self, key: Any, name: str, reserved: int, type: int,  # noqa: N802
                   value: str) -> None:
        assert key == "run-key" and reserved == 0
        self.values[name] = (value, type)

    def DeleteValue(self, key: Any, value: str) -> None:  # noqa: N802
        assert key == "run-key"
        if value not in self.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del self.values[value]


def windows_host(tmp_path: Path, winreg: FakeWinReg) -> Host:
    scripts = tmp_path / "Program Files" / "Python311" / "Scripts"
    scripts.mkdir(parents=True)
    (scripts / "backcare-gui.exe").touch()
    return Host(platform="win32", home=tmp_path / "home", env={},
                python=str(scripts.parent / "python.exe"), frozen=False, winreg=winreg)


def test_windows_autostart_round_trip(tmp_path: Path) -> None:
    winreg = FakeWinReg()
    host = windows_host(tmp_path, winreg)
    assert not autostart_enabled(host=host)
    assert set_autostart(True, host=host, data_dir=tmp_path / "My Data") is None
    gui = tmp_path / "Program Files" / "Python311" / "Scripts" / "backcare-gui.exe"
    assert winreg.values == {"BackCare": (
        f'"{gui}" --data-dir "{tmp_path / "My Data"}" --minimized', winreg.REG_SZ)}
    assert autostart_enabled(host=host)
    assert autostart_location(host=host) == \
        r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run, value BackCare"
    set_autostart(False, host=host)
    assert winreg.values == {}
    assert not autostart_enabled(host=host)
    set_autostart(False, host=host)  # already off: fine


def test_windows_command_is_quoted_even_without_blanks(tmp_path: Path) -> None:
    assert desktop.windows_command_line(["C:\\BackCare\\backcare-gui.exe", "--minimized"]) == \
        '"C:\\BackCare\\backcare-gui.exe" --minimized'


def test_windows_foreign_value_is_not_clobbered(tmp_path: Path) -> None:
    winreg = FakeWinReg()
    winreg.key_exists = True
    winreg.values["BackCare"] = ('"C:\\Tools\\something.exe"', winreg.REG_SZ)
    host = windows_host(tmp_path, winreg)
    assert not autostart_enabled(host=host)
    for enabled in (True, False):
        with pytest.raises(ForeignFileError, match="registry value"):
            set_autostart(enabled, host=host)
    assert winreg.values["BackCare"][0] == '"C:\\Tools\\something.exe"'


# --- login start: macOS (untried there; the plist read back) -------------------------------------

def test_macos_autostart_round_trip(tmp_path: Path) -> None:
    host = make_host(tmp_path, platform="darwin")
    plist = tmp_path / "home" / "Library" / "LaunchAgents" / "org.backcare.BackCare.plist"
    assert not autostart_enabled(host=host)
    assert set_autostart(True, host=host, data_dir=tmp_path / "My Data") == plist
    with plist.open("rb") as fh:
        agent = plistlib.load(fh)
    assert agent == {
        "Label": "org.backcare.BackCare",
        "ProgramArguments": [str(tmp_path / "my venv" / "bin" / "backcare"),
                             "--data-dir", str(tmp_path / "My Data"), "--minimized"],
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }
    assert autostart_enabled(host=host)
    assert autostart_location(host=host) == str(plist)
    assert set_autostart(False, host=host) is None
    assert not plist.exists()
    assert not autostart_enabled(host=host)


def test_macos_foreign_plist_is_not_clobbered(tmp_path: Path) -> None:
    host = make_host(tmp_path, platform="darwin")
    plist = tmp_path / "home" / "Library" / "LaunchAgents" / "org.backcare.BackCare.plist"
    plist.parent.mkdir(parents=True)
    foreign = plistlib.dumps({"Label": "org.example.other", "ProgramArguments": ["/bin/true"]})
    plist.write_bytes(foreign)
    assert not autostart_enabled(host=host)
    for enabled in (True, False):
        with pytest.raises(ForeignFileError):
            set_autostart(enabled, host=host)
    assert plist.read_bytes() == foreign


# --- no Qt ------------------------------------------------------------------------------------

def test_desktop_integration_loads_no_qt(tmp_path: Path) -> None:
    code = ("import sys\nfrom pathlib import Path\nfrom backcare_gui import desktop\n"
            f"host = desktop.Host(platform='linux', home=Path({str(tmp_path)!r}), env={{}})\n"
            "desktop.install_desktop_entry(host=host)\n"
            "desktop.set_autostart(True, host=host)\n"
            "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path).stdout
    assert out.strip() == "[]"
