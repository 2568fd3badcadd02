"""The database file: creation, migrations, damaged and read-only files, a full disk, crash
recovery, backups, restore, deleting everything. Real SQLite files in tmp_path throughout."""

from __future__ import annotations

import ast
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backcare_gui.store import (
    MIGRATIONS,
    Database,
    HistoryFilter,
    SafetyRecords,
    SessionRecords,
    StoreError,
)
from backcare_gui.store import process as owner
from backcare_gui.store.db import as_store_error, local_date
from backcare_gui.store.migrations import migrate, version
from tests.conftest import ROOT
from tests.helpers.records import (
    CHILD_SESSION,
    SHA,
    Clock,
    insert_session,
    pid_never_used,
    session_values,
)

NAME = "backcare.sqlite3"
STORE = ROOT / "backcare_gui" / "store"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / NAME


def start(records: SessionRecords, note: str = "") -> int:
    return records.start("desk-break", "Desk break", SHA, 120.0, 3, ["neck"], note)


def scalar(db: Database, sql: str, params: tuple[Any, ...] = ()) -> Any:
    with db.reading() as conn:
        return conn.execute(sql, params).fetchone()[0]


# --- the store stays Qt-free ----------------------------------------------------------------

def test_store_imports_no_qt() -> None:
    offenders = []
    for module in STORE.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{module.name}: {n}" for n in names
                          if n.split(".")[0] in ("PySide6", "shiboken6", "PyQt6", "PyQt5")]
    assert offenders == []
    code = ("import sys, backcare_gui.store, backcare_gui.store.process\n"
            "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"


# --- creation -------------------------------------------------------------------------------

@pytest.mark.parametrize("umask", [0o000, 0o022, 0o277])
def test_a_new_file_is_private_in_wal_mode_at_the_latest_version(path: Path, umask: int) -> None:
    old = os.umask(umask)  # 0o000 would give 0666 files, 0o277 0400 ones, without a chmod
    try:
        db = Database.open(path)
        SessionRecords(db).start("r", "R", SHA, 1.0, None, [], "")
    finally:
        os.umask(old)
    assert path.parent.is_dir()
    for file in (path, path.with_name(NAME + "-wal"), path.with_name(NAME + "-shm")):
        assert file.exists(), file
        assert file.stat().st_mode & 0o777 == 0o600, file
    assert scalar(db, "PRAGMA journal_mode") == "wal"
    assert scalar(db, "PRAGMA user_version") == len(MIGRATIONS) >= 1
    assert scalar(db, "PRAGMA foreign_keys") == 1
    assert scalar(db, "PRAGMA synchronous") == 2  # FULL
    assert scalar(db, "PRAGMA busy_timeout") >= 1000
    assert db.recovered_from is None and db.backup_problem is None
    db.close()
    assert db.closed


def test_reopening_keeps_data_and_tightens_modes_only(path: Path) -> None:
    db = Database.open(path)
    session = start(SessionRecords(db), "kept")
    db.close()
    path.chmod(0o644)  # say, copied with a loose mode: group and others lose access
    db = Database.open(path)
    assert path.stat().st_mode & 0o777 == 0o600
    row = SessionRecords(db).get(session)
    assert row is not None and row.note == "kept"
    db.close()


# --- migrations -----------------------------------------------------------------------------

# Rows written with version N's schema (N >= 1), checked after upgrading to the latest. Whoever
# adds MIGRATIONS[N] adds SEEDS[N + 1] (test_every_version_has_a_seed says so).
SEEDS: dict[int, list[tuple[str, dict[str, Any]]]] = {
    1: [
        ("sessions", {"id": 7, **session_values(note="kept through upgrades",
                                                 locations="neck;left-leg", status="partial")}),
        ("hurt_events", {"id": 3, "session_id": 7, "at": "2026-03-10T12:01:00.000000+00:00",
                         "exercise_id": "cat-cow", "exercise_name": "Cat-cow",
                         "action": "skip"}),
        ("red_flag_answers", {"id": 2, "answered_at": "2026-03-10T11:00:00.000000+00:00",
                              "source": "screen", "answers": '{"numbness": false}',
                              "any_yes": 0, "clinician_checked": 0}),
        ("notices", {"key": "gp-two-weeks", "shown_at": "2026-03-10T11:00:00.000000+00:00"}),
    ],
    2: [
        ("sessions", {"id": 8, **session_values(note="made at version 2", status="completed")}),
        ("timer_events", {"id": 5, "at": "2026-03-10T13:00:00.000000+00:00",
                          "kind": "movement_break", "outcome": "postponed", "seconds": 0.0,
                          "detail": "postponed 1 of 2"}),
    ],
    3: [
        ("sessions", {"id": 9, **session_values(note="made at version 3", status="partial")}),
        ("timer_events", {"id": 6, "at": "2026-03-10T14:00:00.000000+00:00", "kind": "heat",
                          "outcome": "completed", "seconds": 900.0, "detail": ""}),
        ("diary_episodes", {"id": 4, "started_at": "2026-03-10T07:30:00.000000+00:00",
                            "ended_at": "2026-03-10T08:30:00.000000+00:00", "severity": 7,
                            "locations": "lower-back;left-leg",
                            "triggers": "heavy-lifting;other", "trigger_other": "the bins",
                            "helped": "heat;routine", "helped_routine": "spasm-relief",
                            "note": "kept through upgrades", "red_flags": '{"fever": false}',
                            "created_at": "2026-03-10T09:00:00.000000+00:00",
                            "updated_at": "2026-03-10T09:00:00.000000+00:00"}),
        ("diary_episodes", {"id": 5, "started_at": "2026-03-10T15:00:00.000000+00:00",
                            "ended_at": None, "severity": 4, "locations": "", "triggers": "",
                            "trigger_other": "", "helped": "", "helped_routine": None,
                            "note": "", "red_flags": "{}",
                            "created_at": "2026-03-10T15:05:00.000000+00:00",
                            "updated_at": "2026-03-10T15:05:00.000000+00:00"}),
    ],
}


def _seed(conn: sqlite3.Connection, at_version: int) -> None:
    for table, values in SEEDS.get(at_version, []):
        conn.execute(f"INSERT INTO {table} ({', '.join(values)})"
                     f" VALUES ({', '.join('?' * len(values))})", tuple(values.values()))


def _assert_seeded(conn: sqlite3.Connection, at_version: int) -> None:
    for table, values in SEEDS.get(at_version, []):
        key = "key" if table == "notices" else "id"
        row = conn.execute(f"SELECT {', '.join(values)} FROM {table} WHERE {key} = ?",
                           (values[key],)).fetchone()
        assert row == tuple(values.values()), table


def _file_at(path: Path, at_version: int, migrations: tuple[str, ...] = MIGRATIONS) -> None:
    """A file made by applying only the first `at_version` migrations, with that version's
    seed rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")  # an empty file is a database at version 0
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, migrations[:at_version])
    conn.execute("PRAGMA foreign_keys = ON")
    _seed(conn, at_version)
    conn.close()


def test_every_version_has_a_seed() -> None:
    assert set(SEEDS) == set(range(1, len(MIGRATIONS) + 1))


@pytest.mark.parametrize("at_version", range(len(MIGRATIONS)))
def test_opening_upgrades_a_file_from_every_earlier_version(path: Path, at_version: int) -> None:
    _file_at(path, at_version)
    db = Database.open(path)
    with db.reading() as conn:
        assert version(conn) == len(MIGRATIONS)
        _assert_seeded(conn, at_version)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema")}
    assert {"sessions", "hurt_events", "red_flag_answers", "notices"} <= tables
    assert scalar(db, "PRAGMA journal_mode") == "wal"
    db.close()


LATER = ("ALTER TABLE sessions ADD COLUMN mood TEXT NOT NULL DEFAULT 'calm';\n"
         "CREATE TABLE reminders (id INTEGER PRIMARY KEY, at TEXT NOT NULL);")


def test_adding_a_migration_upgrades_the_latest_file_with_its_data(tmp_path: Path) -> None:
    """The mechanism a later feature relies on: one more string at the end of MIGRATIONS."""
    path = tmp_path / NAME
    _file_at(path, len(MIGRATIONS))
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, (*MIGRATIONS, LATER)) == len(MIGRATIONS)
    assert version(conn) == len(MIGRATIONS) + 1
    _assert_seeded(conn, len(MIGRATIONS))
    assert conn.execute("SELECT mood FROM sessions").fetchall() == [("calm",)]
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    conn.close()


def test_a_failing_migration_leaves_the_file_at_its_old_version(tmp_path: Path) -> None:
    path = tmp_path / NAME
    _file_at(path, len(MIGRATIONS))
    broken = "CREATE TABLE half (a);\nINSERT INTO no_such_table VALUES (1);"
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, (*MIGRATIONS, broken))
    assert version(conn) == len(MIGRATIONS)
    assert conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'half'").fetchone() is None
    _assert_seeded(conn, len(MIGRATIONS))
    conn.close()


def test_a_file_from_a_newer_backcare_is_refused_and_left_alone(path: Path) -> None:
    _file_at(path, len(MIGRATIONS))
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Database.open(path)
    assert caught.value.kind == "other" and "newer version" in caught.value.message
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if ".corrupt-" in p.name] == []


# --- damaged files --------------------------------------------------------------------------

def _header_with_garbage(path: Path) -> None:
    """A real database (with data), its first 100 bytes (the header) kept, the rest noise."""
    db = Database.open(path)
    records = SessionRecords(db)
    for n in range(50):
        start(records, "x" * 2000 + str(n))
    db.close()
    data = path.read_bytes()
    assert data.startswith(b"SQLite format 3\0") and len(data) > 40_000
    path.write_bytes(data[:100] + os.urandom(len(data) - 100))


def _random_bytes(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(20_000))


@pytest.mark.parametrize(("damage", "wal"), [(_random_bytes, b"old wal"),
                                             (_header_with_garbage, None)])
def test_a_damaged_file_is_set_aside_and_a_fresh_one_works(
        path: Path, damage: Callable[[Path], None], wal: bytes | None) -> None:
    damage(path)
    if wal is not None:  # (a -wal without a valid header SQLite itself removes on closing)
        path.with_name(NAME + "-wal").write_bytes(wal)
    damaged = path.read_bytes()
    clock = Clock(datetime(2026, 3, 10, 12, 34, 56, tzinfo=UTC))
    db = Database.open(path, now=clock)
    stamp = clock().astimezone().strftime("%Y%m%d-%H%M%S")
    assert db.recovered_from == path.with_name(f"{NAME}.corrupt-{stamp}")
    assert db.recovered_from.read_bytes() == damaged  # kept, byte for byte
    if wal is not None:
        assert path.with_name(f"{NAME}.corrupt-{stamp}-wal").read_bytes() == wal
    records = SessionRecords(db)
    assert records.count(HistoryFilter()) == 0
    session = start(records, "fresh")
    assert records.get(session) is not None
    assert scalar(db, "PRAGMA user_version") == len(MIGRATIONS)
    assert path.stat().st_mode & 0o777 == 0o600
    db.close()


def test_two_damaged_files_in_the_same_second_both_stay(path: Path) -> None:
    clock = Clock()
    _random_bytes(path)
    first = Database.open(path, now=clock)
    first.close()
    _random_bytes(path)
    second = Database.open(path, now=clock)
    assert first.recovered_from is not None and second.recovered_from is not None
    assert second.recovered_from.name == first.recovered_from.name + "-2"
    assert first.recovered_from.exists() and second.recovered_from.exists()
    second.close()


def test_a_database_that_is_not_backcares_is_set_aside(path: Path) -> None:
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    db = Database.open(path)
    assert db.recovered_from is not None and db.recovered_from.exists()
    assert scalar(db, "SELECT count(*) FROM sessions") == 0
    db.close()


# --- read-only folder or file ---------------------------------------------------------------

NOBODY = 65534


def _unprivileged(action: Callable[[], str]) -> str:
    """Run `action` without root's power to ignore file modes: as root, in a forked child that
    became the 'nobody' user; otherwise here."""
    if os.geteuid() != 0:
        return action()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result = action()
        except BaseException as exc:
            result = f"raised {type(exc).__name__}: {exc}"
        os.write(write, result.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, encoding="utf-8") as pipe:
        result = pipe.read()
    os.waitpid(child, 0)
    return result


def _open_kind(path: Path) -> Callable[[], str]:
    def action() -> str:
        try:
            Database.open(path).close()
        except StoreError as exc:
            return f"{exc.kind}|{exc.message}"
        return "opened"
    return action


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder the nobody user can reach (pytest's own tmp folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="backcare-store-"))
    folder.chmod(0o755)
    yield folder
    for sub in folder.rglob("*"):
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(folder)


def _give_to_unprivileged(*paths: Path) -> None:
    if os.geteuid() == 0:
        for p in paths:
            os.chown(p, NOBODY, NOBODY)


def test_a_read_only_folder_without_a_database(shared: Path) -> None:
    folder = shared / "data"
    folder.mkdir()
    folder.chmod(0o555)
    kind, _, message = _unprivileged(_open_kind(folder / NAME)).partition("|")
    assert kind == "read_only", message
    assert str(folder) in message and "lost" in message
    assert list(folder.iterdir()) == []


def test_a_read_only_folder_with_a_database(shared: Path) -> None:
    folder = shared / "data"
    db = Database.open(folder / NAME)
    start(SessionRecords(db))
    db.close()
    _give_to_unprivileged(folder / NAME)
    folder.chmod(0o555)  # the file is writable; its -wal and -shm cannot be made
    kind, _, message = _unprivileged(_open_kind(folder / NAME)).partition("|")
    assert kind == "read_only", message
    assert not [p for p in folder.iterdir() if ".corrupt-" in p.name]


def test_a_read_only_database_file_is_reported_not_set_aside(shared: Path) -> None:
    folder = shared / "data"
    db = Database.open(folder / NAME)
    start(SessionRecords(db))
    db.close()
    shutil.rmtree(folder / "backups")
    _give_to_unprivileged(folder, folder / NAME)
    (folder / NAME).chmod(0o400)
    kind, _, message = _unprivileged(_open_kind(folder / NAME)).partition("|")
    assert kind == "read_only", message
    assert not [p for p in folder.iterdir() if ".corrupt-" in p.name]
    assert (folder / NAME).stat().st_mode & 0o777 == 0o400  # the person's choice, kept


def test_sqlites_readonly_error_maps_to_read_only(path: Path) -> None:
    Database.open(path).close()
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as raw:
        conn.execute("INSERT INTO notices (key, shown_at) VALUES ('a', 'b')")
    conn.close()
    assert "readonly" in str(raw.value)
    error = as_store_error(raw.value, path)
    assert error.kind == "read_only" and str(path.parent) in error.message


def test_a_write_refused_by_sqlite_comes_out_as_read_only(path: Path) -> None:
    db = Database.open(path)
    records = SessionRecords(db)
    kept = start(records, "before")
    with db.reading() as conn:
        conn.execute("PRAGMA query_only = ON")  # SQLite now refuses writes as read-only
    with pytest.raises(StoreError) as caught:
        start(records, "refused")
    assert caught.value.kind == "read_only"
    with pytest.raises(StoreError):
        records.edit(kept, note="changed")
    assert records.count(HistoryFilter()) == 1
    row = records.get(kept)
    assert row is not None and row.note == "before"
    db.close()


# --- a full disk ----------------------------------------------------------------------------

def test_a_full_disk_gives_full_and_the_records_stay_readable(path: Path) -> None:
    db = Database.open(path)
    records = SessionRecords(db)
    first = start(records, "first")
    pages = scalar(db, "PRAGMA page_count")
    with db.reading() as conn:  # the database may not grow past a few more pages
        conn.execute(f"PRAGMA max_page_count = {pages + 3}")
    written = 0
    with pytest.raises(StoreError) as caught:
        for _ in range(100):
            start(records, "y" * 3000)
            written += 1
    assert caught.value.kind == "full"
    assert "full" in caught.value.message and "safe" in caught.value.message
    assert records.count(HistoryFilter()) == 1 + written  # the failed one left nothing
    with pytest.raises(StoreError) as again:
        records.edit(first, note="z" * 50_000)
    assert again.value.kind == "full"
    row = records.get(first)
    assert row is not None and row.note == "first"
    db.close()
    reopened = Database.open(path)
    assert scalar(reopened, "PRAGMA integrity_check") == "ok"
    assert SessionRecords(reopened).count(HistoryFilter()) == 1 + written
    reopened.close()


def test_os_errors_map_to_kinds(tmp_path: Path) -> None:
    def kind(err: int) -> str:
        return as_store_error(OSError(err, os.strerror(err)), tmp_path / NAME).kind
    import errno
    assert kind(errno.ENOSPC) == "full"
    assert kind(errno.EROFS) == "read_only" and kind(errno.EACCES) == "read_only"
    assert kind(errno.EIO) == "other"


# --- sessions left running by a crash -------------------------------------------------------

def _status(db: Database, session: int) -> str:
    return str(scalar(db, "SELECT status FROM sessions WHERE id = ?", (session,)))


def test_a_live_session_is_never_marked(path: Path) -> None:
    db = Database.open(path)
    records = SessionRecords(db)
    session = start(records)
    other = Database.open(path)  # a second window of this same, living process
    assert _status(other, session) == "running"
    other.close()
    assert db.mark_interrupted() == []
    records.exercise_done(session, 1, "a", 10.0)
    db.close()


def _child(path: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD_SESSION, str(path), mode], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)


def test_a_session_of_a_process_that_exited_is_marked_interrupted(path: Path) -> None:
    child = _child(path, "exit")
    out, _ = child.communicate(timeout=60)
    session = int(out)
    db = Database.open(path)
    row = SessionRecords(db).get(session)
    assert row is not None and row.status == "interrupted"
    assert row.ended_at == row.updated_at
    assert (row.exercises_done, row.last_exercise_id, row.active_seconds) == (2, "cat-cow", 61.5)
    assert (row.pain_before, row.note) == (6, "stiff after the drive")
    assert row.owner_pid == child.pid
    db.close()


def test_a_session_of_another_living_process_is_left_alone(path: Path) -> None:
    child = _child(path, "wait")
    try:
        assert child.stdout is not None
        session = int(child.stdout.readline())
        db = Database.open(path)
        assert _status(db, session) == "running"
        assert db.mark_interrupted() == []
    finally:
        child.kill()
        child.wait()
    assert db.mark_interrupted() == [session]
    assert _status(db, session) == "interrupted"
    db.close()


def test_rows_of_pids_that_never_existed_or_were_reused_are_marked(path: Path) -> None:
    db = Database.open(path)
    _, mine = owner.current_owner()
    never = insert_session(db, status="running", owner_pid=pid_never_used(),
                           owner_started=mine, ended_at=None)
    reused = insert_session(db, status="running", owner_pid=os.getpid(),
                            owner_started=mine.rsplit(":", 1)[0] + ":1", ended_at=None)
    nobody = insert_session(db, status="running", owner_pid=None, ended_at=None)
    done = insert_session(db, status="completed", owner_pid=pid_never_used())
    db.close()
    db = Database.open(path)
    assert [_status(db, s) for s in (never, reused, nobody, done)] == \
        ["interrupted", "interrupted", "interrupted", "completed"]
    db.close()


def test_marking_is_one_transaction(path: Path) -> None:
    db = Database.open(path)
    dead = [insert_session(db, status="running", owner_pid=pid_never_used(), ended_at=None)
            for _ in range(3)]
    with db.reading() as conn:  # the last update fails: the first two must not stay done
        conn.execute(f"CREATE TEMP TRIGGER refuse BEFORE UPDATE ON main.sessions"
                     f" WHEN NEW.id = {dead[-1]} BEGIN SELECT RAISE(ABORT, 'refused'); END")
    with pytest.raises(StoreError):
        db.mark_interrupted()
    assert [_status(db, s) for s in dead] == ["running"] * 3
    with db.reading() as conn:
        conn.execute("DROP TRIGGER refuse")
    assert db.mark_interrupted() == dead
    db.close()


def test_owner_of_this_process() -> None:
    pid, started = owner.current_owner()
    assert pid == os.getpid()
    ticks = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    assert started.startswith("linux:") and started.endswith(":" + ticks)
    assert owner.owner_alive(pid, started)
    assert not owner.owner_alive(pid, started + "0")
    assert not owner.owner_alive(pid_never_used(), started)
    assert not owner.owner_alive(None, started)
    assert not owner.owner_alive(0, "posix:") and not owner.owner_alive(-1, "posix:")
    assert owner.owner_alive(pid, "posix:")  # written where start times are unknown: the pid


def test_an_exited_but_unreaped_child_is_not_alive() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import os; print(os.getpid(), flush=True)"],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    pid = int(child.stdout.readline())
    stat = Path(f"/proc/{pid}/stat")
    for _ in range(500):  # until it is a zombie (exited, not yet waited for)
        if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
            break
        subprocess.run(["sleep", "0.01"], check=True)
    started = f"linux:{Path('/proc/sys/kernel/random/boot_id').read_text().strip()}:" + \
        stat.read_text().rsplit(")", 1)[1].split()[19]
    assert not owner.owner_alive(pid, started)
    child.wait()
    child.stdout.close()


# --- backups --------------------------------------------------------------------------------

def test_one_backup_a_day_and_seven_kept(path: Path) -> None:
    clock = Clock(datetime(2026, 3, 1, 12, tzinfo=UTC))
    days = []
    for n in range(10):
        db = Database.open(path, now=clock)
        start(SessionRecords(db), f"day {n}")
        assert db.backup_if_due() is None  # today's is there already
        db.close()
        again = Database.open(path, now=clock)  # a second start on the same day: no new one
        again.close()
        days.append(local_date(clock()))
        clock.advance(days=1)
    backups = Database.open(path, now=Clock(clock() - timedelta(days=1)))
    listed = backups.list_backups()
    assert [p.name for p in listed] == [f"backcare-{d.isoformat()}.sqlite3"
                                        for d in reversed(days[-7:])]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in listed)
    assert backups.backups_dir.stat().st_mode & 0o777 == 0o700
    assert not [p for p in backups.backups_dir.iterdir() if p.name.endswith(".tmp")]
    # Each holds the data of the moment it was taken: the first session of that day's open
    # came after the backup, so the backup of day N holds the notes of days 0..N-1.
    conn = sqlite3.connect(f"{listed[0].as_uri()}?mode=ro", uri=True)
    assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 9
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    conn.close()
    backups.close()


def test_a_backup_that_cannot_be_written_does_not_stop_the_app(path: Path) -> None:
    path.parent.mkdir(parents=True)
    (path.parent / "backups").write_text("a file where the folder should be")
    db = Database.open(path)
    assert db.backup_problem is not None and db.backup_problem.kind == "other"
    start(SessionRecords(db))
    db.close()


def _db_with_backup(path: Path) -> tuple[Database, Path, int]:
    """A database whose newest backup holds one session ('in the backup')."""
    clock = Clock()
    db = Database.open(path, now=clock)
    kept = start(SessionRecords(db), "in the backup")
    db.close()
    clock.advance(days=1)
    db = Database.open(path, now=clock)
    return db, db.list_backups()[0], kept


def test_restore_replaces_the_data(path: Path) -> None:
    db, backup, kept = _db_with_backup(path)
    records = SessionRecords(db)
    later = start(records, "after the backup")
    SafetyRecords(db).mark_notice("after")
    db.restore(backup)
    assert [r.id for r in records.page(HistoryFilter())] == [kept]
    assert records.get(later) is None
    assert not SafetyRecords(db).notice_shown("after")
    assert scalar(db, "PRAGMA journal_mode") == "wal"
    assert scalar(db, "PRAGMA foreign_keys") == 1
    assert scalar(db, "PRAGMA integrity_check") == "ok"
    start(records, "writes go on")
    db.close()
    reopened = Database.open(path)
    assert SessionRecords(reopened).count(HistoryFilter()) == 2
    reopened.close()


def test_restore_marks_sessions_running_in_the_backup_as_interrupted(path: Path) -> None:
    clock = Clock()
    db = Database.open(path, now=clock)
    ghost = insert_session(db, status="running", owner_pid=pid_never_used(), ended_at=None)
    backup = db.backups_dir / "backcare-2026-01-01.sqlite3"
    with db.reading() as conn:
        conn.execute("UPDATE sessions SET status = 'running'")  # as it was in a crash
        dest = sqlite3.connect(backup)
        conn.backup(dest)
        dest.close()
    db.restore(backup)
    assert _status(db, ghost) == "interrupted"
    db.close()


def _random_backup(backup: Path) -> None:
    backup.write_bytes(os.urandom(8192))


def _garbage_backup(backup: Path) -> None:
    data = backup.read_bytes()
    backup.write_bytes(data[:100] + os.urandom(len(data) - 100))


def _empty_database(backup: Path) -> None:
    backup.unlink()
    sqlite3.connect(backup).close()


def _newer_backup(backup: Path) -> None:
    conn = sqlite3.connect(backup)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()


@pytest.mark.parametrize("spoil", [_random_backup, _garbage_backup, _empty_database,
                                   _newer_backup])
def test_a_bad_backup_is_refused_and_changes_nothing(
        path: Path, spoil: Callable[[Path], None]) -> None:
    db, backup, kept = _db_with_backup(path)
    records = SessionRecords(db)
    later = start(records, "after the backup")
    spoil(backup)
    with pytest.raises(StoreError) as caught:
        db.restore(backup)
    assert caught.value.kind == "corrupt"
    assert str(backup) in caught.value.message and "not been changed" in caught.value.message
    assert [r.id for r in records.page(HistoryFilter())] == [later, kept]
    db.close()


def test_restore_of_a_missing_file_is_refused(path: Path) -> None:
    db = Database.open(path)
    with pytest.raises(StoreError):
        db.restore(path.parent / "backups" / "nothing-here.sqlite3")
    db.close()


# --- the end --------------------------------------------------------------------------------

def test_delete_everything_removes_database_backups_and_damaged_copies(path: Path) -> None:
    _random_bytes(path)
    clock = Clock()
    db = Database.open(path, now=clock)
    db.close()
    for _ in range(3):
        clock.advance(days=1)
        db = Database.open(path, now=clock)
        start(SessionRecords(db))
        db.close()
    db = Database.open(path, now=clock)
    other = Database.open(path, now=clock)  # keeps -wal and -shm in place at the deletion
    start(SessionRecords(db))
    (path.parent / "routines").mkdir()
    (path.parent / "settings.yaml").write_text("sound.volume: 30\n")
    assert len(db.list_backups()) == 4
    assert [p for p in path.parent.iterdir() if ".corrupt-" in p.name]
    db.delete_everything()
    other.close()
    for suffix in ("", "-wal", "-shm"):
        assert not path.with_name(NAME + suffix).exists()
    assert not (path.parent / "backups").exists()
    assert sorted(p.name for p in path.parent.iterdir()) == ["routines", "settings.yaml"]
    assert db.closed


def test_a_closed_database_gives_store_errors(path: Path) -> None:
    db = Database.open(path)
    records = SessionRecords(db)
    db.close()
    db.close()  # twice is fine
    with pytest.raises(StoreError):
        records.get(1)
    with pytest.raises(StoreError):
        start(records)
    with pytest.raises(StoreError):
        SafetyRecords(db).notice_shown("x")


def test_a_transaction_rolls_back_on_any_error_and_does_not_nest(path: Path) -> None:
    db = Database.open(path)
    with pytest.raises(ValueError), db.transaction() as conn:
        conn.execute("INSERT INTO notices (key, shown_at) VALUES ('a', 'b')")
        raise ValueError("the caller changed its mind")
    assert scalar(db, "SELECT count(*) FROM notices") == 0
    with pytest.raises(RuntimeError), db.transaction(), db.transaction():
        pass
    with pytest.raises(StoreError), db.transaction() as conn:
        conn.execute("INSERT INTO no_such_table VALUES (1)")
    assert not scalar(db, "SELECT count(*) FROM notices")
    db.close()
