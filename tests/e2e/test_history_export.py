"""`backcare history export` as a real process: the CSV (exact columns, quoting, local time
with its offset, --from/--to, '-' for stdout), the PDF report (pages rendered with pdftoppm,
text read back with pdftotext, heat sessions, desk breaks and the spasm diary included), no
display needed, and the errors."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from backcare_gui.store import export
from backcare_gui.store.db import Database
from backcare_gui.store.diary import DiaryRecords
from backcare_gui.store.records import SessionRecords
from backcare_gui.store.safety import SafetyRecords
from backcare_gui.store.timers import TimerRecords
from tests.conftest import ROOT
from tests.helpers.cli import CET, run_cli
from tests.helpers.history_data import SHA, record_sessions
from tests.helpers.prereq import require_commands
from tests.helpers.records import Clock, local_zone

pytestmark = pytest.mark.e2e

HEADER = ["id", "started_at", "routine_id", "routine_title", "status", "planned_seconds",
          "active_seconds", "pain_before", "pain_after", "locations", "note"]


def backcare(*args: str, home: Path) -> subprocess.CompletedProcess[bytes]:
    return run_cli(*args, home=home, tz=CET)


def rows_of(out: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(out.decode("utf-8"), newline="")))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def zone() -> Iterator[None]:
    with local_zone(CET):
        yield


def fill(home: Path, zone: None) -> list[int]:
    """Three sessions on 24, 25 and 26 November (local days in CET), one with a hard note."""
    clock = Clock(datetime(2026, 11, 24, 8, tzinfo=UTC))
    db = Database.open(home / "backcare.sqlite3", now=clock)
    records = SessionRecords(db)
    ids = []
    for day, (title, note, after) in enumerate((
            ("Morning mobility", "", 3),
            ("Desk break", 'stiff, "sharp" at first\nthen better', 4),
            ("Core basics", "", None))):
        clock.set(datetime(2026, 11, 24 + day, 16, 41, tzinfo=UTC))
        sid = records.start("desk-break", title, SHA, 120.0, 6, ["lower-back", "neck"], note)
        clock.advance(seconds=90)
        records.finish(sid, "completed" if after is not None else "abandoned", 88.5, after,
                       None)
        ids.append(sid)
    db.close()
    return ids


# --- CSV ------------------------------------------------------------------------------------

def test_csv_to_stdout(home: Path, zone: None) -> None:
    ids = fill(home, zone)
    result = backcare("history", "export", "--csv", "-", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"id,started_at,routine_id,routine_title,status,"
                                    b"planned_seconds,active_seconds,pain_before,pain_after,"
                                    b"locations,note\r\n")
    rows = rows_of(result.stdout)
    assert rows[0] == HEADER
    assert rows[1] == [str(ids[0]), "2026-11-24T17:41:00+01:00", "desk-break",
                       "Morning mobility", "completed", "120", "88.5", "6", "3",
                       "lower-back;neck", ""]
    assert rows[2][1] == "2026-11-25T17:41:00+01:00"
    assert rows[2][-1] == 'stiff, "sharp" at first\nthen better'
    assert b'"stiff, ""sharp"" at first\nthen better"' in result.stdout
    assert rows[3][4:9] == ["abandoned", "120", "88.5", "6", ""]
    assert b"3 session(s)" in result.stderr


def test_csv_file_from_and_to(home: Path, zone: None, tmp_path: Path) -> None:
    ids = fill(home, zone)
    target = tmp_path / "out.csv"
    result = backcare("history", "export", "--csv", str(target), "--from", "2026-11-25",
                      "--to", "2026-11-25", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    rows = rows_of(target.read_bytes())
    assert [r[0] for r in rows[1:]] == [str(ids[1])]
    only_from = backcare("history", "export", "--from", "2026-11-25", "--csv", "-", home=home)
    assert [r[0] for r in rows_of(only_from.stdout)[1:]] == [str(ids[1]), str(ids[2])]
    only_to = backcare("history", "export", "--csv", "-", "--to", "2026-11-24", home=home)
    assert [r[0] for r in rows_of(only_to.stdout)[1:]] == [str(ids[0])]


def test_global_options_may_come_first(home: Path, zone: None) -> None:
    fill(home, zone)
    result = subprocess.run([sys.executable, "-m", "backcare_gui", "--data-dir", str(home),
                             "history", "export", "--csv", "-"], cwd=ROOT, capture_output=True,
                            timeout=120, check=False, env={**os.environ, "TZ": CET})
    assert result.returncode == 0, result.stderr
    assert len(rows_of(result.stdout)) == 4


def test_no_records_yet_is_just_the_header(home: Path) -> None:
    result = backcare("history", "export", "--csv", "-", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (",".join(HEADER) + "\r\n").encode()
    assert not home.exists()  # an export creates nothing


def test_a_database_it_cannot_read_is_a_calm_error(home: Path, zone: None) -> None:
    fill(home, zone)
    conn = sqlite3.connect(home / "backcare.sqlite3")
    conn.execute("PRAGMA user_version = 999")  # as if saved by a newer BackCare
    conn.close()
    result = backcare("history", "export", "--csv", "-", home=home)
    assert result.returncode == 1
    assert result.stdout == b""
    assert b"newer version of BackCare" in result.stderr
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    ((), b"--csv FILE, --pdf FILE or both"),
    (("--csv", "-", "--from", "2026-11-26", "--to", "2026-11-25"), b"is after --to"),
    (("--csv", "-", "--pdf", "-"), b"only one of"),
])
def test_usage_mistakes(home: Path, args: tuple[str, ...], message: bytes) -> None:
    result = backcare("history", "export", *args, home=home)
    assert result.returncode == 2
    assert message in result.stderr


def test_a_bad_date_is_refused_by_the_parser(home: Path) -> None:
    result = backcare("history", "export", "--csv", "-", "--from", "25/11/2026", home=home)
    assert result.returncode == 2
    assert b"YYYY-MM-DD" in result.stderr


def test_a_file_it_cannot_write(home: Path, zone: None, tmp_path: Path) -> None:
    fill(home, zone)
    (tmp_path / "a file").write_text("not a folder")
    result = backcare("history", "export", "--csv", str(tmp_path / "a file" / "x.csv"),
                      home=home)
    assert result.returncode == 1
    assert b"cannot write" in result.stderr
    assert b"Traceback" not in result.stderr


# --- PDF ------------------------------------------------------------------------------------

def _gray_pages(pdf: Path, out: Path) -> list[bytes]:
    """Each page as 8-bit grey pixels (pdftoppm's PGM), small."""
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(out / "page")], check=True,
                   timeout=120)
    pages = []
    for file in sorted(out.glob("page-*.pgm")):
        data = file.read_bytes()
        # P5 <width> <height> <maxval> then the pixels
        header = data.split(maxsplit=4)
        assert header[0] == b"P5"
        pages.append(header[4][1:] if header[4][:1].isspace() else header[4])
    return pages


def _text(pdf: Path, *pages: int) -> str:
    args = ["pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True, text=True,
                          timeout=120).stdout


@pytest.fixture
def sixty(home: Path) -> Iterator[Database]:
    """60 sessions up to an hour ago, some that hurt, and two red-flag screenings."""
    clock = Clock(datetime.now(UTC))
    db = Database.open(home / "backcare.sqlite3", now=clock)
    record_sessions(db, clock, 60, end=datetime.now(UTC) - timedelta(hours=1), seed=21,
                    hurt_every=11)
    safety = SafetyRecords(db)
    clock.set(datetime.now(UTC) - timedelta(days=3))
    safety.record_red_flags({"below-knee": True, "fever": False, "bladder": False}, "screen",
                            True)
    clock.set(datetime.now(UTC) - timedelta(days=2))
    safety.record_red_flags({"below-knee": False, "fever": False, "bladder": False}, "screen",
                            False)
    yield db
    db.close()


def test_pdf_report_of_sixty_sessions(home: Path, sixty: Database, tmp_path: Path) -> None:
    require_commands("pdftoppm", "pdftotext")
    target = tmp_path / "report.pdf"
    result = backcare("history", "export", "--pdf", str(target), home=home)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(b"%PDF")

    pages = _gray_pages(target, tmp_path)
    assert len(pages) >= 2
    for pixels in pages:  # each page has real ink on it, not a blank sheet
        dark = sum(1 for value in pixels if value < 160)
        assert dark > len(pixels) * 0.01

    text = _text(target)
    with local_zone(CET):
        report = export.build_report(SessionRecords(sixty), SafetyRecords(sixty),
                                     today=date.today())
    assert "BackCare report" in text
    assert "Morning mobility" in text and "Core basics" in text
    assert "Mean pain before (0-10)" in text
    assert export.mean_text(report.mean_before) in text
    assert export.mean_text(report.mean_after) in text
    assert export.signed_text(report.mean_change) in text
    assert "Knee to chest" in text and "Skipped the exercise" in text
    assert "Pain spreading below the knee" in text
    assert "Made by BackCare. This report informs; it does not diagnose." in text
    assert f"Page 1 of {len(pages)}" in text
    # The sessions table runs onto the next page with its header row again.
    second = _text(target, 2)
    assert "Routine" in second and "Status" in second and "Change" in second


def test_pdf_to_stdout_and_limited_dates(home: Path, sixty: Database,
                                         tmp_path: Path) -> None:
    require_commands("pdftotext")
    day = date.today() - timedelta(days=5)
    result = backcare("history", "export", "--pdf", "-", "--from", day.isoformat(),
                      "--to", day.isoformat(), home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"%PDF")
    target = tmp_path / "one-day.pdf"
    target.write_bytes(result.stdout)
    text = _text(target)
    assert f"{export.day_text(day)} to {export.day_text(day)}" in text


def test_pdf_report_has_heat_and_breaks(home: Path, sixty: Database, tmp_path: Path) -> None:
    require_commands("pdftotext")
    timers = TimerRecords(sixty)
    now = datetime.now(UTC)
    timers.record("heat", "completed", 900, "15 min", at=now - timedelta(days=2, hours=3))
    timers.record("micro_break", "taken", 60, at=now - timedelta(days=2, hours=2))
    timers.record("micro_break", "natural", 60, at=now - timedelta(days=2, hours=1))
    timers.record("movement_break", "skipped", at=now - timedelta(hours=5))
    timers.record("movement_break", "postponed", at=now - timedelta(hours=4))
    timers.record("heat", "cancelled", 370, "stopped early", at=now - timedelta(hours=3))
    timers.record("heat", "completed", 1200, "20 min", at=now - timedelta(days=40))

    target = tmp_path / "report.pdf"
    result = backcare("history", "export", "--pdf", str(target), home=home)
    assert result.returncode == 0, result.stderr
    text = _text(target)
    assert "Heat and breaks" in text
    assert "3 sessions, 41 min (1 stopped early)" in text
    assert "2 taken (1 natural), 1 skipped, 1 postponed" in text
    for words in ("Stand-up break", "Movement break", "Natural (away from the desk)",
                  "Postponed", "Stopped early"):
        assert words in text, words
    with local_zone(CET):
        started = export.local_short(now - timedelta(days=2, hours=3))
    assert started in text  # the first heat session's row, in local time

    # The days asked for: only the last 30, so not the heat session 40 days ago.
    recent = tmp_path / "recent.pdf"
    since = (date.today() - timedelta(days=29)).isoformat()
    result = backcare("history", "export", "--pdf", str(recent), "--from", since, home=home)
    assert result.returncode == 0, result.stderr
    assert "2 sessions, 21 min (1 stopped early)" in _text(recent)


def test_a_report_without_heat_breaks_or_spasms_says_so(home: Path, sixty: Database,
                                                        tmp_path: Path) -> None:
    require_commands("pdftotext")
    target = tmp_path / "report.pdf"
    result = backcare("history", "export", "--pdf", str(target), home=home)
    assert result.returncode == 0, result.stderr
    text = " ".join(_text(target).split())
    assert "Heat and breaks" in text
    assert "No heat sessions or desk breaks were recorded in this period." in text
    assert "No spasm episodes were logged in this period." in text


def _log_spasms(db: Database, count: int) -> list[int]:
    """`count` episodes, one every other day up to three days ago (the sixty's clock stands
    two days back; the newest is still going), each with where, triggers, what helped and a
    note."""
    diary = DiaryRecords(db)
    now = datetime.now(UTC).replace(microsecond=0)
    ids = []
    for n in range(count):
        start = now - timedelta(days=2 * (count - n) + 1, hours=n % 5)
        going = n == count - 1
        ids.append(diary.log(
            3 + n % 8, started_at=start, ended_at=None if going else start + timedelta(
                minutes=15 + 20 * (n % 4)),
            locations=["lower-back"] + (["left-leg"] if n % 3 == 0 else []),
            triggers=["prolonged-sitting"] + (["other"] if n % 4 == 1 else []),
            trigger_other="carrying the toddler" if n % 4 == 1 else "",
            helped=["heat", "routine"], helped_routine="spasm-relief",
            note=f"episode {n}: eased slowly"))
    return ids


def test_pdf_report_has_the_spasm_diary(home: Path, sixty: Database, tmp_path: Path) -> None:
    require_commands("pdftoppm", "pdftotext")
    _log_spasms(sixty, 3)
    target = tmp_path / "report.pdf"
    result = backcare("history", "export", "--pdf", str(target), home=home)
    assert result.returncode == 0, result.stderr
    layout = _text(target)
    text = " ".join(subprocess.run(["pdftotext", str(target), "-"], check=True,
                                   capture_output=True, text=True, timeout=120).stdout.split())
    with local_zone(CET):
        report = export.build_report(SessionRecords(sixty), SafetyRecords(sixty),
                                     today=date.today(), diary=DiaryRecords(sixty))
    episodes = report.diary.episodes
    assert len(episodes) == 3 and len(report.chart.episodes) == 3
    assert "Spasm diary" in layout
    assert "Episodes 3 (1 still going)" in text
    assert f"Median severity (0-10) {report.diary.median_severity:g}" in text
    assert "Most frequent triggers Prolonged sitting (3), Other (1)" in text
    for episode in episodes:  # started, length, severity, in this order
        with local_zone(CET):
            started = export.local_short(episode.started_at)
        assert f"{started} {export.episode_length(episode)} {episode.severity}" in text
    assert "still going" in text
    assert "Other: carrying the toddler" in text and "episode 1: eased slowly" in text
    assert "Routine: spasm-relief" in " ".join(text.replace("spasm- relief", "spasm-relief")
                                               .split())
    assert text.index("Spasm diary") < text.index("All sessions")
    # The chart (a picture) marks them in amber, which nothing else on the first page is:
    # the last two days have sessions on the chart but no episode (nor its legend entry).
    without = tmp_path / "without.pdf"
    assert backcare("history", "export", "--pdf", str(without), "--from",
                    (date.today() - timedelta(days=1)).isoformat(), home=home).returncode == 0
    assert "No spasm episodes were logged" in _text(without)
    assert _amber_pixels(target) > 20
    assert _amber_pixels(without) == 0


def _amber_pixels(pdf: Path) -> int:
    """Pixels of the first page near the spasm markers' amber (theme.LIGHT.warning)."""
    out = subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "1", str(pdf)],
                         check=True, capture_output=True, timeout=120).stdout
    magic, width, height, _maxval, pixels = out.split(maxsplit=4)
    assert magic == b"P6"
    pixels = pixels[1:] if pixels[:1].isspace() else pixels
    assert len(pixels) == int(width) * int(height) * 3
    # Amber is red over green over blue, well apart; greys, teal and black are not.
    return sum(1 for n in range(0, len(pixels), 3)
               if pixels[n] - pixels[n + 1] > 30 and pixels[n + 1] - pixels[n + 2] > 50)


def test_a_long_spasm_diary_runs_onto_the_next_page_with_its_header(
        home: Path, sixty: Database, tmp_path: Path) -> None:
    require_commands("pdftotext")
    _log_spasms(sixty, 45)
    target = tmp_path / "report.pdf"
    result = backcare("history", "export", "--pdf", str(target), home=home)
    assert result.returncode == 0, result.stderr
    pages = [_text(target, n) for n in range(1, 4)]
    assert "Spasm diary" in pages[0]
    for page in pages[1:]:  # the episodes go on, each page headed again
        assert "episode" in page and "Started" in page and "What" in page
    assert "All sessions" not in pages[1]
    assert "Episodes 45 (1 still going)" in " ".join(pages[0].split())


def test_pdf_and_csv_in_one_go(home: Path, sixty: Database, tmp_path: Path) -> None:
    result = backcare("history", "export", "--pdf", str(tmp_path / "r.pdf"), "--csv",
                      str(tmp_path / "r.csv"), home=home)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert len(rows_of((tmp_path / "r.csv").read_bytes())) == 61


def test_csv_alone_never_starts_qt(home: Path, zone: None) -> None:
    fill(home, zone)
    code = ("import sys\nfrom backcare_gui.cli import main\nrc = main(sys.argv[1:])\n"
            "print([m for m in sys.modules if m.startswith('PySide6')], file=sys.stderr)\n"
            "sys.exit(rc)\n")
    result = subprocess.run([sys.executable, "-c", code, "history", "export", "--csv", "-",
                             "--data-dir", str(home)], cwd=ROOT, capture_output=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().endswith(b"[]")
