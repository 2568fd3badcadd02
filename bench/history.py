"""history_open_ms and history_open_ratio: the History page over 20,000 sessions, from asking
for it (constructing HistoryPage and showing it) to the moment it has been painted, offscreen;
the ratio is over the same page with 10 sessions, measured in the same run (goal: <= 1.5).

Both databases are real SQLite files in a temporary folder. One run of each is made first and
not counted (QtCharts is imported and fonts are loaded once per process); then the two sizes
take turns, so machine noise hits both alike. Medians of 5.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import figure, note

RUNS = 5
BIG, SMALL = 20_000, 10
TITLES = {"morning-mobility": "Morning mobility", "desk-break": "Desk break"}


def run() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    from backcare_gui.store.db import Database
    from backcare_gui.store.records import HistoryFilter, SessionRecords
    from backcare_gui.store.safety import SafetyRecords
    from backcare_gui.ui import theme
    from backcare_gui.ui.history import HistoryPage
    from tests.helpers.history_data import bulk_sessions, open_db

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    theme.setup(app)

    class PaintWatch(QObject):
        """Notes when each watched widget has been painted."""

        def __init__(self, widgets: list[QWidget]) -> None:
            super().__init__()
            self.waiting = set(widgets)
            for widget in widgets:
                widget.installEventFilter(self)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                self.waiting.discard(watched)
            return False

    def open_ms(records: SessionRecords, safety: SafetyRecords) -> float:
        started = time.perf_counter()
        page = HistoryPage(records, safety, TITLES)
        page.resize(980, 760)
        watch = PaintWatch([page, page.table.viewport(), page.chart_view.viewport()])
        page.show()
        while watch.waiting:
            app.processEvents()
        elapsed = (time.perf_counter() - started) * 1000
        page.close()
        page.deleteLater()
        app.processEvents()
        return elapsed

    with tempfile.TemporaryDirectory() as tmp:
        databases: dict[int, tuple[SessionRecords, SafetyRecords]] = {}
        opened: list[Database] = []
        for size in (BIG, SMALL):
            db = open_db(Path(tmp) / str(size))
            opened.append(db)
            bulk_sessions(db, size)
            databases[size] = (SessionRecords(db), SafetyRecords(db))
        times: dict[int, list[float]] = {BIG: [], SMALL: []}
        for size in (SMALL, BIG):
            open_ms(*databases[size])  # warm-up, not counted
        for _ in range(RUNS):
            for size in (BIG, SMALL):
                times[size].append(open_ms(*databases[size]))
        stored = databases[BIG][0].count(HistoryFilter())
        big, small = statistics.median(times[BIG]), statistics.median(times[SMALL])
        note(f"history: {BIG} sessions ({stored} in the database) open in {big:.1f} ms, "
             f"{SMALL} sessions in {small:.1f} ms (medians of {RUNS}; runs "
             f"{', '.join(f'{t:.0f}' for t in times[BIG])} / "
             f"{', '.join(f'{t:.0f}' for t in times[SMALL])} ms)")
        for db in opened:
            db.close()
    figure("history_open_ms", big, 1)
    figure("history_open_ratio", big / small)
