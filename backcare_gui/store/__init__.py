"""The records on disk: one SQLite file (standard library only, no Qt), numbered migrations,
one transaction per user action, daily backups, recovery from crashes and damaged files."""

from backcare_gui.store.db import Database, StoreError, utc_now
from backcare_gui.store.migrations import MIGRATIONS
from backcare_gui.store.records import (
    KEEP,
    LOCATIONS,
    ORDERS,
    Adherence,
    Feeling,
    FinishStatus,
    HistoryFilter,
    PainPoint,
    SessionRecords,
    SessionRow,
    Status,
    WeekCount,
)
from backcare_gui.store.safety import (
    HurtAction,
    HurtEvent,
    RedFlagRecord,
    RedFlagSource,
    SafetyRecords,
)

__all__ = [
    "KEEP",
    "LOCATIONS",
    "MIGRATIONS",
    "ORDERS",
    "Adherence",
    "Database",
    "Feeling",
    "FinishStatus",
    "HistoryFilter",
    "HurtAction",
    "HurtEvent",
    "PainPoint",
    "RedFlagRecord",
    "RedFlagSource",
    "SafetyRecords",
    "SessionRecords",
    "SessionRow",
    "Status",
    "StoreError",
    "WeekCount",
    "utc_now",
]
