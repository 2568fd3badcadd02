"""The `backcare` command (a public contract: keep option and subcommand names).

Subcommands need no display and import no Qt: they stay quick and scriptable. Only opening the
app (no subcommand) starts Qt, and only after checking that a window can be shown.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from backcare_gui import __version__, resources
from backcare_gui.cli_diary import add_diary_parser
from backcare_gui.cli_history import add_export_command, add_history_parser
from backcare_gui.paths import AppPaths

if TYPE_CHECKING:
    from backcare_gui.store.db import Database


def _add_global_options(parser: argparse.ArgumentParser, *, in_subcommand: bool) -> None:
    # Global options may stand before or after a subcommand. Subparsers must not reset a value
    # given before the subcommand, so their copies default to "absent".
    default = argparse.SUPPRESS if in_subcommand else None
    group = parser.add_argument_group("global options")
    group.add_argument("--data-dir", metavar="DIR", default=default,
                       help="keep all your data (records, own routines, settings, logs) in DIR "
                            "(also: environment variable BACKCARE_HOME)")
    group.add_argument("--version", action="version", version=f"BackCare {__version__}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backcare",
        description="BackCare: guided back-care routines. Without a command, opens the app.")
    _add_global_options(parser, in_subcommand=False)
    parser.add_argument("--start", metavar="ROUTINE_ID",
                        help="open straight into this routine and begin it at once")
    parser.add_argument("--pain-before", metavar="N", type=_pain_rating,
                        help="your pain right now, 0-10 (skips the first rating question)")
    parser.add_argument("--minimized", action="store_true",
                        help="start in the tray (where there is one), for reminders all day")
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="add BackCare to the applications menu (Linux), then exit")
    parser.add_argument("--uninstall-desktop-entry", action="store_true",
                        help="remove BackCare from the applications menu (Linux), then exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    routines = commands.add_parser("routines",
                                   help="list, check, import or export routine files")
    _add_global_options(routines, in_subcommand=True)
    routine_commands = routines.add_subparsers(dest="routines_command", metavar="ACTION",
                                               required=True)
    listing = routine_commands.add_parser("list", help="list bundled and your own routines")
    _add_global_options(listing, in_subcommand=True)
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    validate = routine_commands.add_parser(
        "validate", help="check routine files and print every problem with its line")
    _add_global_options(validate, in_subcommand=True)
    validate.add_argument("paths", nargs="+", metavar="PATH", type=Path,
                          help="a routine file, or a folder (every *.yaml / *.yml below it)")
    importing = routine_commands.add_parser(
        "import", help="add routines someone shared: a routine file, a folder or a .zip")
    _add_global_options(importing, in_subcommand=True)
    importing.add_argument("path", metavar="PATH", type=Path,
                           help="a routine file (.yaml/.yml), a folder of them, or a .zip made "
                                "by `backcare routines export`")
    importing.add_argument("--replace", action="store_true",
                           help="replace your own routines that have the same id")
    exporting = routine_commands.add_parser(
        "export", help="write a routine and its own pictures to a .zip to share")
    _add_global_options(exporting, in_subcommand=True)
    exporting.add_argument("routine_id", metavar="ID", help="the routine's id (see `list`)")
    exporting.add_argument("target", metavar="FILE.zip", type=Path, help="the .zip to write")
    timer_export = add_export_command(
        commands, lambda p: _add_global_options(p, in_subcommand=True), "timers",
        "heat sessions and desk breaks", "write every timer event as CSV",
        "Write every heat session and break as CSV, one row per event with a kind column; "
        "'-' writes to standard output.")
    timer_export.add_argument("--csv", metavar="FILE", required=True,
                              help="the CSV file to write (- for standard output)")

    add_history_parser(commands, lambda p: _add_global_options(p, in_subcommand=True))
    add_diary_parser(commands, lambda p: _add_global_options(p, in_subcommand=True))

    flags = commands.add_parser(
        "red-flags", help="the signs that mean: see a doctor, do not exercise")
    _add_global_options(flags, in_subcommand=True)
    flags.add_argument("--none-apply", action="store_true",
                       help="after reading the list, record that none of these signs apply "
                            "(the same record the app's safety check makes)")
    return parser


def _pain_rating(text: str) -> int:
    if text.isdigit() and 0 <= int(text) <= 10:
        return int(text)
    raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 10, not {text!r}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    paths = AppPaths.resolve(args.data_dir)
    if args.command == "routines":
        if args.routines_command == "list":
            return list_routines(paths, as_json=args.json)
        if args.routines_command == "import":
            return import_routines(paths, args.path, replace=args.replace)
        if args.routines_command == "export":
            return export_shared_routine(paths, args.routine_id, args.target)
        return validate_paths(args.paths)
    if args.command == "history":
        from backcare_gui.cli_history import run_history

        return run_history(args, paths)
    if args.command == "diary":
        from backcare_gui.cli_diary import run_diary

        return run_diary(args, paths)
    if args.command == "red-flags":
        return red_flags(paths, none_apply=args.none_apply)
    if args.command == "timers":
        return export_timers(args, paths)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        return desktop_entry(install=args.install_desktop_entry,
                             data_dir=paths.data if paths.custom else None)
    return open_app(paths, start=args.start, pain_before=args.pain_before,
                    minimized=args.minimized)


def list_routines(paths: AppPaths, *, as_json: bool) -> int:
    from backcare_gui.core.timeline import format_seconds, total_ms

    library = resources.load_app_library(paths.routines)
    for problem in library.problems:
        print(problem, file=sys.stderr)
    rows = [{"id": r.id, "title": r.title, "level": r.level.value if r.level else None,
             "seconds": total_ms(r) / 1000, "origin": r.origin.value, "path": str(r.path)}
            for r in library.routines]
    if as_json:
        import json

        for row in rows:  # whole seconds as integers: 289, not 289.0
            seconds = row["seconds"]
            assert isinstance(seconds, float)
            if seconds.is_integer():
                row["seconds"] = int(seconds)
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    for r in library.routines:
        print(f"{r.id}\t{r.title}\t{r.level or '-'}\t{format_seconds(total_ms(r))}\t"
              f"{r.origin}\t{r.path}")
    return 0


def validate_paths(targets: Sequence[Path]) -> int:
    from backcare_gui.core.library import load_files, routine_files
    from backcare_gui.core.routine import ImageResolver, Origin

    resolver = ImageResolver(resources.assets_dir())
    missing = False
    files: list[Path] = []
    for target in targets:
        if target.is_dir():
            files += routine_files(target)
        elif target.exists():
            files.append(target)
        else:
            print(f"{target}: error: no such file or folder", file=sys.stderr)
            missing = True
    _routines, problems = load_files(files, resolver, Origin.USER)
    for problem in problems:
        print(problem)
    bad = len({p.path for p in problems})
    print(f"checked {len(files)} file(s): {len(files) - bad} good, {bad} with problems",
          file=sys.stderr)
    if missing:
        return 2
    return 1 if problems else 0


def import_routines(paths: AppPaths, source: Path, *, replace: bool) -> int:
    import tempfile

    from backcare_gui.core.routine_share import ShareError, apply_import, prepare_import

    library = resources.load_app_library(paths.routines)
    try:
        with tempfile.TemporaryDirectory(prefix="backcare-import-") as work:
            plans = prepare_import(source, paths.routines, library, Path(work))
            clashes = [p for p in plans if p.replaces is not None]
            if clashes and not replace:  # asked before anything is written
                for plan in clashes:
                    old = plan.replaces
                    assert old is not None
                    print(f"backcare: error: you already have a routine {old.id!r} "
                          f"({old.title}) in {old.path}; to replace it, run the import again "
                          "with --replace", file=sys.stderr)
                print("Nothing was imported.", file=sys.stderr)
                return 1
            for plan in plans:
                written = apply_import(plan, replace=replace)
                print(f"Imported {plan.routine.id} ({plan.routine.title}) to {written}")
                note = plan.note()
                if note:
                    print(f"  {note}")
    except ShareError as exc:
        print(f"backcare: error: {exc.message}", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    return 0


def export_shared_routine(paths: AppPaths, routine_id: str, target: Path) -> int:
    from backcare_gui.core.routine_share import ShareError, export_routine, own_pictures

    library = resources.load_app_library(paths.routines)
    routine = library.get(routine_id)
    if routine is None:  # the same words as --start's
        known = ", ".join(r.id for r in library.routines)
        print(f"backcare: error: there is no routine with the id {routine_id!r} "
              f"(known: {known}; see `backcare routines list`)", file=sys.stderr)
        return 1
    try:
        written = export_routine(routine, target)
        count = len(own_pictures(routine))
    except ShareError as exc:
        print(f"backcare: error: {exc.message}", file=sys.stderr)
        return 1
    print(f"Exported {routine.id} to {written} ({count} picture{'' if count == 1 else 's'})")
    return 0


def desktop_entry(*, install: bool, data_dir: Path | None) -> int:
    from backcare_gui.desktop import (
        DesktopIntegrationError,
        install_desktop_entry,
        uninstall_desktop_entry,
    )

    try:
        paths = install_desktop_entry(data_dir=data_dir) if install \
            else uninstall_desktop_entry()
    except (DesktopIntegrationError, OSError) as exc:
        print(f"backcare: error: {exc}", file=sys.stderr)
        return 1
    verb = "Wrote" if install else "Removed"
    for path in paths:
        print(f"{verb} {path}")
    if install:
        print("BackCare is in your applications menu.")
    return 0


def export_timers(args: argparse.Namespace, paths: AppPaths) -> int:
    from backcare_gui.cli_history import done, run_export, target_name

    def write(db: Database | None) -> None:
        from backcare_gui.store.export import save_table
        from backcare_gui.store.timers import CSV_COLUMNS, TimerRecords, csv_rows

        events = TimerRecords(db).events(args.date_from, args.date_to) if db else []
        save_table(CSV_COLUMNS, csv_rows(events), args.csv)
        done(f"{len(events)} event(s) written to {target_name(args.csv)}")

    return run_export("backcare timers export", args, paths, write)


def red_flags(paths: AppPaths, *, none_apply: bool) -> int:
    from backcare_gui.core.pain import (
        EMERGENCY_ADVICE,
        INTRO,
        RED_FLAG_IDS,
        RED_FLAGS,
        URGENT_ADVICE,
        Urgency,
    )

    print(INTRO)
    print()
    for urgency, heading, advice in ((Urgency.EMERGENCY, "Get help now if you have:",
                                      EMERGENCY_ADVICE),
                                     (Urgency.URGENT, "See a doctor before exercising if you "
                                      "have:", URGENT_ADVICE)):
        print(heading)
        for flag in RED_FLAGS:
            if flag.urgency is urgency:
                print(f"  - {flag.question}")
        print(f"  {advice}")
        print()
    if not none_apply:
        print("If none of these apply: backcare red-flags --none-apply records that you have "
              "read them.")
        return 0
    from backcare_gui.store.db import Database, StoreError
    from backcare_gui.store.safety import SafetyRecords

    try:
        db = Database.open(paths.database)
        try:
            SafetyRecords(db).record_red_flags(dict.fromkeys(RED_FLAG_IDS, False), "cli",
                                               clinician_checked=False)
        finally:
            db.close()
    except StoreError as exc:
        print(f"backcare: error: {exc.message}", file=sys.stderr)
        return 1
    print("Recorded: you have read these signs and none of them apply. Thank you. Come back to "
          "them whenever something changes.")
    return 0


def open_app(paths: AppPaths, *, start: str | None, pain_before: int | None,
             minimized: bool = False) -> int:
    from backcare_gui.display import display_problem

    if start is not None:  # checked before anything needs a display
        library = resources.load_app_library(paths.routines)
        if library.get(start) is None:
            known = ", ".join(r.id for r in library.routines)
            print(f"backcare: error: there is no routine with the id {start!r} "
                  f"(known: {known}; see `backcare routines list`)", file=sys.stderr)
            return 1
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from backcare_gui.ui.app import run

    return run(paths, start=start, pain_before=pain_before, minimized=minimized)
