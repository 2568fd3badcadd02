"""The routine library: a grid of cards, search and filters, and the detail panel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from backcare_gui.core.library import Library
from backcare_gui.core.routine import Level, Origin, Routine, iter_images
from backcare_gui.core.timeline import total_ms
from backcare_gui.core.wording import dose_text, duration_text
from backcare_gui.ui import theme
from backcare_gui.ui.images import PictureCache

ROUTINE_ROLE = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex


class RoutineModel(QAbstractListModel):
    def __init__(self, routines: tuple[Routine, ...] = ()) -> None:
        super().__init__()
        self._routines = routines
        self._minutes = {r.id: total_ms(r) for r in routines}

    def set_routines(self, routines: tuple[Routine, ...]) -> None:
        self.beginResetModel()
        self._routines = routines
        self._minutes = {r.id: total_ms(r) for r in routines}
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._routines)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        routine = self._routines[index.row()]
        if role == ROUTINE_ROLE:
            return routine
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return routine.title
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return card_subtitle(routine, self._minutes[routine.id])
        if role == Qt.ItemDataRole.ToolTipRole:
            return routine.summary
        return None

    def total_ms(self, routine: Routine) -> int:
        return self._minutes[routine.id]


def card_subtitle(routine: Routine, ms: int) -> str:
    level = routine.level.value.capitalize() if routine.level else "Any level"
    return f"{level} · {duration_text(ms)}"


class RoutineFilter(QSortFilterProxyModel):
    """Search words (all must match title, summary, tags or exercises), a level and a tag."""

    def __init__(self) -> None:
        super().__init__()
        self._words: list[str] = []
        self._level: Level | None = None
        self._tag: str | None = None

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_level(self, level: Level | None) -> None:
        self.beginFilterChange()
        self._level = level
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_tag(self, tag: str | None) -> None:
        self.beginFilterChange()
        self._tag = tag
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: AnyIndex) -> bool:  # noqa: N802
        routine = self.sourceModel().index(row, 0, parent).data(ROUTINE_ROLE)
        assert isinstance(routine, Routine)
        if self._level is not None and routine.level is not self._level:
            return False
        if self._tag is not None and self._tag not in routine.tags:
            return False
        haystack = " ".join((routine.title, routine.summary or "", " ".join(routine.tags),
                             " ".join(e.name for e in routine.exercises))).casefold()
        return all(word in haystack for word in self._words)


class CardDelegate(QStyledItemDelegate):
    """Paints a routine as a card: picture, title, level and time, tags."""

    def __init__(self, pictures: PictureCache, parent: QWidget) -> None:
        super().__init__(parent)
        self._pictures = pictures

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:  # noqa: N802
        line = option.fontMetrics.height()
        return QSize(line * 13, line * 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        routine = index.data(ROUTINE_ROLE)
        assert isinstance(routine, Routine)
        c = theme.current()
        rect = option.rect.adjusted(6, 6, -6, -6)
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        focused = bool(state & QStyle.StateFlag.State_HasFocus)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(rect, 12, 12)
        painter.fillPath(path, QColor(c.base))
        border = QColor(c.accent if selected else c.border)
        painter.setPen(QPen(border, 3 if selected else 1))
        painter.drawPath(path)
        if focused and not selected:
            painter.setPen(QPen(QColor(c.accent), 2, Qt.PenStyle.DashLine))
            painter.drawRoundedRect(rect.adjusted(3, 3, -3, -3), 10, 10)

        line = option.fontMetrics.height()
        pad = line // 2 + 4
        inner = rect.adjusted(pad, pad, -pad, -pad)
        picture_h = inner.height() - round(5.2 * line)
        first = next(iter_images(routine), None)
        ratio = painter.device().devicePixelRatioF()
        pixmap = self._pictures.get(first.path if first else None,
                                    QSize(inner.width(), picture_h), ratio)
        painter.drawPixmap(inner.topLeft(), pixmap)

        title_font = QFont(option.font)
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.1)
        painter.setFont(title_font)
        painter.setPen(QColor(c.text))
        y = inner.top() + picture_h + line // 3
        title_rect = QRect(inner.left(), y, inner.width(), round(line * 2.6))
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
                         | Qt.TextFlag.TextWordWrap, routine.title)
        painter.setFont(option.font)
        painter.setPen(QColor(c.muted))
        model = index.model()
        source = model.sourceModel() if isinstance(model, QSortFilterProxyModel) else model
        assert isinstance(source, RoutineModel)
        y = title_rect.bottom() + 2
        painter.drawText(QRect(inner.left(), y, inner.width(), line), Qt.AlignmentFlag.AlignLeft,
                         card_subtitle(routine, source.total_ms(routine)))
        tags = " · ".join(routine.tags)
        painter.drawText(QRect(inner.left(), y + line + 2, inner.width(), line),
                         Qt.AlignmentFlag.AlignLeft,
                         painter.fontMetrics().elidedText(tags, Qt.TextElideMode.ElideRight,
                                                          inner.width()))
        painter.restore()


class CardView(QListView):
    """A responsive grid of cards; Enter activates the current card."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("cards")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSpacing(4)
        self.setAccessibleName("Routines")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class RoutineDetail(QScrollArea):
    """Everything about one routine, and the big Start button."""

    start_requested = Signal(object)  # Routine
    edit_requested = Signal(object)  # Routine: edit it (the person's own) or customise a copy
    export_requested = Signal(object)  # Routine

    def __init__(self, pictures: PictureCache) -> None:
        super().__init__()
        self._pictures = pictures
        self._routine: Routine | None = None
        self._start_available = False
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(360)
        self.body = body = QWidget()
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(24, 16, 24, 24)
        self._layout.setSpacing(12)
        self.title = QLabel()
        self.title.setProperty("role", "h1")
        self.title.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setProperty("role", "muted")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.start = QPushButton("Start")
        self.start.setProperty("primary", True)
        self.start.setAccessibleName("Start this routine")
        self.start.clicked.connect(self._start)
        self.edit = QPushButton("Customise")
        self.edit.clicked.connect(lambda: self._emit(self.edit_requested))
        self.export = QPushButton("Export…")
        self.export.setToolTip("Save this routine as a .zip with its pictures, to share it")
        self.export.clicked.connect(lambda: self._emit(self.export_requested))
        self.cautions = QFrame()
        self.cautions.setProperty("role", "soft")
        cautions_layout = QVBoxLayout(self.cautions)
        cautions_layout.setContentsMargins(16, 12, 16, 12)
        self.cautions_text = QLabel()
        self.cautions_text.setWordWrap(True)
        self.cautions_text.setTextFormat(Qt.TextFormat.RichText)
        cautions_layout.addWidget(self.cautions_text)
        self.exercises = QVBoxLayout()
        self.exercises.setSpacing(8)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setProperty("role", "muted")
        for widget in (self.title, self.facts, self.summary):
            self._layout.addWidget(widget)
        start_row = QHBoxLayout()
        start_row.addWidget(self.start)
        start_row.addStretch()
        start_row.addWidget(self.edit)
        start_row.addWidget(self.export)
        self._layout.addLayout(start_row)
        self._layout.addWidget(self.cautions)
        heading = QLabel("Exercises")
        heading.setProperty("role", "h2")
        self._layout.addWidget(heading)
        self._layout.addLayout(self.exercises)
        self._layout.addWidget(self.source)
        self._layout.addStretch()
        self.setWidget(body)
        self.set_start_available(False, "Guided sessions are not available yet")
        self.show_routine(None)

    @property
    def routine(self) -> Routine | None:
        return self._routine

    def set_start_available(self, available: bool, why_not: str = "") -> None:
        self._start_available = available
        self.start.setEnabled(available and self._routine is not None)
        self.start.setToolTip("Start this routine (Enter)" if available else why_not)

    def _start(self) -> None:
        self._emit(self.start_requested)

    def _emit(self, signal: SignalInstance) -> None:
        if self._routine is not None:
            signal.emit(self._routine)

    def show_routine(self, routine: Routine | None) -> None:
        self._routine = routine
        while self.exercises.count():
            item = self.exercises.takeAt(0)
            row = item.widget() if item is not None else None
            if row is not None:
                row.setParent(None)  # gone now, not at the next event loop turn
                row.deleteLater()
        self.body.setVisible(routine is not None)
        if routine is None:
            return
        self.title.setText(routine.title)
        own = routine.origin is Origin.USER
        self.edit.setText("Edit" if own else "Customise")
        self.edit.setToolTip("Change this routine of yours" if own else
                             "Make your own copy of this routine to change (BackCare's own "
                             "routines stay as they are)")
        self.edit.setAccessibleName(f"{self.edit.text()} {routine.title}")
        parts = [routine.level.value.capitalize() if routine.level else "Any level",
                 duration_text(total_ms(routine))]
        if routine.equipment:
            parts.append("You need: " + ", ".join(routine.equipment))
        self.facts.setText(" · ".join(parts))
        self.summary.setText("\n\n".join(t for t in (routine.summary, routine.description) if t))
        self.cautions.setVisible(bool(routine.cautions))
        items = "".join(f"<li>{_escape(c)}</li>" for c in routine.cautions)
        self.cautions_text.setText(f"<b>Take care</b><ul style='margin-left:-20px'>{items}</ul>")
        for exercise in routine.exercises:
            self.exercises.addWidget(self._exercise_row(exercise.name, dose_text(exercise),
                                                        exercise.image.path if exercise.image
                                                        else None))
        self.source.setText(f"Source: {routine.source}" if routine.source else "")
        self.source.setVisible(bool(routine.source))
        self.start.setEnabled(self._start_available)

    def _exercise_row(self, name: str, dose: str, picture: Path | None) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        thumb = QLabel()
        side = self.fontMetrics().height() * 4
        thumb.setPixmap(self._pictures.get(picture, QSize(side, side), self.devicePixelRatioF()))
        thumb.setFixedSize(side, side)
        text = QLabel(f"<b>{_escape(name)}</b><br>{_escape(dose)}")
        text.setWordWrap(True)
        text.setAccessibleName(f"{name}: {dose}")
        layout.addWidget(thumb)
        layout.addWidget(text, 1)
        return row


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ProblemsNotice(QFrame):
    """A calm notice that some of the person's routine files could not be used."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "notice")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 8, 8)
        self.text = QLabel()
        self.text.setProperty("role", "notice")
        self.text.setWordWrap(True)
        self.details = QPushButton("Show what is wrong")
        self.details.clicked.connect(self._show_details)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.details)
        self._library: Library | None = None
        self.hide()

    def set_library(self, library: Library) -> None:
        self._library = library
        bad = len(library.bad_files)
        self.setVisible(bad > 0)
        self.text.setText(f"{bad} of your routine files could not be loaded. The other "
                          "routines are all here.")

    def _show_details(self) -> None:
        if self._library is None:
            return
        box = QMessageBox(QMessageBox.Icon.Information, "Routine files with problems",
                          "These files were skipped. Fix them in a text editor, then reopen "
                          "BackCare (or check them with `backcare routines validate`).",
                          parent=self)
        box.setDetailedText("\n".join(str(p) for p in self._library.problems))
        box.setInformativeText("\n".join(str(p) for p in self._library.bad_files))
        box.open()
        self.box = box


class LibraryPage(QWidget):
    start_requested = Signal(object)  # Routine
    new_requested = Signal()
    import_requested = Signal(bool)  # from a folder (True), or a file / .zip (False)

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.pictures = PictureCache()
        self.model = RoutineModel(library.routines)
        self.filter = RoutineFilter()
        self.filter.setSourceModel(self.model)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search routines and exercises")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search routines")
        self.search.textChanged.connect(self.filter.set_search)
        self.level = QComboBox()
        self.level.setAccessibleName("Filter by level")
        self.level.addItem("All levels", None)
        for level in Level:
            self.level.addItem(level.value.capitalize(), level.value)
        self.level.currentIndexChanged.connect(
            lambda _i: self.filter.set_level(Level(self.level.currentData())
                                             if self.level.currentData() else None))
        self.tag = QComboBox()
        self.tag.setAccessibleName("Filter by tag")
        self.tag.currentIndexChanged.connect(
            lambda _i: self.filter.set_tag(self.tag.currentData()))

        self.notice = ProblemsNotice()
        self.cards = CardView()
        self.cards.setModel(self.filter)
        self.cards.setItemDelegate(CardDelegate(self.pictures, self.cards))
        self.cards.selectionModel().currentChanged.connect(self._current_changed)
        self.detail = RoutineDetail(self.pictures)
        self.detail.start_requested.connect(self.start_requested)
        self.cards.activated.connect(lambda _index: self.detail.start.click())
        self.empty = QLabel("No routine matches your search. Clear the search box to see them all.")
        self.empty.setProperty("role", "muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.filter.rowsInserted.connect(self._update_empty)
        self.filter.rowsRemoved.connect(self._update_empty)
        self.filter.modelReset.connect(self._update_empty)

        self.new_button = QPushButton("New routine")
        self.new_button.setToolTip("Make a routine of your own, step by step")
        self.new_button.clicked.connect(self.new_requested)
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip("Add a routine someone shared with you (a .zip, a "
                                      "routine file or a folder)")
        self.import_button.clicked.connect(lambda: self.import_menu().popup(
            self.import_button.mapToGlobal(self.import_button.rect().bottomLeft())))
        self._import_menu: QMenu | None = None
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.level)
        top.addWidget(self.tag)
        top.addWidget(self.new_button)
        top.addWidget(self.import_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.cards)
        left_layout.addWidget(self.empty)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)
        self.setTabOrder(self.search, self.level)
        self.setTabOrder(self.level, self.tag)
        self.setTabOrder(self.tag, self.new_button)
        self.setTabOrder(self.new_button, self.import_button)
        self.setTabOrder(self.import_button, self.cards)
        self.setTabOrder(self.cards, self.detail.start)
        self.set_library(library)

    def import_menu(self) -> QMenu:
        """What to import from (built on first use: start-up memory is tight)."""
        if self._import_menu is None:
            menu = self._import_menu = QMenu(self.import_button)
            menu.addAction("A shared file (.zip or routine file)…",
                           lambda: self.import_requested.emit(False))
            menu.addAction("A folder with a routine and its pictures…",
                           lambda: self.import_requested.emit(True))
        return self._import_menu

    def set_library(self, library: Library) -> None:
        self.model.set_routines(library.routines)
        self.notice.set_library(library)
        current_tag = self.tag.currentData()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem("All tags", None)
        for tag in sorted({t for r in library.routines for t in r.tags}):
            self.tag.addItem(tag.capitalize(), tag)
        self.tag.setCurrentIndex(max(0, self.tag.findData(current_tag)))
        self.tag.blockSignals(False)
        self._update_empty()
        if self.filter.rowCount():
            self.cards.setCurrentIndex(self.filter.index(0, 0))

    def select(self, routine_id: str) -> bool:
        for row in range(self.filter.rowCount()):
            index = self.filter.index(row, 0)
            routine = index.data(ROUTINE_ROLE)
            if isinstance(routine, Routine) and routine.id == routine_id:
                self.cards.setCurrentIndex(index)
                return True
        return False

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        routine = current.data(ROUTINE_ROLE) if current.isValid() else None
        self.detail.show_routine(routine if isinstance(routine, Routine) else None)

    def _update_empty(self) -> None:
        empty = self.filter.rowCount() == 0
        self.empty.setVisible(empty)
        if self.model.rowCount() == 0:
            self.empty.setText("There are no routines yet. Make one with New routine, or "
                               "import one someone shared with you.")
        if empty:
            self.detail.show_routine(None)
