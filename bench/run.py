"""BackCare benchmarks. Figures go to stdout as `name: number` (or `name: n/a` when a figure
cannot be measured here); notes go to stderr. Ratios compare against a baseline measured in the
same run, because these machines are noisy.

Usage: .venv/bin/python bench/run.py [NAME...]
(names: validate, startup, timer, audio, history, idle)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import audio, history, idle_cpu, startup, timer_drift, validate

SECTIONS = {"validate": validate.run, "startup": startup.run, "timer": timer_drift.run,
            "audio": audio.run, "history": history.run, "idle": idle_cpu.run}


def main(argv: list[str]) -> int:
    chosen = argv or list(SECTIONS)
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(SECTIONS)}",
              file=sys.stderr)
        return 2
    for name in chosen:
        SECTIONS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
