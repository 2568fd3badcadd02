"""`backcare diary export`: your spasm diary as CSV, one row per episode (no Qt at all).

    backcare diary export --csv FILE|-  [--from YYYY-MM-DD] [--to YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from backcare_gui.cli_history import (
    add_export_command,
    done,
    run_export,
    target_name,
    usage_error,
)
from backcare_gui.paths import AppPaths

if TYPE_CHECKING:
    from backcare_gui.store.db import Database

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
        return usage_error(PROG, "the only action is export")
    target: str | None = args.csv
    if not target:
        return usage_error(PROG, "say where to write: --csv FILE ('-' for stdout)")

    def write(db: Database | None) -> None:
        from backcare_gui.store import export
        from backcare_gui.store.diary import CSV_COLUMNS, DiaryRecords, csv_rows

        episodes = DiaryRecords(db).episodes(args.date_from, args.date_to) if db else []
        export.save_table(CSV_COLUMNS, csv_rows(episodes), target)
        done(f"{len(episodes)} episode(s) written to {target_name(target)}")

    return run_export(PROG, args, paths, write)
