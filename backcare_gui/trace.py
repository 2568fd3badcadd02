"""Milestones on stderr for end-to-end tests and benchmarks (BACKCARE_TRACE=1), the way
qutebrowser's tests wait for its log lines. Silent otherwise."""

from __future__ import annotations

import os
import sys
import time


def trace(event: str) -> None:
    if os.environ.get("BACKCARE_TRACE") == "1":
        print(f"backcare-trace {time.time():.6f} {event}", file=sys.stderr, flush=True)
