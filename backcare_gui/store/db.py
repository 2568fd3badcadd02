"""The database file: opening (with recovery from a damaged file), transactions, backups.

One file, `backcare.sqlite3`, in the data folder. WAL journal with synchronous=FULL: a
committed action survives a crash or a power cut, and a reader never waits for a writer.
Every public write elsewhere in the store is one `transaction()`; every sqlite3 or OS error
leaves the store as a `StoreError` whose message can be shown to the person as it is.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Final, Literal

from backcare_gui.store import process
from backcare_gui.store.migrations import MIGRATIONS, NewerFileError, migrate, version

log = logging.getLogger(__name__)

ErrorKind = Literal["read_only", "full", "corrupt", "other"]

FILE_NAME: Final = "backcare.sqlite3"
BACKUP_FOLDER: Final = "backups"
BACKUPS_KEPT: Final = 7
BUSY_SECONDS: Final = 5.0  # another BackCare process may be writing; wait this long for it
_SIDE_FILES: Final = ("-wal", "-shm")
_MAGIC: Final = b"SQLite format 3\0"  # how every SQLite file begins (an empty one is fine too)
_BACKUP_NAME = re.compile(r"backcare-(\d{4}-\d{2}-\d{2})\.sqlite3")

# Primary SQLite result codes (extended codes carry them in the low byte).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26


class StoreError(Exception):
    """Something the person must hear about. `message` is plain words for them (what happened,
    that nothing else was lost, what to do); `detail` is the technical cause, for the log."""

    def __init__(self, kind: ErrorKind, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message
        self.detail = detail


def _message(kind: ErrorKind, folder: Path) -> str:
    if kind == "read_only":
        return (f"BackCare cannot save in its data folder ({folder}): the folder or the records "
                "file in it is read-only. Nothing you saved before has been lost. Make the "
                "folder writable again, or start BackCare with --data-dir and a folder you can "
                "write to, then try again.")
    if kind == "full":
        return (f"The disk that holds your BackCare records ({folder}) is full, so this change "
                "was not saved. Everything saved before is safe. Free some space on that disk, "
                "then try again.")
    if kind == "corrupt":
        return ("Your BackCare records file is damaged and cannot be read. Nothing else has "
                "been changed. Close BackCare and start it again: it will keep the damaged file "
                "aside for you, start a fresh one, and you can restore a backup.")
    return ("BackCare could not read or save your records just now. Nothing you saved before "
            "has been lost. Please try again; if it keeps happening, close BackCare and start "
            "it again.")


def as_store_error(exc: BaseException, path: Path) -> StoreError:
    """The StoreError for an sqlite3 or OS error met while using the database at `path`."""
    if isinstance(exc, StoreError):
        return exc
    folder = path.parent
    detail = f"{type(exc).__name__}: {exc}"
    kind: ErrorKind = "other"
    if isinstance(exc, sqlite3.Error):
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        if code in (_SQLITE_READONLY, _SQLITE_PERM, _SQLITE_CANTOPEN):
            kind = "read_only"
        elif code == _SQLITE_FULL:
            kind = "full"
        elif code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            kind = "corrupt"
        elif code in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return StoreError("other", "Your records are busy: another BackCare window may be "
                              "saving right now. Nothing has been lost. Please try again in a "
                              "moment.", detail)
    elif isinstance(exc, OSError):
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            kind = "read_only"
        elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
            kind = "full"
    return StoreError(kind, _message(kind, folder), detail)


# --- time: stored as UTC text, turned into local dates only where a day is asked for ---------

def utc_now() -> datetime:
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    """'2026-11-25T16:41:00.123456+00:00': always the same width, so text order is time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a time without a time zone cannot be stored: {moment!r}")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text)


def day_start(day: date) -> str:
    """The stored form of the first moment of `day` on this machine's local clock."""
    return to_text(datetime.combine(day, time()).astimezone())  # naive = local time


def day_range(first: date | None, last: date | None) -> tuple[str | None, str | None]:
    """Bounds for `first <= started_at < end` covering local days first..last, both inclusive;
    None where open."""
    return (None if first is None else day_start(first),
            None if last is None else day_start(last + timedelta(days=1)))


def day_clauses(column: str, first: date | None, last: date | None,
                ) -> tuple[list[str], list[object]]:
    """SQL conditions and their parameters for `column` (a fixed name of ours, never input)
    within local days first..last, both inclusive; none where open."""
    start, end = day_range(first, last)
    clauses: list[str] = []
    params: list[object] = []
    if start is not None:
        clauses.append(f"{column} >= ?")
        params.append(start)
    if end is not None:
        clauses.append(f"{column} < ?")
        params.append(end)
    return clauses, params


def where(clauses: list[str]) -> str:
    """' WHERE a AND b', or '' for no conditions."""
    return " WHERE " + " AND ".join(clauses) if clauses else ""


def local_date(moment: datetime) -> date:
    return moment.astimezone().date()


# --- files ----------------------------------------------------------------------------------

def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _create_private(path: Path) -> None:
    """Create an empty file only we may read (an empty file is a valid empty database)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    path.chmod(0o600)  # the umask may have taken bits away (or a strange one added none)


def _keep_private(path: Path) -> None:
    """Take group/other access off the database and its -wal/-shm where they exist. Only ever
    removes bits: a file the person made read-only stays read-only."""
    for file in (path, *(_side(path, s) for s in _SIDE_FILES)):
        with contextlib.suppress(OSError):  # absent, or not ours: the write probe will tell
            mode = file.stat().st_mode & 0o777
            if mode & 0o077:
                file.chmod(mode & 0o700)


def _make_folder(folder: Path) -> None:
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)


class _DamagedError(Exception):
    """The file is not a usable SQLite database (raised inside open, never outside)."""


def _fold(text: object) -> str | None:
    # Case-insensitive search beyond ASCII (SQLite's LIKE folds only A-Z).
    return text.casefold() if isinstance(text, str) else None


def _connect(path: Path) -> sqlite3.Connection:
    """Open, check and migrate the file at `path`, creating it if missing."""
    if not path.exists():
        _create_private(path)
    with path.open("rb") as file:
        head = file.read(len(_MAGIC))
    if head and head != _MAGIC:
        # Said before SQLite opens it: on closing, SQLite would tidy its -wal away.
        raise _DamagedError("not an SQLite file")
    # isolation_level=None: this module says BEGIN and COMMIT itself, never the sqlite3 module.
    # check_same_thread=False: the UI may do store work on a worker thread; a lock serialises.
    conn = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None,
                           check_same_thread=False)
    try:
        _prepare(conn)
    except BaseException:
        conn.close()
        raise
    _keep_private(path)
    return conn


def _prepare(conn: sqlite3.Connection) -> None:
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000):d}")
        check = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if check != ["ok"]:
            raise _DamagedError("; ".join(str(c) for c in check[:5])[:500])
        found = version(conn)
        # A write that is taken back, before anything else writes: a file we may only read
        # must not pass for a damaged one. (BEGIN alone succeeds on a read-only WAL file.)
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(f"PRAGMA user_version = {found:d}")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        if found == 0 and conn.execute("SELECT 1 FROM sqlite_schema").fetchone():
            raise _DamagedError("a database with tables, but not BackCare's")
        if found > len(MIGRATIONS):  # before any change to it, even of the journal mode
            raise NewerFileError(f"file version {found}, this BackCare knows {len(MIGRATIONS)}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"journal mode stays {mode!r}")
        conn.execute("PRAGMA synchronous = FULL")
        migrate(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA foreign_keys").fetchone()[0] != 1:
            raise sqlite3.OperationalError("foreign keys cannot be switched on")
        conn.create_function("bc_fold", 1, _fold, deterministic=True)
    except sqlite3.DatabaseError as exc:
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            raise _DamagedError(str(exc)) from exc
        raise


def _move_aside(path: Path, moment: datetime) -> Path:
    """Rename the damaged file (and its -wal/-shm) to `NAME.corrupt-YYYYMMDD-HHMMSS`."""
    stamp = moment.astimezone().strftime("%Y%m%d-%H%M%S")  # the person's own clock
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 2
    while any(p.exists() for p in (target, *(_side(target, s) for s in _SIDE_FILES))):
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    # The side files first: a stale -wal left beside the fresh file would be replayed into it.
    for suffix in _SIDE_FILES:
        if _side(path, suffix).exists():
            _side(path, suffix).rename(_side(target, suffix))
    path.rename(target)
    return target


# --- the database ---------------------------------------------------------------------------

class Database:
    """An open `backcare.sqlite3`. Make one with `Database.open`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, now: Callable[[], datetime],
                 recovered_from: Path | None) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self.path = path
        self.now = now
        # Where a damaged file found on open was moved; the app tells the person.
        self.recovered_from = recovered_from
        # Why today's backup could not be written, if it could not (the app still works).
        self.backup_problem: StoreError | None = None

    @classmethod
    def open(cls, path: Path, now: Callable[[], datetime] = utc_now) -> Database:
        """Open (or create) the database; set a damaged file aside; mark sessions whose
        process is gone as interrupted; write today's backup if there is none yet."""
        path = Path(path)
        recovered: Path | None = None
        try:
            _make_folder(path.parent)
            try:
                conn = _connect(path)
            except _DamagedError as damaged:
                log.warning("database %s is damaged (%s); setting it aside", path, damaged)
                recovered = _move_aside(path, now())
                conn = _connect(path)
        except NewerFileError as exc:
            raise StoreError("other", "Your records were last saved by a newer version of "
                             "BackCare, which this version cannot read. Nothing has been "
                             "changed or lost. Please use the newer BackCare (or update this "
                             "one).", str(exc)) from exc
        except _DamagedError as exc:  # even a fresh file is unusable: say so, do not loop
            raise StoreError("corrupt", _message("corrupt", path.parent), str(exc)) from exc
        except (sqlite3.Error, OSError) as exc:
            raise _logged(as_store_error(exc, path)) from exc
        db = cls(conn, path, now, recovered)
        try:
            db.mark_interrupted()
        except StoreError:
            db.close()
            raise
        try:
            db.backup_if_due()
        except StoreError as exc:
            db.backup_problem = exc
        return db

    # --- for the record modules -------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One user action: BEGIN IMMEDIATE ... COMMIT, or nothing at all if anything fails.
        IMMEDIATE takes the write lock up front, so the busy timeout applies to it."""
        with self._lock:
            conn = self._connection()
            if conn.in_transaction:
                raise RuntimeError("store transactions do not nest")
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error | OSError):
                    raise _logged(as_store_error(exc, self.path)) from exc
                raise

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """Queries only; errors come out as StoreError."""
        with self._lock:
            conn = self._connection()
            try:
                yield conn
            except (sqlite3.Error, OSError) as exc:
                raise _logged(as_store_error(exc, self.path)) from exc

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("other", _message("other", self.path.parent), "database closed")
        return self._conn

    # --- crash recovery ---------------------------------------------------------------------

    def mark_interrupted(self) -> list[int]:
        """Sessions left 'running' by a process that is gone become 'interrupted', ended when
        they were last written, everything else kept. A live owner's session is not touched.
        Returns the ids marked."""
        query = "SELECT id, owner_pid, owner_started FROM sessions WHERE status = 'running'"
        with self.reading() as conn:
            if conn.execute(query).fetchone() is None:
                return []  # the usual case: no write lock needed
        with self.transaction() as conn:
            dead = [row[0] for row in conn.execute(query).fetchall()
                    if not process.owner_alive(row[1], row[2])]
            for session_id in dead:
                conn.execute("UPDATE sessions SET status = 'interrupted', ended_at = updated_at"
                             " WHERE id = ? AND status = 'running'", (session_id,))
        if dead:
            log.info("sessions %s were interrupted (their process is gone)", dead)
        return dead

    # --- backups ----------------------------------------------------------------------------

    @property
    def backups_dir(self) -> Path:
        return self.path.parent / BACKUP_FOLDER

    def list_backups(self) -> list[Path]:
        """The daily backups, newest first."""
        try:
            files = list(self.backups_dir.iterdir()) if self.backups_dir.is_dir() else []
        except OSError as exc:
            raise _logged(as_store_error(exc, self.path)) from exc
        dated: list[tuple[date, Path]] = []
        for file in files:
            match = _BACKUP_NAME.fullmatch(file.name)
            if match and file.is_file():
                with contextlib.suppress(ValueError):
                    dated.append((date.fromisoformat(match[1]), file))
        return [file for _, file in sorted(dated, reverse=True)]

    def backup_if_due(self) -> Path | None:
        """Write today's backup (local date) unless there is one; keep the newest seven.
        Returns the new backup, or None if today's was there already."""
        today = local_date(self.now())
        target = self.backups_dir / f"backcare-{today.isoformat()}.sqlite3"
        try:
            if target.exists():
                return None
            self._write_backup(target)
            for old in self.list_backups()[BACKUPS_KEPT:]:
                old.unlink(missing_ok=True)
        except (sqlite3.Error, OSError) as exc:
            raise _logged(as_store_error(exc, self.path)) from exc
        return target

    def _write_backup(self, target: Path) -> None:
        if not target.parent.is_dir():
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            target.parent.chmod(0o700)
        # Into a temporary name, then renamed: a backup is whole or absent, never half.
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.unlink(missing_ok=True)
        _create_private(tmp)
        try:
            dest = sqlite3.connect(tmp, isolation_level=None)
            try:
                with self._lock:
                    self._connection().backup(dest)  # all pages in one step
            finally:
                dest.close()
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            tmp.replace(target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def restore(self, backup: Path) -> None:
        """Replace all records with those of `backup`, in one step. The backup is checked
        first; one that is damaged, or is not BackCare's, changes nothing."""
        backup = Path(backup)
        refused = StoreError("corrupt", f"This backup cannot be used: it is damaged or is not "
                             f"a BackCare backup ({backup}). Your current records have not "
                             "been changed. Please choose another backup.")
        try:
            if not backup.is_file():
                refused.detail = "no such file"
                raise refused
            staged = _staged_copy(backup, self._page_size())
        except (sqlite3.DatabaseError, NewerFileError, _DamagedError) as exc:
            refused.detail = str(exc)
            raise _logged(refused) from exc
        except (sqlite3.Error, OSError) as exc:
            raise _logged(as_store_error(exc, self.path)) from exc
        try:
            with self._lock:
                conn = self._connection()
                if conn.in_transaction:
                    raise RuntimeError("restore inside a transaction")
                staged.backup(conn)  # one write transaction on the live file: all or nothing
        except (sqlite3.Error, OSError) as exc:
            raise _logged(as_store_error(exc, self.path)) from exc
        finally:
            staged.close()
        self.mark_interrupted()  # sessions 'running' in the backup have no process now

    def _page_size(self) -> int:
        with self.reading() as conn:
            return int(conn.execute("PRAGMA page_size").fetchone()[0])

    # --- the end ----------------------------------------------------------------------------

    def delete_everything(self) -> None:
        """Close, then remove the database, its -wal/-shm, the damaged copies set aside, and all
        backups. Other files of the data folder are the caller's."""
        self.close()
        try:
            files = [self.path, *(_side(self.path, s) for s in _SIDE_FILES)]
            files += self.path.parent.glob(f"{self.path.name}.corrupt-*")
            if self.backups_dir.is_dir():
                files += [f for f in self.backups_dir.iterdir()
                          if _BACKUP_NAME.fullmatch(f.name)
                          or re.fullmatch(r"\.backcare-.*\.tmp", f.name)]
            for file in files:
                file.unlink(missing_ok=True)
            if self.backups_dir.is_dir() and not any(self.backups_dir.iterdir()):
                self.backups_dir.rmdir()
        except OSError as exc:
            raise _logged(as_store_error(exc, self.path)) from exc

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                try:
                    conn.close()
                except sqlite3.Error as exc:
                    raise _logged(as_store_error(exc, self.path)) from exc

    @property
    def closed(self) -> bool:
        return self._conn is None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _staged_copy(backup: Path, page_size: int) -> sqlite3.Connection:
    """The backup's content, checked and migrated, in memory, laid out in `page_size` pages so
    that it can be copied over the live file in one step."""
    src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True,
                          isolation_level=None)
    try:
        check = [row[0] for row in src.execute("PRAGMA quick_check")]
        if check != ["ok"]:
            raise _DamagedError("; ".join(str(c) for c in check[:5])[:500])
        if not 1 <= version(src) <= len(MIGRATIONS):
            raise _DamagedError(f"version {version(src)}")  # 0: not BackCare's; above: newer
        staged = sqlite3.connect(":memory:", isolation_level=None)
        staged.execute(f"PRAGMA page_size = {int(src.execute('PRAGMA page_size').fetchone()[0])}")
        src.backup(staged)
    finally:
        src.close()
    try:
        migrate(staged)
        if int(staged.execute("PRAGMA page_size").fetchone()[0]) != page_size:
            staged.execute(f"PRAGMA page_size = {page_size:d}")
            staged.execute("VACUUM")  # the backup API cannot change a WAL file's page size
        if staged.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise _DamagedError("broken references between records")
    except BaseException:
        staged.close()
        raise
    return staged


def _logged(error: StoreError) -> StoreError:
    log.warning("store error (%s): %s", error.kind, error.detail or error.message)
    return error
