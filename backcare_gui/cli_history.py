"""`backcare history export`: your sessions as CSV (no Qt at all) and as a PDF report for your
clinician (the one subcommand that starts Qt, offscreen: it needs no display).

    backcare history export --csv FILE|-  [--pdf FILE|-]  [--from YYYY-MM-DD] [--to YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from backcare_gui.paths import AppPaths

if TYPE_CHECKING:
    from backcare_gui.store import export
    from backcare_gui.store.db import Database

PROG = "backcare history export"


def add_export_command(commands: argparse._SubParsersAction,  # type: ignore[type-arg]
                       add_global: Callable[[argparse.ArgumentParser], None], group: str,
                       group_help: str, export_help: str,
                       description: str) -> argparse.ArgumentParser:
    """`backcare GROUP export ... [--from DATE --to DATE]`, the shape every export shares;
    returns the export parser for its --csv/--pdf options. `add_global` adds the global options
    to each new parser (they may stand before or after the subcommand)."""
    parser = commands.add_parser(group, help=group_help)
    add_global(parser)
    actions = parser.add_subparsers(dest=f"{group}_command", metavar="ACTION", required=True)
    exporting = actions.add_parser("export", help=export_help, description=description)
    add_global(exporting)
    exporting.add_argument("--from", dest="date_from", metavar="DATE", type=parse_day_argument,
                           help="first day to include, YYYY-MM-DD (your local date)")
    exporting.add_argument("--to", dest="date_to", metavar="DATE", type=parse_day_argument,
                           help="last day to include, YYYY-MM-DD (inclusive)")
    assert isinstance(exporting, argparse.ArgumentParser)
    return exporting


def add_history_parser(commands: argparse._SubParsersAction,  # type: ignore[type-arg]
                       add_global: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `history export` to the command line."""
    exporting = add_export_command(
        commands, add_global, "history", "export your session records",
        "write your sessions as CSV and/or a PDF report for your clinician",
        "Write your sessions as a CSV file and/or a PDF report for your clinician. Give "
        "--csv, --pdf or both; '-' writes to standard output.")
    exporting.add_argument("--csv", metavar="FILE",
                           help="one row per session, UTF-8, with a header row ('-': stdout)")
    exporting.add_argument("--pdf", metavar="FILE",
                           help="an A4 report: summary, chart, spasm diary, every session, "
                                "heat and breaks ('-': stdout)")


def parse_day_argument(text: str) -> date:
    """--from / --to: a strict YYYY-MM-DD. (The store loads only once a command runs: building
    the parser is on every start-up's path.)"""
    from backcare_gui.store import export

    try:
        return export.parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def run_export(prog: str, args: argparse.Namespace, paths: AppPaths,
               write: Callable[[Database | None], None]) -> int:
    """What every export shares: --from not after --to, the records opened only if there are
    any (an export creates nothing), and a calm message, never a traceback, when the records
    or the output cannot be read or written. `write` gets None when there are no records yet.
    0 written; 1 records or output failed; 2 a usage mistake."""
    date_from: date | None = args.date_from
    date_to: date | None = args.date_to
    if date_from is not None and date_to is not None and date_from > date_to:
        return usage_error(prog, f"--from {date_from} is after --to {date_to}")
    from backcare_gui.store.db import Database, StoreError

    db: Database | None = None
    try:
        if paths.database.exists():
            db = Database.open(paths.database)
        write(db)
    except StoreError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except OSError as exc:
        where = exc.filename or "the output"
        print(f"backcare: error: cannot write {where}: {exc.strerror or exc}. Your records "
              "are unchanged.", file=sys.stderr)
        return 1
    finally:
        if db is not None:
            db.close()
    return 0


def run_history(args: argparse.Namespace, paths: AppPaths) -> int:
    """0 written; 1 the records or a file could not be read or written; 2 a usage mistake."""
    from backcare_gui.store import export

    if getattr(args, "history_command", None) != "export":
        return usage_error(PROG, "the only action is export")
    csv_target: str | None = args.csv
    pdf_target: str | None = args.pdf
    if not csv_target and not pdf_target:
        return usage_error(PROG, "say what to write: --csv FILE, --pdf FILE or both "
                                 "('-' for stdout)")
    if csv_target == "-" and pdf_target == "-":
        return usage_error(PROG, "only one of --csv and --pdf can write to stdout ('-')")

    def write(db: Database | None) -> None:
        from backcare_gui.store.diary import DiaryRecords
        from backcare_gui.store.records import SessionRecords
        from backcare_gui.store.safety import SafetyRecords
        from backcare_gui.store.timers import TimerRecords

        records = SessionRecords(db) if db is not None else None
        rows = export.session_rows(records, args.date_from, args.date_to)
        if csv_target:
            export.save_csv(rows, csv_target)
            done(f"{len(rows)} session(s) written to {target_name(csv_target)}")
        if pdf_target:
            report = export.build_report(
                records, SafetyRecords(db) if db is not None else None, args.date_from,
                args.date_to, rows=rows, timers=TimerRecords(db) if db is not None else None,
                diary=DiaryRecords(db) if db is not None else None)
            pages = _write_pdf(report, pdf_target)
            done(f"report of {len(rows)} session(s), {pages} page(s), written to "
                 f"{target_name(pdf_target)}")

    return run_export(PROG, args, paths, write)


def _write_pdf(report: export.Report, target: str) -> int:
    # The one export that starts Qt: offscreen, so it works without any display.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "backcare"])
    assert app is not None
    from backcare_gui.ui.report import pdf_bytes, write_pdf

    if target == "-":
        data, pages = pdf_bytes(report)
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return pages
    return write_pdf(report, target)


def usage_error(prog: str, message: str) -> int:
    """A usage mistake in an export's options: said on stderr, exit 2 (as argparse does)."""
    print(f"{prog}: error: {message}", file=sys.stderr)
    return 2


def done(message: str) -> None:
    # On stderr: stdout may be the export itself.
    print(f"backcare: {message}", file=sys.stderr)


def target_name(target: str) -> str:
    """How an output is named in messages."""
    return "stdout" if target == "-" else target
