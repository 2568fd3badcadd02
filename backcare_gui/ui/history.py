"""The History page: how your back has been (a chart of pain before and after, with the spasm
diary's episodes marked on it), how regularly you exercise (sessions per week, days in a row),
your heat sessions and desk breaks, and every session in a table you can sort, search, correct
and export.

The table reads SQLite a page at a time: with years of sessions, opening the page costs the
same as with ten. Sorting and filtering are new queries (ORDER BY / WHERE in the store), never
Python over every row.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFont,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from backcare_gui.core.pain import FEELINGS
from backcare_gui.store import export
from backcare_gui.store.db import StoreError
from backcare_gui.store.export import ChartData, TimerSummary
from backcare_gui.store.records import Adherence, HistoryFilter, SessionRecords, SessionRow
from backcare_gui.store.safety import SafetyRecords
from backcare_gui.store.timers import TimerEvent, TimerRecords
from backcare_gui.ui import images, theme
from backcare_gui.ui.rating import Chips, PainScale

if TYPE_CHECKING:
    from PySide6.QtCharts import (
        QChart,
        QChartView,
        QDateTimeAxis,
        QLineSeries,
        QScatterSeries,
        QValueAxis,
    )

    from backcare_gui.store.diary import DiaryRecords, Episode

log = logging.getLogger(__name__)

AnyIndex = QModelIndex | QPersistentModelIndex
QWIDGETSIZE_MAX: Final = (1 << 24) - 1  # Qt's "no maximum" for a widget's size
ROW_ROLE: Final = Qt.ItemDataRole.UserRole + 1
PAGE_ROWS: Final = 100  # rows per query: about two screens
CACHED_PAGES: Final = 40  # pages kept in memory while scrolling (the oldest go first)
SEARCH_DELAY_MS: Final = 250  # typing pauses this long before the table re-queries
SUGGESTED_ROUTINE: Final = "morning-mobility"  # the empty state's first routine
RECENT_TIMER_EVENTS: Final = 3  # heat and breaks listed on the page (the report lists more)
EPISODE_MARKER_PX: Final = 16.0  # spasm markers: larger than the rating dots, easy to spot
Y_ROOM: Final = 0.7  # pain points beyond each end of the 0-10 axis


class Column(NamedTuple):
    title: str
    order: str  # records.ORDERS key: clicking the header re-queries in this order
    tip: str


COLUMNS: Final = (
    Column("Date", "started_at", "When the session started (your local time)"),
    Column("Routine", "routine_title", "The routine you did"),
    Column("Status", "status", "Whether you finished it"),
    Column("Minutes", "active_seconds", "Minutes of exercise (pauses not counted)"),
    Column("Pain", "pain_before", "Your pain from 0 to 10: before → after the session"),
    Column("Change", "pain_change", "How your pain changed; 'eased' is a real easing"),
)
DATE, ROUTINE, STATUS, MINUTES, PAIN, CHANGE = range(len(COLUMNS))


class Period(NamedTuple):
    label: str
    days: int | None  # None: all time


PERIODS: Final = (
    Period("Last 30 days", 30),
    Period("Last 3 months", 91),
    Period("Last 12 months", 365),
    Period("All time", None),
)
# The chart reads every rating of the period: a year is readable and quick to draw, and
# older sessions are one click away.
DEFAULT_PERIOD: Final = 2


# --- the table ------------------------------------------------------------------------------

class SessionTableModel(QAbstractTableModel):
    """Sessions straight from SQLite: the row count from `records.count`, rows a page at a time
    from `records.page`, in the order of the clicked column. Nothing is sorted in Python."""

    store_failed = Signal(object)  # StoreError, once per reload at most

    def __init__(self, records: SessionRecords) -> None:
        super().__init__()
        self.records = records
        self.filter = HistoryFilter()
        self.order = "started_at"
        self.descending = True
        self._count = 0
        self._pages: OrderedDict[int, list[SessionRow]] = OrderedDict()
        self._failed = False

    def reload(self, filter: HistoryFilter | None = None) -> None:
        """Count again and forget every page (after a filter change, an edit, a new session)."""
        self.beginResetModel()
        if filter is not None:
            self.filter = filter
        self._pages.clear()
        self._failed = False
        try:
            self._count = self.records.count(self.filter)
        except StoreError as exc:
            self._count = 0
            self._fail(exc)
        self.endResetModel()

    def set_records(self, records: SessionRecords) -> None:
        self.records = records
        self.reload()

    # -- Qt's model interface --

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{COLUMNS[section].tip}. Click to sort."
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cell_text(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return session_details(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (MINUTES, PAIN, CHANGE):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key, descending = COLUMNS[column].order, order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.order, self.descending):
            return  # already so: no query
        self.order, self.descending = key, descending
        self.reload()

    # -- rows --

    def row_at(self, row: int) -> SessionRow | None:
        if not 0 <= row < self._count:
            return None
        number, offset = divmod(row, PAGE_ROWS)
        page = self._pages.get(number)
        if page is None:
            page = self._fetch(number)
        else:
            self._pages.move_to_end(number)
        return page[offset] if offset < len(page) else None

    def row_of(self, session_id: int) -> int | None:
        """The row showing this session, among the pages already read."""
        for number, page in self._pages.items():
            for offset, row in enumerate(page):
                if row.id == session_id:
                    return number * PAGE_ROWS + offset
        return None

    def _fetch(self, number: int) -> list[SessionRow]:
        try:
            page = self.records.page(self.filter, self.order, self.descending,
                                     offset=number * PAGE_ROWS, limit=PAGE_ROWS)
        except StoreError as exc:
            self._fail(exc)
            page = []
        self._pages[number] = page
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return page

    def _fail(self, exc: StoreError) -> None:
        log.warning("history: %s (%s)", exc.message, exc.detail)
        if not self._failed:
            self._failed = True
            # Said after the paint or query that met it: never a dialog from inside data().
            QTimer.singleShot(0, lambda: self.store_failed.emit(exc))


def cell_text(row: SessionRow, column: int) -> str:
    if column == DATE:
        return export.local_text(row.started_at)
    if column == ROUTINE:
        return row.routine_title
    if column == STATUS:
        return export.STATUS_WORDS.get(row.status, row.status)
    if column == MINUTES:
        return export.minutes_text(row.active_seconds)
    if column == PAIN:
        return export.pain_text(row.pain_before, row.pain_after)
    if column == CHANGE:
        return export.change_text(row.pain_before, row.pain_after)
    return ""


def session_details(row: SessionRow) -> str:
    """The tooltip: where it hurt, how it felt, the note."""
    from backcare_gui.core.pain import LOCATIONS

    parts = []
    if row.locations:
        parts.append("Where: " + ", ".join(LOCATIONS.get(c, c) for c in row.locations))
    if row.feeling:
        parts.append("It felt: " + FEELINGS.get(row.feeling, row.feeling).lower())
    if row.note:
        parts.append("Note: " + row.note)
    return "\n".join(parts) or f"{row.routine_title}, {export.local_text(row.started_at)}"


class SessionTable(QTableView):
    """Enter or a double-click edits the selected session; Delete deletes it (asking first)."""

    edit_requested = Signal()
    delete_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setCornerButtonEnabled(False)
        self.setAccessibleName("Your sessions")
        self.setToolTip("Enter: change the ratings · Delete: delete the session")
        rows = self.verticalHeader()
        rows.hide()
        # A fixed row height: nothing ever measures every row (that would read them all).
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(max(40, self.fontMetrics().height() * 2))
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsClickable(True)
        header.setSortIndicator(DATE, Qt.SortOrder.DescendingOrder)
        header.setSortIndicatorShown(True)
        header.setMinimumSectionSize(60)
        self.doubleClicked.connect(lambda _index: self.edit_requested.emit())

    def fit_columns(self) -> None:
        """Widths from the header words and typical cells, never from reading rows: the short
        columns get what they need, routine and status share the rest."""
        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        samples = {DATE: "Wed 30 Sep 2026 16:41", MINUTES: "Minutes", PAIN: "10 → 10",
                   CHANGE: "-10 · eased"}
        used = 0
        for column, sample in samples.items():
            width = max(metrics.horizontalAdvance(sample),
                        metrics.horizontalAdvance(COLUMNS[column].title)) + 32
            header.resizeSection(column, width)
            used += width
        rest = max(self.viewport().width() - used, 2 * header.minimumSectionSize())
        status = min(metrics.horizontalAdvance("Stopped before the first exercise") + 24,
                     rest * 3 // 5)
        header.resizeSection(STATUS, status)
        header.resizeSection(ROUTINE, max(rest - status, header.minimumSectionSize()))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_columns()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.edit_requested.emit()
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentIndex().isValid():
            self.delete_requested.emit()
            return
        super().keyPressEvent(event)


# --- the chart ------------------------------------------------------------------------------

def _ms(moment: datetime) -> float:
    return moment.timestamp() * 1000


def _moment(ms: float) -> datetime:
    """A chart's x value back as a local time."""
    return datetime.fromtimestamp(ms / 1000).astimezone()


class PainChart:
    """A QChart with pain before, pain after and the 7-day average of pain before over time,
    and the spasm diary's episodes as markers (a triangle at each start, as high as the
    episode was severe: the same 0-10 scale). QtCharts is imported here, when the first chart
    is made, not when the app starts."""

    def __init__(self, colours: theme.Colours, font: QFont | None = None) -> None:
        from PySide6.QtCharts import (
            QChart,
            QDateTimeAxis,
            QLegend,
            QLineSeries,
            QScatterSeries,
            QValueAxis,
        )

        self.chart: QChart = QChart()
        chart = self.chart
        chart.setBackgroundRoundness(8)
        chart.setMargins(chart.margins() * 0)
        chart.layout().setContentsMargins(4, 4, 4, 4)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        base = QFont(font) if font is not None else QFont()
        chart.setTitleFont(base)
        legend = chart.legend()
        legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
        legend.setFont(base)
        self.before: QLineSeries = QLineSeries()
        self.after: QLineSeries = QLineSeries()
        self.average: QLineSeries = QLineSeries()
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.85)
        self.x_axis: QDateTimeAxis = QDateTimeAxis()
        self.y_axis: QValueAxis = QValueAxis()
        # A little room beyond 0 and 10, so a marker or dot there is not cut in half; the
        # ticks stay at 0, 2 ... 10.
        self.y_axis.setRange(-Y_ROOM, 10 + Y_ROOM)
        self.y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.y_axis.setTickAnchor(0)
        self.y_axis.setTickInterval(2)
        self.y_axis.setLabelFormat("%d")
        self.y_axis.setTitleText("Pain (0-10)")
        for axis in (self.x_axis, self.y_axis):
            axis.setLabelsFont(small)
            axis.setTitleFont(small)
        chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        # A shape, not only a colour, sets the episodes apart (and they are drawn last: on top).
        self.episodes: QScatterSeries = QScatterSeries()
        self.episodes.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeTriangle)
        self.episodes.setMarkerSize(EPISODE_MARKER_PX)
        # Short names: four must fit on one line beside the heat and breaks column (the
        # legend cuts, it never wraps); the axis already says it is pain.
        for series, name in ((self.before, "Pain before"),
                             (self.after, "Pain after"),
                             (self.average, "7-day average"),
                             (self.episodes, "Spasm episodes")):
            series.setName(name)
            chart.addSeries(series)
            series.attachAxis(self.x_axis)
            series.attachAxis(self.y_axis)
        for marker in legend.markers(self.episodes):  # the legend shows the triangle too
            marker.setShape(QLegend.MarkerShape.MarkerShapeFromSeries)
        self.episodes.hovered.connect(self._episode_hovered)
        self.set_colours(colours)

    def set_colours(self, colours: theme.Colours) -> None:
        """The palette's colours (again after a switch between light and dark)."""
        self.chart.setBackgroundBrush(QColor(colours.base))
        self.chart.setTitleBrush(QColor(colours.muted))
        self.chart.legend().setLabelColor(QColor(colours.text))
        for axis in (self.x_axis, self.y_axis):
            axis.setLabelsColor(QColor(colours.muted))
            axis.setTitleBrush(QColor(colours.muted))
            axis.setGridLineColor(QColor(colours.border))
            axis.setLinePenColor(QColor(colours.border))
        for series, colour, width, style in (
                (self.before, colours.muted, 2, Qt.PenStyle.SolidLine),
                (self.after, colours.accent, 2, Qt.PenStyle.SolidLine),
                (self.average, colours.text, 3, Qt.PenStyle.DashLine)):
            pen = QPen(QColor(colour), width, style)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            series.setPen(pen)
            series.setColor(QColor(colour))  # the points, and the legend's marker
        # Amber (the palette's notice colour, readable on both backgrounds) with a rim of the
        # background, so a marker on a line still stands out.
        self.episodes.setColor(QColor(colours.warning))
        self.episodes.setBorderColor(QColor(colours.base))

    def set_data(self, data: ChartData) -> None:
        few = len(data.before) + len(data.after) <= 120
        for series, points in ((self.before, data.before), (self.after, data.after),
                               (self.average, data.average)):
            series.replace([QPointF(_ms(moment), value) for moment, value in points])
            if series is not self.average:
                series.setPointsVisible(few)  # dots help while there are few sessions
        self.episodes.replace([QPointF(_ms(moment), value) for moment, value in data.episodes])
        for marker in self.chart.legend().markers(self.episodes):  # no diary, no legend entry
            marker.setVisible(bool(data.episodes))
        moments = ([m for m, _ in data.before] + [m for m, _ in data.after]
                   + [m for m, _ in data.episodes])
        if moments:
            first, last = min(moments), max(moments)
        else:
            last = datetime.now().astimezone()
            first = last - timedelta(days=7)
        span = last - first
        pad = max(span / 40, timedelta(hours=12))
        self.x_axis.setRange(QDateTime.fromMSecsSinceEpoch(int(_ms(first - pad))),
                             QDateTime.fromMSecsSinceEpoch(int(_ms(last + pad))))
        self.x_axis.setFormat("d MMM yyyy" if span > timedelta(days=300) else "d MMM")
        self.x_axis.setTickCount(6 if span > timedelta(days=2) else 3)
        titles = {"": "", "day": "One point per day (the mean of its sessions)",
                  "week": "One point per week (the mean of its sessions)",
                  "month": "One point per month (the mean of its sessions)"}
        self.chart.setTitle("No pain ratings in this period yet" if data.empty
                            else titles[data.grouped])

    def point_counts(self) -> tuple[int, int, int]:
        return self.before.count(), self.after.count(), self.average.count()

    @staticmethod
    def episode_tip(point: QPointF) -> str:
        """What hovering a marker says."""
        return (f"Spasm episode, {export.local_text(_moment(point.x()))}: severity "
                f"{point.y():g} out of 10")

    def _episode_hovered(self, point: QPointF, state: bool) -> None:
        if state:
            QToolTip.showText(QCursor.pos(), self.episode_tip(point))
        else:
            QToolTip.hideText()

    def episode_points(self) -> list[tuple[datetime, float]]:
        """The spasm markers as (local start, severity), oldest first."""
        return [(_moment(p.x()), p.y()) for p in self.episodes.points()]


# --- adherence ------------------------------------------------------------------------------

class WeekBars(QWidget):
    """Sessions in each of the last 8 weeks, as a small row of bars with their counts."""

    def __init__(self) -> None:
        super().__init__()
        self.weeks: list[tuple[date, int]] = []
        line = self.fontMetrics().height()
        self.setMinimumSize(8 * 40, line * 4)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_adherence(self, adherence: Adherence) -> None:
        self.weeks = [(week.monday, week.sessions) for week in adherence.weeks]
        counts = ", ".join(f"week of {export.day_text(m)}: {n}" for m, n in self.weeks)
        self.setAccessibleName("Sessions per week, last 8 weeks")
        self.setAccessibleDescription(counts)
        self.setToolTip("Completed or stopped-early sessions per week, this week on the right")
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(8 * 56, self.fontMetrics().height() * 4)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if not self.weeks:
            return
        c = theme.current()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        line = self.fontMetrics().height()
        slot = self.width() / len(self.weeks)
        bar_w = min(slot * 0.6, 36.0)
        top, bottom = line + 2, self.height() - line - 4
        tallest = max(3, *(n for _, n in self.weeks))
        for n, (monday, count) in enumerate(self.weeks):
            x = n * slot + (slot - bar_w) / 2
            height = (bottom - top) * count / tallest
            colour = QColor(c.accent if n == len(self.weeks) - 1 else c.primary)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour if count else QColor(c.border))
            painter.drawRoundedRect(QRectF(x, bottom - max(height, 3), bar_w, max(height, 3)),
                                    4, 4)
            painter.setPen(QColor(c.text))
            painter.drawText(QRectF(n * slot, bottom - height - line - 2, slot, line),
                             Qt.AlignmentFlag.AlignCenter, str(count))
            painter.setPen(QColor(c.muted))
            label = export.day_text(monday, year=False)
            painter.drawText(QRectF(n * slot, bottom + 2, slot, line + 2),
                             Qt.AlignmentFlag.AlignCenter, label)
        painter.end()


class AdherenceStrip(QFrame):
    """Days in a row, and sessions per week for the last 8 weeks."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "soft")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(24)
        words = QVBoxLayout()
        self.streak = QLabel()
        self.streak.setProperty("role", "h2")
        self.weekly = QLabel()
        self.weekly.setWordWrap(True)
        self.weekly.setProperty("role", "muted")
        words.addStretch()
        words.addWidget(self.streak)
        words.addWidget(self.weekly)
        words.addStretch()
        self.bars = WeekBars()
        layout.addLayout(words, 2)
        layout.addWidget(self.bars, 3)

    def set_adherence(self, adherence: Adherence) -> None:
        streak = adherence.streak
        self.streak.setText(export.streak_text(streak).capitalize() if streak
                            else "A session today starts a new run of days")
        this_week = adherence.weeks[-1].sessions if adherence.weeks else 0
        total = sum(week.sessions for week in adherence.weeks)
        average = total / len(adherence.weeks) if adherence.weeks else 0
        self.weekly.setText(f"This week: {this_week} session{'s' if this_week != 1 else ''}. "
                            f"Over the last 8 weeks: {average:.1f} a week on average.")
        self.bars.set_adherence(adherence)


# --- heat and breaks ------------------------------------------------------------------------

class TimerSummaryView(QWidget):
    """'Heat and breaks' for the chosen period: heat sessions, breaks taken, skipped and put
    off, and the most recent events. With none in the period, a one-line hint (when older ones
    exist) or nothing at all: someone who never uses the timers sees no empty box."""

    def __init__(self) -> None:
        super().__init__()
        self.box = QFrame()
        self.box.setProperty("role", "soft")
        inside = QVBoxLayout(self.box)
        inside.setContentsMargins(16, 12, 16, 12)
        inside.setSpacing(2)
        self.title = QLabel("Heat and breaks")
        self.title.setProperty("role", "h2")
        self.heat = QLabel()
        self.taken = QLabel()
        self.taken.setToolTip(export.NATURAL_MEANING)
        self.missed = QLabel()
        self.missed.setToolTip("Each time a break was put off counts as postponed.")
        self.recent = QGridLayout()
        self.recent.setContentsMargins(0, 8, 0, 0)
        self.recent.setHorizontalSpacing(12)
        self.recent.setVerticalSpacing(2)
        self.recent.setColumnStretch(1, 1)
        self.recent_rows: list[tuple[QLabel, QLabel]] = []
        inside.addWidget(self.title)
        for label in (self.heat, self.taken, self.missed):
            label.setWordWrap(True)
            inside.addWidget(label)
        inside.addLayout(self.recent)
        inside.addStretch()
        self.hint = QLabel()
        self.hint.setProperty("role", "muted")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)  # level with the chart's frame beside it
        layout.addWidget(self.box)
        layout.addWidget(self.hint)
        layout.addStretch()

    def set_summary(self, summary: TimerSummary, hint: str, today: date) -> bool:
        """Show these figures (or the hint when there are none); True if anything shows."""
        self.box.setVisible(not summary.empty)
        self.hint.setText(hint)
        self.hint.setVisible(summary.empty and bool(hint))
        shown = not summary.empty or bool(hint)
        self.setVisible(shown)
        # Beside the chart there is room for a short line: how many stopped early is a tip.
        self.heat.setText(f"Heat: {summary.heat_brief}")
        self.heat.setToolTip(f"Heat: {summary.heat_text}")
        self.taken.setText(f"Breaks taken: {summary.breaks_taken}"
                           + (f" ({summary.breaks_natural} natural)"
                              if summary.breaks_natural else ""))
        self.missed.setText(f"Skipped: {summary.breaks_skipped} · "
                            f"postponed: {summary.breaks_postponed}")
        self._list(list(reversed(summary.events[-RECENT_TIMER_EVENTS:])), today)
        return shown

    def _list(self, events: list[TimerEvent], today: date) -> None:
        """The most recent first: when, then what happened."""
        while len(self.recent_rows) < len(events):  # labels are kept and reused
            when = QLabel()
            when.setProperty("role", "muted")
            when.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            what = QLabel()
            what.setWordWrap(True)
            row = len(self.recent_rows)
            self.recent.addWidget(when, row, 0)
            self.recent.addWidget(what, row, 1)
            self.recent_rows.append((when, what))
        for n, (when, what) in enumerate(self.recent_rows):
            event = events[n] if n < len(events) else None
            when.setText(_brief_time(event.at, today) if event else "")
            what.setText(export.timer_line(event) if event else "")
            when.setVisible(event is not None)
            what.setVisible(event is not None)

    def column_width(self) -> int:
        """Beside the chart: a typical event on one line (longer ones wrap), and no wider, so
        the chart keeps room for its legend."""
        metrics = self.fontMetrics()
        return (metrics.horizontalAdvance("25 Nov 18:55") + 12
                + metrics.horizontalAdvance("Movement break · taken") + 32 + 4)

    def texts(self) -> list[str]:
        """Everything the box says, line by line (for tests and screen readers)."""
        if self.box.isHidden():
            return [self.hint.text()] if self.hint.text() else []
        return [self.title.text(), self.heat.text(), self.taken.text(), self.missed.text(),
                *self.recent_texts()]

    def recent_texts(self) -> list[str]:
        """The listed events as 'when: what'."""
        return [f"{when.text()}: {what.text()}" for when, what in self.recent_rows
                if what.text()]


def _brief_time(moment: datetime, today: date) -> str:
    """'25 Nov 15:56'; the year only when it is not this year's."""
    at = moment.astimezone()
    return f"{export.day_text(at.date(), year=at.year != today.year)} {at:%H:%M}"


# --- editing --------------------------------------------------------------------------------

class EditSessionDialog(QDialog):
    """Correct one session: pain before and after, how it felt, the note."""

    def __init__(self, row: SessionRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.setWindowTitle("Change this session")
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        heading = QLabel(f"{row.routine_title}, {export.local_text(row.started_at)}")
        heading.setProperty("role", "h2")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.before = PainScale()
        self.after = PainScale()
        for label, scale, value in (("Your pain before the session", self.before,
                                     row.pain_before),
                                    ("Your pain after the session", self.after, row.pain_after)):
            layout.addWidget(QLabel(label + (" (not rated yet)" if value is None else "")))
            if value is not None:
                scale.set_value(value)
            layout.addWidget(scale)
        layout.addWidget(QLabel("How did the routine feel?"))
        self.feeling = Chips(FEELINGS, exclusive=True)
        if row.feeling:
            self.feeling.select((row.feeling,))
        layout.addWidget(self.feeling)
        self.note = QLineEdit(row.note)
        self.note.setPlaceholderText("A note for yourself (optional)")
        self.note.setAccessibleName("Note")
        layout.addWidget(self.note)
        self.save = QPushButton("Save changes")
        self.save.setProperty("primary", True)
        self.save.setDefault(True)
        self.save.clicked.connect(self.accept)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(cancel)
        buttons.addWidget(self.save)
        layout.addLayout(buttons)
        self.before.setFocus()

    def changes(self) -> dict[str, object]:
        """Only what differs from the record, as keyword arguments for records.edit."""
        row = self.row
        feeling = self.feeling.selected()
        values: dict[str, object] = {"pain_before": self.before.value,
                                     "pain_after": self.after.value,
                                     "feeling": feeling[0] if feeling else row.feeling,
                                     "note": self.note.text().strip()}
        current = {"pain_before": row.pain_before, "pain_after": row.pain_after,
                   "feeling": row.feeling, "note": row.note}
        return {key: value for key, value in values.items() if value != current[key]}


# --- exports --------------------------------------------------------------------------------

class ExportCancelledError(Exception):
    """The person pressed Cancel in the progress window."""


class ExportProgress:
    """A progress window for exports; it appears only when the work takes a while."""

    def __init__(self, parent: QWidget, label: str) -> None:
        self.dialog = QProgressDialog(label, "Cancel", 0, 100, parent)
        self.dialog.setWindowTitle("Exporting")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(400)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setValue(0)
        self.steps: list[int] = []

    def __call__(self, done: int, total: int) -> None:
        self.step(round(100 * done / total) if total else 100)

    def step(self, percent: int) -> None:
        if self.dialog.wasCanceled():
            raise ExportCancelledError
        self.steps.append(percent)
        self.dialog.setValue(percent)  # keeps the window responsive while it works

    def part(self, first: int, last: int) -> Callable[[int, int], None]:
        """Progress of one stage, mapped into first..last percent."""
        def report(done: int, total: int) -> None:
            self.step(first + round((last - first) * done / total) if total else last)
        return report

    def close(self) -> None:
        self.dialog.close()
        self.dialog.deleteLater()


# --- the page -------------------------------------------------------------------------------

class HistoryPage(QWidget):
    """`records` None: the database could not be opened; the page says so calmly."""

    start_requested = Signal(str)  # a routine id: the empty state's suggestion

    def __init__(self, records: SessionRecords | None, safety: SafetyRecords | None,
                 library_titles: Mapping[str, str], *,
                 today: Callable[[], date] = date.today,
                 timers: TimerRecords | None = None,
                 diary: DiaryRecords | None = None) -> None:
        super().__init__()
        self.records = records
        self.safety = safety
        self.timers = timers
        self.diary = diary  # spasm episodes: markers on the chart, a section of the report
        self.titles = library_titles
        self._today = today
        self.dialog: QWidget | None = None  # the dialog on screen (tests answer it)
        self.progress: ExportProgress | None = None  # the last export's progress
        self._build_header()
        # One view, moved to wherever it shows: beside the chart, or under the empty state
        # (someone who only uses heat or the break reminders still sees them).
        self.timer_view = TimerSummaryView()
        self.stack = QStackedWidget()
        self.unavailable = self._build_unavailable()
        self.empty = self._build_empty()
        self.content: QWidget | None = None
        self.model: SessionTableModel | None = None
        self.stack.addWidget(self.unavailable)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(self.header)
        layout.addWidget(self.status)
        layout.addWidget(self.stack, 1)
        self.refresh()

    # -- building --

    def _build_header(self) -> None:
        title = QLabel("History")
        title.setProperty("role", "h1")
        self.period = QComboBox()
        self.period.setAccessibleName("Show sessions from")
        self.period.setToolTip("Which days the chart, the table, heat and breaks, and the "
                               "exports show")
        for period in PERIODS:
            self.period.addItem(period.label, period.days)
        self.period.setCurrentIndex(DEFAULT_PERIOD)
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.csv_button = QPushButton(images.icon("export"), "Export CSV…")
        self.csv_button.setToolTip("Save the sessions of this period as a spreadsheet file")
        self.csv_button.clicked.connect(self.export_csv)
        self.pdf_button = QPushButton(images.icon("export"), "Report for your clinician…")
        self.pdf_button.setToolTip("Save a PDF report of this period to print or share")
        self.pdf_button.clicked.connect(self.export_pdf)
        self.header = QHBoxLayout()
        self.header.addWidget(title)
        self.header.addStretch()
        show = QLabel("Show:")
        show.setBuddy(self.period)
        self.header.addWidget(show)
        self.header.addWidget(self.period)
        self.header.addSpacing(16)
        self.header.addWidget(self.csv_button)
        self.header.addWidget(self.pdf_button)
        self.status = QLabel()
        self.status.setProperty("role", "muted")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()

    def _build_unavailable(self) -> QWidget:
        box = QFrame()
        box.setProperty("role", "soft")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(32, 24, 32, 24)
        heading = QLabel("Your history cannot be shown right now")
        heading.setProperty("role", "h2")
        text = QLabel("BackCare could not open your records file, so your sessions cannot be "
                      "shown or saved at the moment. Nothing has been deleted. You can still do "
                      "routines. Close BackCare and start it again; if this keeps happening, "
                      "look at Your data.")
        text.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(text)
        return _centred(box)

    def _build_empty(self) -> QWidget:
        routine_id = (SUGGESTED_ROUTINE if SUGGESTED_ROUTINE in self.titles
                      else next(iter(self.titles), None))
        title = self.titles.get(routine_id, "") if routine_id else ""
        box = QFrame()
        box.setProperty("role", "soft")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(12)
        self.empty_title = QLabel(f"No sessions yet: start with {title}" if title
                                  else "No sessions yet")
        self.empty_title.setProperty("role", "h2")
        self.empty_title.setWordWrap(True)
        text = QLabel("Each guided session you do appears here, with your pain before and "
                      "after, so you can see how your back is doing over the weeks.")
        text.setWordWrap(True)
        layout.addWidget(self.empty_title)
        layout.addWidget(text)
        self.empty_start: QPushButton | None = None
        if routine_id and title:
            self.empty_start = QPushButton(f"Start {title}")
            self.empty_start.setProperty("primary", True)
            self.empty_start.clicked.connect(lambda: self.start_requested.emit(routine_id))
            row = QHBoxLayout()
            row.addWidget(self.empty_start)
            row.addStretch()
            layout.addLayout(row)
        column = QWidget()
        self.empty_column = QVBoxLayout(column)
        self.empty_column.setContentsMargins(0, 0, 0, 0)
        self.empty_column.setSpacing(16)
        self.empty_column.addWidget(box)
        return _centred(column)

    def _build_content(self, records: SessionRecords) -> QWidget:
        """Built the first time there is something to show, so an empty history never loads
        QtCharts."""
        from PySide6.QtCharts import QChartView

        self.chart = PainChart(theme.current(), self.font())
        self.chart_view: QChartView = QChartView(self.chart.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(250)  # below this the axis labels crowd out
        self.chart_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.chart_view.setAccessibleName("Chart of your pain before and after each session, "
                                          "with your spasm episodes")
        self.chart_view.setStyleSheet("background: transparent")
        self.adherence = AdherenceStrip()

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search routines and notes")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search your sessions")
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_filters)
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Show sessions that were")
        self.status_filter.addItem("All sessions", "")
        for status, words in export.STATUS_WORDS.items():
            self.status_filter.addItem(words, status)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.edit_button = QPushButton(images.icon("edit"), "Change…")
        self.edit_button.setToolTip("Change the ratings or note of the selected session (Enter)")
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton(images.icon("trash"), "Delete…")
        self.delete_button.setToolTip("Delete the selected session (Delete)")
        self.delete_button.clicked.connect(self.delete_selected)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status_filter)
        filters.addSpacing(16)
        filters.addWidget(self.edit_button)
        filters.addWidget(self.delete_button)

        self.model = SessionTableModel(records)
        self.model.store_failed.connect(self._store_failed)
        self.table = SessionTable()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)  # the indicator already matches: no extra query
        self.table.edit_requested.connect(self.edit_selected)
        self.table.delete_requested.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(
            lambda _s, _d: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.no_match = QLabel()
        self.no_match.setProperty("role", "muted")
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_match.setWordWrap(True)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.no_match)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        # Heat and breaks stand beside the chart: below it, they would take the table's rows.
        self.chart_row = QHBoxLayout()
        self.chart_row.setSpacing(12)
        self.chart_row.addWidget(self.chart_view, 1)
        layout.addLayout(self.chart_row, 2)
        layout.addWidget(self.adherence)
        layout.addLayout(filters)
        layout.addWidget(self.table_stack, 3)
        self.stack.addWidget(content)
        return content

    # -- what is shown --

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.content is not None:
            self.chart.set_colours(theme.current())  # light and dark follow the system

    def set_records(self, records: SessionRecords | None, safety: SafetyRecords | None,
                    timers: TimerRecords | None = None,
                    diary: DiaryRecords | None = None) -> None:
        """After the records were reopened or restored from a backup (`timers` and `diary`
        from the same database: without them, no heat and breaks or spasm episodes show)."""
        self.records, self.safety, self.timers, self.diary = records, safety, timers, diary
        if records is not None and self.model is not None:
            self.model.records = records
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Read everything again (after a session was recorded, an edit, a filter change)."""
        records = self.records
        enabled = records is not None
        self.csv_button.setEnabled(enabled)
        self.pdf_button.setEnabled(enabled)
        self.period.setEnabled(enabled)
        if records is None:
            self.stack.setCurrentWidget(self.unavailable)
            return
        try:
            anything = records.count(HistoryFilter()) > 0
        except StoreError as exc:
            self._store_failed(exc)
            return
        if not anything:  # no sessions to export; the period only for heat and breaks
            self.csv_button.setEnabled(False)
            try:  # a diary alone is worth taking to the doctor
                self.pdf_button.setEnabled(self.diary is not None and bool(self.diary.episodes()))
            except StoreError:
                self.pdf_button.setEnabled(False)
            self.stack.setCurrentWidget(self.empty)
            try:
                self.period.setEnabled(self._show_timers(self.empty_column, narrow=False))
            except StoreError as exc:
                self.period.setEnabled(False)
                self._store_failed(exc)
            return
        if self.content is None:
            self.content = self._build_content(records)
        self.stack.setCurrentWidget(self.content)
        try:
            self.adherence.set_adherence(records.adherence(self._today()))
            self._show_chart(records)
            self._show_timers(self.chart_row, narrow=True)
        except StoreError as exc:
            self._store_failed(exc)
        self.apply_filters()

    @Slot()
    def refresh_episodes(self) -> None:
        """After a spasm episode was logged, changed or deleted: only the chart is read again
        (the sessions and the table did not change)."""
        if self.records is None or self.content is None:
            return
        try:
            self._show_chart(self.records)
        except StoreError as exc:
            self._store_failed(exc)

    def _show_chart(self, records: SessionRecords) -> None:
        first, _last = self.period_range()
        self.chart.set_data(export.chart_data(records.pain_series(first, None),
                                              episodes=self.episodes_shown()))

    def episodes_shown(self) -> list[Episode]:
        """The spasm episodes of the chosen period (none without the diary)."""
        if self.diary is None:
            return []
        first, last = self.period_range()
        return self.diary.episodes(first, last)

    def _show_timers(self, where: QBoxLayout, *, narrow: bool) -> bool:
        """Heat and breaks of the period, moved into `where` first; True if anything shows.
        `narrow`: a column beside the chart, as wide as a typical line. There a period without
        any shows nothing (a hint would only take the chart's room); under the empty state it
        says where the older ones are."""
        if where.indexOf(self.timer_view) < 0:
            where.addWidget(self.timer_view)  # it leaves the layout it was in
            width = self.timer_view.column_width() if narrow else QWIDGETSIZE_MAX
            self.timer_view.setMaximumWidth(width)
            self.timer_view.setMinimumWidth(width if narrow else 0)
        summary, hint = self.timer_summary(hint=not narrow)
        return self.timer_view.set_summary(summary, hint, self._today())

    def timer_summary(self, *, hint: bool = True) -> tuple[TimerSummary, str]:
        """The period's heat and breaks, and (`hint`) a line when it has none but older days
        do."""
        if self.timers is None:
            return TimerSummary(), ""
        first, last = self.period_range()
        summary = export.timer_summary_of(self.timers, first, last)
        if not (hint and summary.empty and first is not None
                and self.timers.events(None, first - timedelta(days=1))):
            return summary, ""
        return summary, (f"No heat sessions or breaks in the "
                         f"{self.period.currentText().lower()}: choose All time above to see "
                         "older ones.")

    def period_range(self) -> tuple[date | None, date | None]:
        """The local days the chosen period covers (None: open)."""
        days = self.period.currentData()
        if days is None:
            return None, None
        today = self._today()
        return today - timedelta(days=int(days) - 1), None

    def current_filter(self) -> HistoryFilter:
        first, last = self.period_range()
        status = self.status_filter.currentData() if self.content is not None else ""
        text = self.search.text() if self.content is not None else ""
        return HistoryFilter(text=text, statuses=frozenset({status} if status else ()),
                             date_from=first, date_to=last)

    @Slot()
    def apply_filters(self) -> None:
        if self.model is None or self.content is None:
            return
        self._search_timer.stop()
        current = self.selected_row()
        self.model.reload(self.current_filter())
        count = self.model.rowCount()
        if count:
            self.table_stack.setCurrentWidget(self.table)
            row = self.model.row_of(current.id) if current is not None else None
            if row is not None:
                self.table.selectRow(row)
        else:
            self.no_match.setText(self._no_match_text())
            self.table_stack.setCurrentWidget(self.no_match)
        self._update_buttons()

    def _no_match_text(self) -> str:
        if self.search.text().strip() or self.status_filter.currentIndex() > 0:
            return "No session matches. Clear the search box or choose All sessions."
        return (f"No sessions in the {self.period.currentText().lower()}. "
                "Choose All time above to see older ones.")

    def chart_point_counts(self) -> tuple[int, int, int]:
        """Points on the chart: before, after, 7-day average (for tests and screen readers)."""
        return self.chart.point_counts() if self.content is not None else (0, 0, 0)

    def selected_row(self) -> SessionRow | None:
        if self.model is None:
            return None
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row())

    def _update_buttons(self) -> None:
        if self.content is None:
            return
        chosen = self.selected_row() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    # -- editing --

    @Slot()
    def edit_selected(self) -> None:
        row = self.selected_row()
        if row is None or self.records is None:
            return
        dialog = EditSessionDialog(row, self)
        dialog.accepted.connect(lambda: self._save_edit(dialog))
        self.dialog = dialog
        dialog.open()

    def _save_edit(self, dialog: EditSessionDialog) -> None:
        changes = dialog.changes()
        if not changes or self.records is None:
            return
        try:
            self.records.edit(dialog.row.id, **changes)  # type: ignore[arg-type]
        except StoreError as exc:
            self._store_failed(exc)
            return
        self._say(f"Saved your changes to {dialog.row.routine_title}, "
                  f"{export.local_text(dialog.row.started_at)}.")
        self.refresh()

    @Slot()
    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None or self.records is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Delete this session?",
                          f"Delete {row.routine_title}, {export.local_text(row.started_at)}, "
                          "from your history? What hurt during it goes too. This cannot be "
                          "undone.", parent=self)
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep it", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.buttonClicked.connect(lambda button: self._delete(row) if button is delete else None)
        self.dialog = box
        box.open()

    def _delete(self, row: SessionRow) -> None:
        if self.records is None:
            return
        try:
            self.records.delete(row.id)
        except StoreError as exc:
            self._store_failed(exc)
            return
        self._say(f"Deleted {row.routine_title}, {export.local_text(row.started_at)}.")
        self.refresh()

    def _store_failed(self, exc: object) -> None:
        message = exc.message if isinstance(exc, StoreError) else str(exc)
        box = QMessageBox(QMessageBox.Icon.Information, "Your records", message, parent=self)
        self.dialog = box
        box.open()

    # -- exports --

    @Slot()
    def export_csv(self) -> None:
        self._ask_file("Save your sessions as a spreadsheet (CSV)", "csv",
                       "CSV files (*.csv)", self.export_csv_to)

    @Slot()
    def export_pdf(self) -> None:
        self._ask_file("Save a report for your clinician (PDF)", "pdf", "PDF files (*.pdf)",
                       self.export_pdf_to)

    def _ask_file(self, title: str, suffix: str, kinds: str,
                  then: Callable[[Path], object]) -> None:
        folder = Path.home() / "Documents"
        folder = folder if folder.is_dir() else Path.home()
        name = f"backcare-history-{self._today().isoformat()}.{suffix}"
        dialog = QFileDialog(self, title, str(folder / name), kinds)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix)
        dialog.fileSelected.connect(lambda path: then(Path(path)))
        self.dialog = dialog
        dialog.open()

    def export_csv_to(self, path: Path) -> bool:
        """The same CSV as `backcare history export --csv`, for the chosen period."""
        def save(records: SessionRecords, first: date | None, last: date | None,
                 progress: ExportProgress) -> str:
            rows = export.session_rows(records, first, last)
            progress.step(30)
            count = export.save_csv(rows, path, progress.part(30, 100))
            return f"Saved {count} session{'s' if count != 1 else ''} to {path}."

        return self._export(path, "Saving your sessions…", "The export", save)

    def export_pdf_to(self, path: Path) -> bool:
        """The same report as `backcare history export --pdf`, for the chosen period."""
        from backcare_gui.ui.report import write_pdf

        def save(records: SessionRecords, first: date | None, last: date | None,
                 progress: ExportProgress) -> str:
            report = export.build_report(records, self.safety, first, last, self._today(),
                                         timers=self.timers, diary=self.diary)
            progress.step(10)
            pages = write_pdf(report, path, progress.part(10, 100))
            return f"Saved your report ({pages} page{'s' if pages != 1 else ''}) to {path}."

        return self._export(path, "Making your report…", "The report", save)

    def _export(self, path: Path, busy: str, what: str,
                save: Callable[[SessionRecords, date | None, date | None, ExportProgress], str],
                ) -> bool:
        """One export with its progress window; cancelling, a records problem or a file that
        cannot be written are each told calmly, and nothing half-written is left."""
        if self.records is None:
            return False
        first, last = self.period_range()
        progress = self.progress = ExportProgress(self, busy)
        try:
            done = save(self.records, first, last, progress)
        except ExportCancelledError:
            self._say(f"{what} was cancelled; nothing was saved.")
            return False
        except StoreError as exc:
            self._store_failed(exc)
            return False
        except OSError as exc:
            self._cannot_write(path, exc)
            return False
        finally:
            progress.close()
        self._say(done)
        return True

    def _cannot_write(self, path: Path, exc: OSError) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Not saved",
                          f"BackCare could not save {path} ({exc.strerror or exc}). Your "
                          "records are unchanged. Choose another folder and try again.",
                          parent=self)
        self.dialog = box
        box.open()


def _centred(widget: QWidget) -> QWidget:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    widget.setMaximumWidth(720)
    row.addWidget(widget, 4)
    row.addStretch(1)
    layout.addLayout(row)
    layout.addStretch(2)
    return holder
