"""macOS: IOKit's HIDIdleTime (nanoseconds since the last input) through ctypes. UNTRIED:
written from Apple's IOKit and Core Foundation references, never run; only the arithmetic is
tested (with a fake of the OS call).
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

from backcare_gui.idle.base import IdleUnavailableError

NANOSECONDS_PER_SECOND = 1_000_000_000
_IOKIT = "/System/Library/Frameworks/IOKit.framework/IOKit"
_CORE_FOUNDATION = "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation"
_UTF8 = 0x08000100  # kCFStringEncodingUTF8
_SINT64 = 4  # kCFNumberSInt64Type
_MAIN_PORT_DEFAULT = 0  # kIOMainPortDefault (MACH_PORT_NULL)

# The thin OS call: HIDIdleTime in nanoseconds, or None when macOS would not say.
NanosecondReader = Callable[[], int | None]


def seconds_from_nanoseconds(nanoseconds: int) -> float | None:
    if nanoseconds < 0:
        return None  # not a duration: treat as unknown rather than "just touched"
    return nanoseconds / NANOSECONDS_PER_SECOND


def system_nanosecond_reader() -> NanosecondReader:
    """Finds the IOHIDSystem service once (untried); raises IdleUnavailableError off macOS."""
    if sys.platform != "darwin":
        raise IdleUnavailableError("IOKit exists only on macOS")
    try:
        iokit = ctypes.CDLL(_IOKIT)
        cf = ctypes.CDLL(_CORE_FOUNDATION)
    except OSError as error:
        raise IdleUnavailableError(f"IOKit cannot be loaded: {error}") from error
    iokit.IOServiceMatching.restype = ctypes.c_void_p
    iokit.IOServiceMatching.argtypes = (ctypes.c_char_p,)
    iokit.IOServiceGetMatchingService.restype = ctypes.c_uint32
    iokit.IOServiceGetMatchingService.argtypes = (ctypes.c_uint32, ctypes.c_void_p)
    iokit.IORegistryEntryCreateCFProperty.restype = ctypes.c_void_p
    iokit.IORegistryEntryCreateCFProperty.argtypes = (
        ctypes.c_uint32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint32)
    cf.CFStringCreateWithCString.restype = ctypes.c_void_p
    cf.CFStringCreateWithCString.argtypes = (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32)
    cf.CFGetTypeID.restype = ctypes.c_ulong
    cf.CFGetTypeID.argtypes = (ctypes.c_void_p,)
    cf.CFNumberGetTypeID.restype = ctypes.c_ulong
    cf.CFNumberGetTypeID.argtypes = ()
    cf.CFNumberGetValue.restype = ctypes.c_bool
    cf.CFNumberGetValue.argtypes = (ctypes.c_void_p, ctypes.c_long, ctypes.c_void_p)
    cf.CFRelease.restype = None
    cf.CFRelease.argtypes = (ctypes.c_void_p,)

    # IOServiceGetMatchingService consumes the matching dictionary: no CFRelease for it.
    service = iokit.IOServiceGetMatchingService(
        _MAIN_PORT_DEFAULT, iokit.IOServiceMatching(b"IOHIDSystem"))
    if not service:
        raise IdleUnavailableError("macOS has no IOHIDSystem service")
    # The service and the key live as long as the process: one of each, kept on purpose.
    key = cf.CFStringCreateWithCString(None, b"HIDIdleTime", _UTF8)
    number_type = cf.CFNumberGetTypeID()

    def read() -> int | None:
        value = iokit.IORegistryEntryCreateCFProperty(service, key, None, 0)
        if not value:
            return None
        try:
            if cf.CFGetTypeID(value) != number_type:
                return None  # very old systems gave CFData; not worth supporting untried
            nanoseconds = ctypes.c_int64()
            if not cf.CFNumberGetValue(value, _SINT64, ctypes.byref(nanoseconds)):
                return None
            return int(nanoseconds.value)
        finally:
            cf.CFRelease(value)

    return read


class MacIdle:
    """Untried on a real Mac."""

    name = "macos"
    description = "read from macOS (IOKit HIDIdleTime)"

    def __init__(self, read: NanosecondReader | None = None) -> None:
        self._read = read if read is not None else system_nanosecond_reader()

    def idle_seconds(self) -> float | None:
        nanoseconds = self._read()
        return None if nanoseconds is None else seconds_from_nanoseconds(nanoseconds)
