"""Idle-time providers: which one detect() picks, the honest fallback, and the arithmetic and
reply handling around each thin OS call (the calls themselves replaced by fakes)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from PySide6.QtDBus import QDBusMessage

from backcare_gui.idle import (
    FACTORIES,
    NOT_AVAILABLE,
    Factory,
    IdleProvider,
    IdleUnavailableError,
    UnknownIdle,
    detect,
    plan,
    status_line,
)
from backcare_gui.idle.dbus_services import (
    FREEDESKTOP_SCREENSAVER,
    MUTTER,
    DBusIdle,
    IdleMethod,
    freedesktop_idle,
    mutter_idle,
    seconds_from_reply,
)
from backcare_gui.idle.macos import MacIdle, seconds_from_nanoseconds
from backcare_gui.idle.windows import TICK_MODULUS, WindowsIdle, elapsed_ms
from backcare_gui.idle.x11 import X11Idle

# --- which provider -------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "platform", "expected"), [
    ({}, "win32", ["windows"]),
    ({"DISPLAY": ":0"}, "darwin", ["macos"]),
    ({"DISPLAY": ":0"}, "linux", ["x11", "mutter", "freedesktop-screensaver"]),
    ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, "linux",
     ["x11", "mutter", "freedesktop-screensaver"]),
    ({"DISPLAY": ":0"}, "freebsd14", ["x11", "mutter", "freedesktop-screensaver"]),
    # XWayland's DISPLAY is ignored on Wayland: it sees only input sent to X windows
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux",
     ["mutter", "freedesktop-screensaver"]),
    ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"}, "linux",
     ["mutter", "freedesktop-screensaver"]),
    ({}, "linux", ["mutter", "freedesktop-screensaver"]),
])
def test_plan_orders_the_providers_for_each_desktop(
        env: dict[str, str], platform: str, expected: list[str]) -> None:
    assert plan(env, platform) == expected


def test_every_planned_provider_has_a_factory() -> None:
    planned = {name for platform in ("win32", "darwin", "linux")
               for env in ({}, {"DISPLAY": ":0"}) for name in plan(env, platform)}
    assert planned == set(FACTORIES)


class FakeProvider:
    def __init__(self, name: str, reading: float | None) -> None:
        self.name = name
        self.description = f"fake {name}"
        self.reading = reading
        self.closed = False

    def idle_seconds(self) -> float | None:
        return self.reading

    def close(self) -> None:
        self.closed = True


def _works(name: str, reading: float | None = 3.0) -> Factory:
    return lambda env: FakeProvider(name, reading)


def _fails(error: Exception) -> Factory:
    def factory(env: Mapping[str, str]) -> IdleProvider:
        raise error
    return factory


ALL_WORK: dict[str, Factory] = {name: _works(name) for name in FACTORIES}


@pytest.mark.parametrize(("env", "platform", "chosen"), [
    ({}, "win32", "windows"),
    ({}, "darwin", "macos"),
    ({"DISPLAY": ":0"}, "linux", "x11"),
    ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux", "mutter"),
])
def test_detect_takes_the_best_provider_that_works(
        env: dict[str, str], platform: str, chosen: str) -> None:
    assert detect(env, platform, ALL_WORK).name == chosen


def test_detect_passes_over_providers_that_cannot_work_here() -> None:
    factories = {**ALL_WORK, "x11": _fails(IdleUnavailableError("no libXss")),
                 "mutter": _fails(OSError("bus gone"))}
    assert detect({"DISPLAY": ":0"}, "linux", factories).name == "freedesktop-screensaver"


def test_detect_passes_over_a_provider_with_no_first_reading_and_closes_it() -> None:
    silent = FakeProvider("x11", None)
    factories = {**ALL_WORK, "x11": lambda env: silent}
    assert detect({"DISPLAY": ":0"}, "linux", factories).name == "mutter"
    assert silent.closed


def test_detect_passes_over_a_provider_whose_first_reading_raises() -> None:
    class Broken(FakeProvider):
        def idle_seconds(self) -> float | None:
            raise RuntimeError("boom")

    factories = {**ALL_WORK, "mutter": lambda env: Broken("mutter", 1.0)}
    assert detect({"WAYLAND_DISPLAY": "w"}, "linux", factories).name == "freedesktop-screensaver"


def test_detect_hands_the_environment_to_the_factories() -> None:
    seen: list[Mapping[str, str]] = []

    def x11(env: Mapping[str, str]) -> IdleProvider:
        seen.append(env)
        return FakeProvider("x11", 0.0)

    env = {"DISPLAY": ":7"}
    assert detect(env, "linux", {"x11": x11}).name == "x11"
    assert seen == [env]


def test_zero_seconds_is_a_reading_not_a_failure() -> None:
    assert detect({}, "win32", {"windows": _works("windows", 0.0)}).name == "windows"


def test_nothing_works_gives_unknown_idle() -> None:
    nothing = {name: _fails(IdleUnavailableError(name)) for name in FACTORIES}
    for platform, env in (("linux", {"DISPLAY": ":0"}), ("win32", {}), ("darwin", {})):
        provider = detect(env, platform, nothing)
        assert isinstance(provider, UnknownIdle)


def test_a_missing_factory_is_skipped() -> None:
    assert isinstance(detect({}, "win32", {}), UnknownIdle)


def test_the_real_factories_fall_back_off_their_platform() -> None:
    # Here (Linux) the Windows and macOS providers refuse to build instead of crashing.
    assert isinstance(detect({}, "win32"), UnknownIdle)
    assert isinstance(detect({}, "darwin"), UnknownIdle)
    with pytest.raises(IdleUnavailableError):
        WindowsIdle()
    with pytest.raises(IdleUnavailableError):
        MacIdle()


def test_the_real_x11_factory_falls_back_when_the_display_cannot_be_opened() -> None:
    x11_only = {"x11": FACTORIES["x11"]}
    assert isinstance(detect({"DISPLAY": ":4242"}, "linux", x11_only), UnknownIdle)


def test_x11_construction_raises_for_a_missing_library_or_display() -> None:
    with pytest.raises(IdleUnavailableError, match="library"):
        X11Idle(":0", xss_library="libBackCareNoSuchLibrary.so.1")
    with pytest.raises(IdleUnavailableError, match="cannot be opened"):
        X11Idle(":4242")


# --- what the person sees -------------------------------------------------------------------


def test_unknown_idle_is_honest() -> None:
    unknown = UnknownIdle()
    assert unknown.name == "unknown"
    assert unknown.idle_seconds() is None
    assert status_line(unknown) == (
        "Idle time: not available on this computer, so natural breaks are not counted")
    assert unknown.description == NOT_AVAILABLE


def test_every_provider_describes_itself() -> None:
    providers: list[IdleProvider] = [
        WindowsIdle(read=lambda: (0, 0)), MacIdle(read=lambda: 0),
        mutter_idle(send=lambda m: m.createReply(0)),
        freedesktop_idle(send=lambda m: m.createReply(0)), UnknownIdle()]
    names = [p.name for p in providers]
    assert names == ["windows", "macos", "mutter", "freedesktop-screensaver", "unknown"]
    assert all(status_line(p).startswith("Idle time: ") and p.description for p in providers)
    assert X11Idle.name == "x11" and X11Idle.description


def test_importing_the_package_loads_no_qt(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import backcare_gui.idle; "
            "print(sorted(m for m in sys.modules if m.startswith('PySide6')))")
    out = subprocess.run([sys.executable, "-c", code, str(root)], cwd=tmp_path,
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- Windows: the 32-bit tick arithmetic ----------------------------------------------------


@pytest.mark.parametrize(("last", "now", "expected"), [
    (1_000, 1_000, 0),
    (1_000, 4_500, 3_500),
    (TICK_MODULUS - 500, 1_500, 2_000),          # the tick count wrapped after the input
    (TICK_MODULUS - 1, 0, 1),
    (0, TICK_MODULUS - 1, TICK_MODULUS - 1),     # the longest idle time it can express
])
def test_elapsed_ms_survives_the_tick_count_wrapping(last: int, now: int, expected: int) -> None:
    assert elapsed_ms(last, now) == expected


def _readings(*values: tuple[int, int] | None) -> Callable[[], tuple[int, int] | None]:
    queue: Iterator[tuple[int, int] | None] = iter(values)
    return lambda: next(queue)


def test_windows_idle_turns_ticks_into_seconds() -> None:
    idle = WindowsIdle(read=_readings((10_000, 12_500), (TICK_MODULUS - 250, 750), None))
    assert idle.idle_seconds() == 2.5
    assert idle.idle_seconds() == 1.0  # across the wrap
    assert idle.idle_seconds() is None  # GetLastInputInfo failed


# --- macOS: nanoseconds ---------------------------------------------------------------------


def test_seconds_from_nanoseconds() -> None:
    assert seconds_from_nanoseconds(0) == 0.0
    assert seconds_from_nanoseconds(1_500_000_000) == 1.5
    assert seconds_from_nanoseconds(3_600 * 1_000_000_000) == 3_600.0
    assert seconds_from_nanoseconds(-1) is None


def test_mac_idle_reads_through_the_fake_call() -> None:
    values: Iterator[int | None] = iter([2_250_000_000, None, -5])
    idle = MacIdle(read=lambda: next(values))
    assert idle.idle_seconds() == 2.25
    assert idle.idle_seconds() is None
    assert idle.idle_seconds() is None


# --- D-Bus: replies built as real QDBusMessages, no bus needed ------------------------------


def _call() -> QDBusMessage:
    return QDBusMessage.createMethodCall("org.example", "/org/example", "org.example", "Get")


@pytest.mark.parametrize(("reply", "expected"), [
    (_call().createReply(2_500), 2.5),
    (_call().createReply(0), 0.0),
    (_call().createReply(), None),                                      # no value
    (_call().createReply("2500"), None),                                # wrong type
    (_call().createReply(True), None),                                  # bool is no duration
    (_call().createReply(-1), None),
    (_call().createErrorReply("org.freedesktop.DBus.Error.ServiceUnknown", "absent"), None),
    (_call().createErrorReply("org.freedesktop.DBus.Error.NotSupported",
                              "GetSessionIdleTime is not supported on this platform"), None),
    (_call().createErrorReply("org.freedesktop.DBus.Error.NoReply", "timed out"), None),
    (QDBusMessage(), None),                                             # invalid message
])
def test_seconds_from_reply(reply: QDBusMessage, expected: float | None) -> None:
    assert seconds_from_reply(reply, 0.001) == expected


def test_reply_with_two_values_is_not_trusted() -> None:
    reply = _call().createReply()
    reply.setArguments([1, 2])
    assert seconds_from_reply(reply, 0.001) is None


@pytest.mark.parametrize("method", [MUTTER, FREEDESKTOP_SCREENSAVER])
def test_dbus_idle_asks_the_right_method_without_starting_a_service(method: IdleMethod) -> None:
    sent: list[QDBusMessage] = []

    def send(message: QDBusMessage) -> QDBusMessage:
        sent.append(message)
        return message.createReply(90_000)

    idle = DBusIdle(method, send)
    assert idle.idle_seconds() == 90.0
    (message,) = sent
    assert (message.service(), message.path(), message.interface(), message.member()) == (
        method.service, method.path, method.interface, method.method)
    assert message.type() == QDBusMessage.MessageType.MethodCallMessage
    assert not message.autoStartService()
    assert idle.name == method.name


def test_dbus_idle_is_unknown_when_the_desktop_errs() -> None:
    idle = mutter_idle(send=lambda m: m.createErrorReply(
        "org.freedesktop.DBus.Error.NoReply", "did not answer in time"))
    assert idle.idle_seconds() is None


def test_mutter_and_freedesktop_methods() -> None:
    assert (MUTTER.service, MUTTER.method) == ("org.gnome.Mutter.IdleMonitor", "GetIdletime")
    assert (FREEDESKTOP_SCREENSAVER.service, FREEDESKTOP_SCREENSAVER.method) == (
        "org.freedesktop.ScreenSaver", "GetSessionIdleTime")
