"""The spasm diary as a person meets it: a log dialog quick enough to fill in mid-spasm (a
digit and Enter is a whole entry) and the Diary section (the episodes, a calendar, the simple
figures). The words and figures come from core.diary; the records from store.diary."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Final

from PySide6.QtCore import QDate, QDateTime, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from backcare_gui.core import diary, pain
from backcare_gui.core.diary import duration_words  # shared with the clinician report
from backcare_gui.store.db import StoreError
from backcare_gui.store.diary import DiaryRecords, Episode
from backcare_gui.ui import theme
from backcare_gui.ui.rating import Chips, PainScale

log = logging.getLogger(__name__)

EMPTY: Final = ("No episodes logged. When a spasm comes, press Log a spasm: it takes a few "
                "seconds.")
UNAVAILABLE: Final = ("Your diary is not available right now because your records could not "
                      "be opened. Routines still work; Your data explains what to do.")
MAX_MINUTES: Final = 7 * 24 * 60  # a week: longer than any one episode a person would log


def _local(moment: datetime) -> datetime:
    return moment.astimezone()


def episode_words(episode: Episode) -> str:
    """One line a person can scan: when, how long, how bad, what may have set it off."""
    started = _local(episode.started_at)
    parts = [started.strftime("%a %d %b %Y, %H:%M"), duration_words(episode.duration_minutes),
             f"severity {episode.severity} ({pain.band(episode.severity)})"]
    triggers = [episode.trigger_other if code == diary.OTHER and episode.trigger_other
                else diary.TRIGGERS[code] for code in episode.triggers]
    if triggers:
        parts.append(", ".join(triggers))
    return " · ".join(parts)


def advice_html(answers: Mapping[str, bool]) -> str:
    """The red-flag screen's advice, in its look: the emergency one bold in the danger colour
    (the one place for it), the urgent one calm."""
    screening = pain.Screening(answers)
    if screening.urgency is pain.Urgency.EMERGENCY:
        return (f"<p style='color:{theme.current().danger}; font-size:16pt'><b>"
                f"{screening.advice}</b></p>")
    if screening.urgency is pain.Urgency.URGENT:
        return f"<p><b>Please see a doctor first.</b></p><p>{screening.advice}</p>"
    return f"<p>{screening.advice}</p>"


class GridChips(Chips):
    """Chips in rows of `columns`: the triggers' long words would make one row too wide."""

    def __init__(self, options: dict[str, str], columns: int) -> None:
        super().__init__(options, exclusive=False)
        row = self.layout()
        assert isinstance(row, QHBoxLayout)
        while row.count():  # take the one row apart; the chips stay children of this widget
            row.takeAt(0)
        grid = QGridLayout()
        for i, button in enumerate(self.group.buttons()):
            grid.addWidget(button, i // columns, i % columns)
        row.addLayout(grid)
        row.addStretch()

    def chip(self, code: str) -> QAbstractButton:
        return self.group.buttons()[self.keys.index(code)]


class DurationPicker(QWidget):
    """The quick choices, or an exact number of minutes; one of them counts at a time."""

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QPushButton] = {}
        for i, choice in enumerate(diary.DURATION_CHOICES):
            button = QPushButton(choice.words)
            button.setCheckable(True)
            button.setProperty("chip", True)
            self.group.addButton(button, i)
            self.buttons[choice.code] = button
            row.addWidget(button)
        self.exact = QSpinBox()
        self.exact.setRange(0, MAX_MINUTES)
        self.exact.setSpecialValueText("Exact minutes")  # 0: not given
        self.exact.setSuffix(" min")
        self.exact.setAccessibleName("Exact length in minutes")
        self.exact.setMinimumHeight(40)
        row.addWidget(self.exact)
        row.addStretch()
        self.group.buttonClicked.connect(lambda _b: self._quiet_exact(0))
        self.exact.valueChanged.connect(self._exact_changed)
        # Logged mid-spasm it is still going: ended later with one click on the Diary page.
        self.choose("going")

    def choose(self, code: str) -> None:
        self.buttons[code].setChecked(True)
        self._quiet_exact(0)

    def set_minutes(self, minutes: int | None) -> None:
        quick = next((c for c in diary.DURATION_CHOICES if c.minutes == minutes), None)
        if quick is not None:
            self.choose(quick.code)
        else:
            assert minutes is not None
            self.exact.setValue(max(1, minutes))  # 0 is the spin box's "not given"

    def minutes(self) -> int | None:
        """The length in minutes, or None while still going."""
        if self.exact.value() > 0:
            return self.exact.value()
        checked = self.group.checkedId()
        return diary.DURATION_CHOICES[checked].minutes if checked >= 0 else None

    def _quiet_exact(self, value: int) -> None:
        self.exact.blockSignals(True)
        self.exact.setValue(value)
        self.exact.blockSignals(False)

    def _exact_changed(self, value: int) -> None:
        if value > 0:  # an exact figure replaces the rough choice
            self.group.setExclusive(False)
            for button in self.group.buttons():
                button.setChecked(False)
            self.group.setExclusive(True)
        elif self.group.checkedId() < 0:
            self.choose("going")


class SpasmLogDialog(QDialog):
    """Log an episode (or change one, given `episode`). Only the severity is needed: Enter saves
    once it is chosen. `saved` carries the episode's id once it is in the records."""

    saved = Signal(int)

    def __init__(self, records: DiaryRecords, routines: Mapping[str, str],
                 parent: QWidget | None = None, episode: Episode | None = None) -> None:
        super().__init__(parent)
        self.records = records
        self.episode = episode
        self.saved_id: int | None = None
        self.setWindowTitle("Change this episode" if episode else "Log a spasm")
        self.setModal(True)
        self.resize(900, 720)

        form = QWidget()
        layout = QVBoxLayout(form)
        layout.setSpacing(12)
        question = QLabel("How bad is it? Press a number from 0 to 10.")
        question.setProperty("role", "h2")
        question.setWordWrap(True)
        layout.addWidget(question)
        self.scale = PainScale()
        layout.addWidget(self.scale)

        when = QHBoxLayout()
        when.addWidget(QLabel("It started"))
        self.started = QDateTimeEdit(QDateTime.currentDateTime())
        self.started.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        self.started.setCalendarPopup(True)
        self.started.setMaximumDateTime(QDateTime.currentDateTime().addSecs(60))
        self.started.setAccessibleName("When it started")
        self.started.setMinimumHeight(40)
        when.addWidget(self.started)
        when.addStretch()
        layout.addLayout(when)
        layout.addWidget(QLabel("How long did it last?"))
        self.duration = DurationPicker()
        layout.addWidget(self.duration)

        layout.addWidget(QLabel("Where is it? (choose any, or none)"))
        self.locations = GridChips(pain.LOCATIONS, columns=3)
        layout.addWidget(self.locations)

        layout.addWidget(QLabel("What might have set it off? (optional)"))
        self.triggers = GridChips(diary.TRIGGERS, columns=3)
        layout.addWidget(self.triggers)
        self.other = QLineEdit()
        self.other.setPlaceholderText("In your own words")
        self.other.setAccessibleName("Other trigger")
        self.other.setEnabled(False)
        layout.addWidget(self.other)
        self.triggers.chip(diary.OTHER).toggled.connect(self.other.setEnabled)

        layout.addWidget(QLabel("What helped? (optional)"))
        self.helped = GridChips(diary.HELPED, columns=3)
        layout.addWidget(self.helped)
        self.routine = QComboBox()
        self.routine.setAccessibleName("Which routine helped")
        self.routine.addItem("Which routine? (optional)", None)
        for routine_id, title in routines.items():
            self.routine.addItem(title, routine_id)
        self.routine.setEnabled(False)
        layout.addWidget(self.routine)
        self.helped.group.idToggled.connect(self._helped_toggled)

        self.note = QLineEdit()
        self.note.setPlaceholderText("A note for yourself (optional)")
        self.note.setAccessibleName("Note")
        layout.addWidget(self.note)

        flags_heading = QLabel("Any of these? Tick only what is new or getting worse.")
        flags_heading.setWordWrap(True)
        layout.addWidget(flags_heading)
        self.flags: dict[str, QCheckBox] = {}
        for flag in pain.RED_FLAGS:
            box = QCheckBox(flag.question)
            self.flags[flag.id] = box
            layout.addWidget(box)
        layout.addStretch()

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        cancel = QPushButton("Cancel")
        cancel.setToolTip("Close without saving (Esc)")
        cancel.clicked.connect(self.reject)
        self.save = QPushButton("Save")
        self.save.setProperty("primary", True)
        self.save.setMinimumSize(160, 48)
        self.save.setToolTip("Save (Enter)")
        self.save.setEnabled(False)
        self.save.clicked.connect(self._save)
        self.scale.group.idToggled.connect(lambda _i, _on: self.save.setEnabled(True))
        buttons = QHBoxLayout()
        buttons.addWidget(self.problem, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save)
        ask_page = QWidget()
        ask = QVBoxLayout(ask_page)
        ask.addWidget(scroll, 1)
        ask.addLayout(buttons)

        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setTextFormat(Qt.TextFormat.RichText)
        advice_box = QFrame()
        advice_box.setProperty("role", "soft")
        box_layout = QVBoxLayout(advice_box)
        box_layout.setContentsMargins(20, 16, 20, 16)
        box_layout.addWidget(QLabel("Your episode is saved."))
        box_layout.addWidget(self.advice)
        self.finish = QPushButton("Done")
        self.finish.setProperty("primary", True)
        self.finish.clicked.connect(self.accept)
        advice_page = QWidget()
        advice = QVBoxLayout(advice_page)
        advice.addWidget(advice_box)
        advice.addStretch()
        advice.addWidget(self.finish, 0, Qt.AlignmentFlag.AlignRight)

        self.pages = QStackedWidget()
        self.pages.addWidget(ask_page)
        self.pages.addWidget(advice_page)
        outer = QVBoxLayout(self)
        outer.addWidget(self.pages)

        # Enter belongs to Save: a focused chip must not take it (Space still toggles chips).
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        self.save.setDefault(True)
        self._tab_order([self.scale, self.started, *self.duration.group.buttons(),
                         self.duration.exact, *self.locations.group.buttons(),
                         *self.triggers.group.buttons(), self.other,
                         *self.helped.group.buttons(), self.routine, self.note,
                         *self.flags.values(), self.save, cancel])
        if episode is not None:
            self._fill(episode)
        self.scale.setFocus()

    def _tab_order(self, widgets: Sequence[QWidget]) -> None:
        for first, second in itertools.pairwise(widgets):
            QWidget.setTabOrder(first, second)

    def _fill(self, episode: Episode) -> None:
        self.scale.set_value(episode.severity)
        self.started.setMaximumDateTime(QDateTime.currentDateTime().addSecs(60))
        start = _local(episode.started_at)
        self.started.setDateTime(QDateTime(start.year, start.month, start.day, start.hour,
                                           start.minute, start.second))
        self.duration.set_minutes(episode.duration_minutes)
        self.locations.select(episode.locations)
        self.triggers.select(episode.triggers)
        self.other.setText(episode.trigger_other)
        self.helped.select(episode.helped)
        index = self.routine.findData(episode.helped_routine)
        self.routine.setCurrentIndex(max(0, index))
        self.note.setText(episode.note)
        for flag_id, box in self.flags.items():
            box.setChecked(bool(episode.red_flags.get(flag_id)))

    def _helped_toggled(self, index: int, on: bool) -> None:
        code = self.helped.keys[index]
        if on:  # "Nothing" cannot go with something that did help: the last choice wins
            for other_index, other in enumerate(self.helped.keys):
                clash = (other == diary.NOTHING) != (code == diary.NOTHING)
                if clash and other_index != index:
                    self.helped.group.button(other_index).setChecked(False)
        self.routine.setEnabled(diary.ROUTINE in self.helped.selected())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # Enter on the advice page closes it; on the form it saves (the default button).
        if self.pages.currentIndex() == 1 and event.key() in (Qt.Key.Key_Return,
                                                              Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)

    def red_flags(self) -> dict[str, bool]:
        return {flag_id: box.isChecked() for flag_id, box in self.flags.items()}

    def _save(self) -> None:
        severity = self.scale.value
        if severity is None or self.saved_id is not None:
            return
        started = self.started.dateTime().toPython()
        assert isinstance(started, datetime)
        started = started.replace(second=0, microsecond=0).astimezone()
        triggers = self.triggers.selected()
        helped = self.helped.selected()
        routine = self.routine.currentData() if diary.ROUTINE in helped else None
        fields = {
            "started_at": started,
            "ended_at": diary.ended_at(started, self.duration.minutes()),
            "locations": self.locations.selected(), "triggers": triggers,
            "trigger_other": self.other.text().strip() if diary.OTHER in triggers else "",
            "helped": helped, "helped_routine": routine if isinstance(routine, str) else None,
            "note": self.note.text().strip(), "red_flags": self.red_flags()}
        try:
            if self.episode is None:
                self.saved_id = self.records.log(severity, **fields)  # type: ignore[arg-type]
            else:
                self.records.edit(self.episode.id, severity=severity,
                                  **fields)  # type: ignore[arg-type]
                self.saved_id = self.episode.id
        except (ValueError, StoreError) as exc:
            # Said plainly, and the form keeps everything so the person can fix and save again.
            message = exc.message if isinstance(exc, StoreError) else str(exc)
            self.problem.setText(f"Not saved: {message}")
            self.problem.setVisible(True)
            return
        self.saved.emit(self.saved_id)
        answers = self.red_flags()
        if any(answers.values()):
            self.advice.setText(advice_html(answers))
            self.pages.setCurrentIndex(1)
            self.finish.setDefault(True)
            self.finish.setFocus()
        else:
            self.accept()


class DiaryPage(QWidget):
    """The Diary section. `records` None: a calm message and nothing else."""

    changed = Signal()

    def __init__(self, records: DiaryRecords | None, routines: Mapping[str, str]) -> None:
        super().__init__()
        self.records = records
        self.routines = dict(routines)
        self.dialog: SpasmLogDialog | None = None
        self.confirm: QMessageBox | None = None
        self.shown: list[Episode] = []  # the list's rows, newest first

        heading = QLabel("Your spasm diary")
        heading.setProperty("role", "h1")
        self.log_button = QPushButton("Log a spasm")
        self.log_button.setProperty("primary", True)
        self.log_button.setMinimumSize(200, 56)
        self.log_button.setToolTip("Log a spasm (Ctrl+L)")
        self.log_button.clicked.connect(self.log_spasm)
        header = QHBoxLayout()
        header.addWidget(heading)
        header.addStretch()
        header.addWidget(self.log_button)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setProperty("role", "muted")
        self.list = QListWidget()
        self.list.setAccessibleName("Episodes, newest first")
        self.list.itemActivated.connect(lambda _item: self.edit_selected())
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_selected())
        self.edit_button = QPushButton("Change…")
        self.edit_button.setToolTip("Change the chosen episode (Enter or double-click)")
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setToolTip("Delete the chosen episode (Delete)")
        self.delete_button.clicked.connect(self.delete_selected)
        row_buttons = QHBoxLayout()
        row_buttons.addStretch()
        row_buttons.addWidget(self.edit_button)
        row_buttons.addWidget(self.delete_button)
        left = QVBoxLayout()
        left.addWidget(self.message)
        left.addWidget(self.list, 1)
        left.addLayout(row_buttons)

        self.calendar = QCalendarWidget()
        self.calendar.setAccessibleName("Days with episodes are in bold")
        self.calendar.setGridVisible(False)
        self.stats = QLabel()
        self.stats.setWordWrap(True)
        self.stats.setTextFormat(Qt.TextFormat.PlainText)
        right = QVBoxLayout()
        right.addWidget(self.calendar)
        right.addWidget(self.stats)
        right.addStretch()
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(16)
        layout.addLayout(header)
        layout.addLayout(body, 1)
        self.refresh()

    def set_records(self, records: DiaryRecords | None) -> None:
        self.records = records
        self.refresh()

    # -- what the person does --

    def log_spasm(self) -> None:
        self._open(None)

    def edit_selected(self) -> None:
        episode = self.selected()
        if episode is not None:
            self._open(episode)

    def stop(self, episode_id: int) -> None:
        """'It has stopped': ended now, one click."""
        if self.records is None:
            return
        try:
            self.records.end(episode_id)
        except StoreError as exc:
            self._fail(exc)
            return
        self._changed()

    def delete_selected(self) -> None:
        episode = self.selected()
        if episode is None or self.records is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Delete this episode?",
                          f"Delete the episode of {episode_words(episode)}? This cannot be "
                          "undone.", parent=self)
        self.confirm_delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Keep it", QMessageBox.ButtonRole.RejectRole)
        self.confirm_delete.clicked.connect(lambda: self._delete(episode.id))
        box.open()
        self.confirm = box

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Delete and self.list.hasFocus():
            self.delete_selected()
            return
        super().keyPressEvent(event)

    def selected(self) -> Episode | None:
        row = self.list.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) else None

    # -- showing the records --

    def refresh(self) -> None:
        self.list.clear()
        self.shown = []
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())  # clears every day
        available = self.records is not None
        self.log_button.setEnabled(available)
        for widget in (self.list, self.edit_button, self.delete_button, self.calendar,
                       self.stats):
            widget.setVisible(available)
        if self.records is None:
            self.message.setText(UNAVAILABLE)
            self.message.setVisible(True)
            return
        try:
            episodes = self.records.episodes()
        except StoreError as exc:
            self._fail(exc)
            return
        self.shown = sorted(episodes, key=lambda e: (e.started_at, e.id), reverse=True)
        self.message.setText("" if self.shown else EMPTY)
        self.message.setVisible(not self.shown)
        for episode in self.shown:
            self._add_row(episode)
        if self.shown:
            self.list.setCurrentRow(0)
        self._mark_days(episodes)
        self.stats.setText(stats_words(episodes, date.today()))
        has_rows = bool(self.shown)
        self.edit_button.setEnabled(has_rows)
        self.delete_button.setEnabled(has_rows)

    def _add_row(self, episode: Episode) -> None:
        item = QListWidgetItem()
        text = episode_words(episode)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
        self.list.addItem(item)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(8, 4, 8, 4)
        label = QLabel(text)
        label.setWordWrap(True)
        line.addWidget(label, 1)
        if episode.still_going:
            stopped = QPushButton("It has stopped")
            stopped.setToolTip("The spasm is over: end it now")
            stopped.clicked.connect(lambda: self.stop(episode.id))
            line.addWidget(stopped)
        # Only the height: the width follows the list, so a long line wraps instead of
        # pushing the "It has stopped" button out of sight.
        item.setSizeHint(QSize(0, max(48, row.sizeHint().height())))
        self.list.setItemWidget(item, row)

    def _mark_days(self, episodes: Sequence[Episode]) -> None:
        marked = QTextCharFormat()
        marked.setFontWeight(QFont.Weight.Bold)
        marked.setForeground(QBrush(QColor(theme.current().accent)))
        for day in {_local(e.started_at).date() for e in episodes}:
            self.calendar.setDateTextFormat(QDate(day.year, day.month, day.day), marked)

    def _open(self, episode: Episode | None) -> None:
        # A double-click both activates and double-clicks an item: one dialog, not two.
        if self.records is None or (self.dialog is not None and self.dialog.isVisible()):
            return
        dialog = SpasmLogDialog(self.records, self.routines, self, episode)
        dialog.saved.connect(lambda _id: self._changed())
        dialog.open()
        self.dialog = dialog

    def _delete(self, episode_id: int) -> None:
        if self.records is None:
            return
        try:
            self.records.delete(episode_id)
        except StoreError as exc:
            self._fail(exc)
            return
        self._changed()

    def _changed(self) -> None:
        self.refresh()
        self.changed.emit()

    def _fail(self, exc: StoreError) -> None:
        log.warning("diary: %s (%s)", exc.message, exc.detail)
        box = QMessageBox(QMessageBox.Icon.Warning, "Your diary", exc.message, parent=self)
        box.open()
        self.notice = box


def stats_words(episodes: Sequence[Episode], today: date) -> str:
    """The figures of the last eight weeks, in words."""
    first = today - timedelta(days=today.weekday(), weeks=diary.WEEKS_SHOWN - 1)
    recent = [e for e in episodes if _local(e.started_at).date() >= first]
    figures = diary.statistics(recent, today)
    if not figures.episodes:
        return "No episodes in the last 8 weeks."
    this_week, last_week = figures.weeks[-1].episodes, figures.weeks[-2].episodes
    lines = [f"This week: {_count(this_week)}. Last week: {_count(last_week)}.",
             f"In the last 8 weeks: {_count(figures.episodes)}."]
    if figures.median_minutes is not None:
        lines.append(f"Typical length: {duration_words(round(figures.median_minutes))}.")
    if figures.median_severity is not None:
        lines.append(f"Typical severity: {figures.median_severity:g} out of 10.")
    if figures.top_triggers:
        lines.append("Most frequent triggers: " + ", ".join(
            f"{diary.TRIGGERS.get(code, code)} ({n})" for code, n in figures.top_triggers)
            + ".")
    return "\n".join(lines)


def _count(n: int) -> str:
    return f"{n} episode{'s' if n != 1 else ''}"
