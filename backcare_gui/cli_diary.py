"""`backcare diary export`: your spasm diary as CSV, one row per episode (no Qt at all).

    backcare diary export --csv FILE|-  [--from YYYY-MM-DD] [--to YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date

from backcare_gui.cli_history import add_export_command
from backcare_gui.paths import AppPaths

PROG = "backcare diary export"


def add_diary_parser(commands: argparse._SubParsersAction,  # type: ignore[type-arg]
                     add_global: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `diary export` to the command line."""
    exporting = add_export_command(
        commands, add_global, "diary", "export your spasm diary",
        "write your spasm episodes as CSV",
        "Write your spasm diary as a CSV file, one row per episode; '-' writes to standard "
        "output.")
    exporting.add_argument("--csv", metavar="FILE", required=True,
                           help="one row per episode, UTF-8, with a header row ('-': stdout)")


def run_diary(args: argparse.Namespace, paths: AppPaths) -> int:
    """0 written; 1 the records or the file could not be read or written; 2 a usage mistake."""
    if getattr(args, "diary_command", None) != "export":
        return _usage("the only action is export")
    target: str | None = args.csv
    if not target:
        return _usage("say where to write: --csv FILE ('-' for stdout)")
    date_from: date | None = args.date_from
    date_to: date | None = args.date_to
    if date_from is not None and date_to is not None and date_from > date_to:
        return _usage(f"--from {date_from} is after --to {date_to}")

    from backcare_gui.store import export
    from backcare_gui.store.db import Database, StoreError
    from backcare_gui.store.diary import CSV_COLUMNS, DiaryRecords, Episode, csv_rows

    try:
        episodes: list[Episode] = []
        # No records file yet means no episodes yet: an export creates nothing.
        if paths.database.exists():
            db = Database.open(paths.database)
            try:
                episodes = DiaryRecords(db).episodes(date_from, date_to)
            finally:
                db.close()
        export.save_table(CSV_COLUMNS, csv_rows(episodes), target)
    except StoreError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except OSError as exc:
        where = exc.filename or "the output"
        print(f"backcare: error: cannot write {where}: {exc.strerror or exc}. Your records "
              "are unchanged.", file=sys.stderr)
        return 1
    # On stderr: stdout may be the export itself.
    print(f"backcare: {len(episodes)} episode(s) written to "
          f"{'stdout' if target == '-' else target}", file=sys.stderr)
    return 0


def _usage(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2
