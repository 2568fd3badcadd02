"""`backcare diary export` two ways: as the real `python -m backcare_gui` process, and as
add_diary_parser + run_diary in this process (the same argparse wiring cli.py uses). Exact
columns, quoting, local time with its offset, --from/--to, '-' for stdout, nothing created
without records, and the errors."""

from __future__ import annotations

import argparse
import csv
import io
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backcare_gui.cli import _add_global_options
from backcare_gui.cli_diary import add_diary_parser, run_diary
from backcare_gui.paths import AppPaths
from backcare_gui.store.db import Database
from backcare_gui.store.diary import DiaryRecords
from tests.conftest import ROOT
from tests.helpers.cli import CET, run_cli
from tests.helpers.records import Clock, local_zone

pytestmark = pytest.mark.e2e

HEADER = ["id", "started_at", "ended_at", "duration_minutes", "severity", "locations",
          "triggers", "helped", "note"]


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: bytes
    stderr: bytes


Backcare = Callable[..., Result]


def _as_process(*args: str, home: Path) -> Result:
    done = run_cli(*args, home=home, tz=CET)
    return Result(done.returncode, done.stdout, done.stderr)


def _parser() -> argparse.ArgumentParser:
    """What cli.build_parser makes of the diary: the same global options, the same wiring."""
    parser = argparse.ArgumentParser(prog="backcare")
    _add_global_options(parser, in_subcommand=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_diary_parser(commands, lambda p: _add_global_options(p, in_subcommand=True))
    return parser


@pytest.fixture(params=["process", "in-process"])
def backcare(request: pytest.FixtureRequest,
             capsysbinary: pytest.CaptureFixture[bytes]) -> Backcare:
    if request.param == "process":
        return _as_process

    def in_process(*args: str, home: Path) -> Result:
        capsysbinary.readouterr()
        with local_zone(CET):
            try:
                parsed = _parser().parse_args([*args, "--data-dir", str(home)])
                assert parsed.command == "diary"
                code = run_diary(parsed, AppPaths.resolve(parsed.data_dir))
            except SystemExit as exc:  # argparse's usage errors
                code = int(exc.code or 0)
        out, err = capsysbinary.readouterr()
        return Result(code, out, err)

    return in_process


def rows_of(out: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(out.decode("utf-8"), newline="")))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def filled(home: Path) -> Iterator[list[int]]:
    """Three episodes on 24, 25 and 26 November (local days in CET); the last still going."""
    with local_zone(CET):
        clock = Clock(datetime(2026, 11, 27, 8, tzinfo=UTC))
        db = Database.open(home / "backcare.sqlite3", now=clock)
        records = DiaryRecords(db)
        start = datetime(2026, 11, 24, 16, 41, 30, tzinfo=UTC)
        ids = [
            records.log(7, started_at=start, ended_at=start + timedelta(minutes=45),
                        locations=["neck", "lower-back"], triggers=["other", "stress"],
                        trigger_other="carried the bins", helped=["routine", "heat"],
                        helped_routine="spasm-relief", note='stiff, "sharp" at first\nthen ok',
                        red_flags={"leg-weakness": False}),
            records.log(3, started_at=start + timedelta(days=1),
                        ended_at=start + timedelta(days=1, hours=3),
                        triggers=["prolonged-sitting"], helped=["nothing"]),
            records.log(5, started_at=start + timedelta(days=2), locations=["left-leg"]),
        ]
        db.close()
    yield ids


def test_csv_to_stdout(backcare: Backcare, home: Path, filled: list[int]) -> None:
    result = backcare("diary", "export", "--csv", "-", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"id,started_at,ended_at,duration_minutes,severity,"
                                    b"locations,triggers,helped,note\r\n")
    rows = rows_of(result.stdout)
    assert rows == [
        HEADER,
        [str(filled[0]), "2026-11-24T17:41:30+01:00", "2026-11-24T18:26:30+01:00", "45", "7",
         "lower-back;neck", "stress;other: carried the bins", "heat;routine: spasm-relief",
         'stiff, "sharp" at first\nthen ok'],
        [str(filled[1]), "2026-11-25T17:41:30+01:00", "2026-11-25T20:41:30+01:00", "180", "3",
         "", "prolonged-sitting", "nothing", ""],
        [str(filled[2]), "2026-11-26T17:41:30+01:00", "", "", "5", "left-leg", "", "", ""],
    ]
    assert b'"stiff, ""sharp"" at first\nthen ok"' in result.stdout
    assert b"3 episode(s)" in result.stderr


def test_csv_file_from_and_to(backcare: Backcare, home: Path, filled: list[int],
                              tmp_path: Path) -> None:
    target = tmp_path / "diary.csv"
    result = backcare("diary", "export", "--csv", str(target), "--from", "2026-11-25",
                      "--to", "2026-11-25", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert [r[0] for r in rows_of(target.read_bytes())[1:]] == [str(filled[1])]
    only_from = backcare("diary", "export", "--from", "2026-11-25", "--csv", "-", home=home)
    assert [r[0] for r in rows_of(only_from.stdout)[1:]] == [str(filled[1]), str(filled[2])]
    only_to = backcare("diary", "export", "--csv", "-", "--to", "2026-11-24", home=home)
    assert [r[0] for r in rows_of(only_to.stdout)[1:]] == [str(filled[0])]


def test_no_records_yet_is_just_the_header(backcare: Backcare, home: Path) -> None:
    result = backcare("diary", "export", "--csv", "-", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (",".join(HEADER) + "\r\n").encode()
    assert not home.exists()  # an export creates nothing


def test_a_file_from_before_the_diary_is_upgraded_and_exported(
        backcare: Backcare, home: Path) -> None:
    from backcare_gui.store.migrations import MIGRATIONS, migrate

    home.mkdir()
    conn = sqlite3.connect(home / "backcare.sqlite3", isolation_level=None)
    migrate(conn, MIGRATIONS[:2])  # the last version without a diary
    conn.close()
    result = backcare("diary", "export", "--csv", "-", home=home)
    assert result.returncode == 0, result.stderr
    assert rows_of(result.stdout) == [HEADER]


def test_a_database_it_cannot_read_is_a_calm_error(backcare: Backcare, home: Path,
                                                   filled: list[int]) -> None:
    conn = sqlite3.connect(home / "backcare.sqlite3")
    conn.execute("PRAGMA user_version = 999")  # as if saved by a newer BackCare
    conn.close()
    result = backcare("diary", "export", "--csv", "-", home=home)
    assert result.returncode == 1
    assert result.stdout == b""
    assert b"newer version of BackCare" in result.stderr
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    ((), b"--csv"),
    (("--csv", "-", "--from", "2026-11-26", "--to", "2026-11-25"), b"is after --to"),
    (("--csv", "-", "--from", "25/11/2026"), b"YYYY-MM-DD"),
])
def test_usage_mistakes(backcare: Backcare, home: Path, args: tuple[str, ...],
                        message: bytes) -> None:
    result = backcare("diary", "export", *args, home=home)
    assert result.returncode == 2
    assert message in result.stderr
    assert not home.exists()


def test_a_file_it_cannot_write(backcare: Backcare, home: Path, filled: list[int],
                                tmp_path: Path) -> None:
    (tmp_path / "a file").write_text("not a folder")
    result = backcare("diary", "export", "--csv", str(tmp_path / "a file" / "x.csv"),
                      home=home)
    assert result.returncode == 1
    assert b"cannot write" in result.stderr
    assert b"Traceback" not in result.stderr


def test_the_export_loads_no_qt(home: Path, filled: list[int]) -> None:
    code = ("import sys\n"
            "from backcare_gui.cli_diary import add_diary_parser, run_diary\n"
            "from backcare_gui.store.diary import DiaryRecords\n"
            "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"
