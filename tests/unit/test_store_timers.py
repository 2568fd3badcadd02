"""Timer records and `backcare timers export`."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from backcare_gui.cli import main
from backcare_gui.store.db import Database
from backcare_gui.store.timers import TimerRecords
from tests.helpers.records import Clock


def test_record_and_read_back_by_day_and_kind(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    db = Database.open(tmp_path / "backcare.sqlite3", now=clock)
    timers = TimerRecords(db)
    timers.record("heat", "completed", 600, "15 min preset")
    clock.advance(hours=1)
    timers.record("movement_break", "postponed", 0, "postponed 1 of 2")
    timers.record("micro_break", "natural", 60)
    assert [e.kind for e in timers.events()] == ["heat", "movement_break", "micro_break"]
    assert [e.outcome for e in timers.heat_today(clock().astimezone().date())] == ["completed"]
    assert timers.events(date(2026, 3, 11), None) == []
    with pytest.raises(ValueError):
        timers.record("nap", "taken")  # type: ignore[arg-type]
    db.close()


def test_timers_export_csv_has_a_kind_column(data_home: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.open(data_home / "backcare.sqlite3")
    TimerRecords(db).record("heat", "cancelled", 300, 'stopped, "too warm"')
    TimerRecords(db).record("micro_break", "skipped")
    db.close()
    assert main(["timers", "export", "--csv", "-"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["id", "at", "kind", "outcome", "seconds", "detail"]
    assert [r[2:] for r in rows[1:]] == [["heat", "cancelled", "300", 'stopped, "too warm"'],
                                         ["micro_break", "skipped", "0", ""]]
    assert datetime.fromisoformat(rows[1][1]).utcoffset() is not None  # local, with offset
    out = data_home / "t.csv"
    assert main(["timers", "export", "--csv", str(out), "--from", "2000-01-01"]) == 0
    assert out.read_text(encoding="utf-8").startswith("id,at,kind")


def test_bad_date_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["timers", "export", "--csv", "-", "--from", "yesterday"])
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_timers_export_shares_the_export_rules(data_home: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Like the other exports: no records yet is just the header and creates nothing; --from
    after --to is a usage mistake."""
    assert main(["timers", "export", "--csv", "-"]) == 0
    assert capsys.readouterr().out.splitlines() == ["id,at,kind,outcome,seconds,detail"]
    assert not (data_home / "backcare.sqlite3").exists()
    assert main(["timers", "export", "--csv", "-", "--from", "2026-11-26",
                 "--to", "2026-11-25"]) == 2
    assert "is after --to" in capsys.readouterr().err
