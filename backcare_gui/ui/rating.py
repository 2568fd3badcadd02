"""The pain rating: eleven big buttons 0-10, the words under 0 and 10, the band under the
chosen one; body areas as toggle chips and a note before a session, "how did it feel" after.
Fully usable by keyboard: digits 0-9 pick directly, arrows and Home/End move (End reaches 10),
Enter saves."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backcare_gui.core.pain import ANCHOR_HIGH, ANCHOR_LOW, FEELINGS, LOCATIONS, SCALE, band


@dataclass(frozen=True, slots=True)
class Rating:
    pain: int
    locations: tuple[str, ...] = ()
    note: str = ""
    feeling: str | None = None


def scale_colour(value: int) -> str:
    """A soft gradient from calm green through sand to a muted coral."""
    low, mid, high = QColor("#a8d5c2"), QColor("#efd9a6"), QColor("#eab3a4")
    a, b, t = (low, mid, value / 5) if value <= 5 else (mid, high, (value - 5) / 5)
    mix = QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t,
                          a.greenF() + (b.greenF() - a.greenF()) * t,
                          a.blueF() + (b.blueF() - a.blueF()) * t)
    return mix.name()


class PainScale(QWidget):
    """The eleven buttons; `value` is None until the person picks one."""

    def __init__(self) -> None:
        super().__init__()
        self.value: int | None = None
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(6)
        self.buttons: list[QPushButton] = []
        for n in SCALE:
            button = QPushButton(str(n))
            button.setCheckable(True)
            button.setMinimumSize(48, 56)
            button.setAccessibleName(f"Pain {n}: {band(n)}")
            button.setToolTip(f"{n}: {band(n)} (key {n if n < 10 else 'End'})")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scale as a whole has focus
            button.setStyleSheet(
                f"QPushButton {{ background: {scale_colour(n)}; color: #1f2a30; font-size: 16pt;"
                " font-weight: 600; border-radius: 8px; border: 2px solid transparent; }"
                "QPushButton:checked { border: 4px solid #1f2a30; }")
            self.group.addButton(button, n)
            self.buttons.append(button)
            grid.addWidget(button, 0, n)
        low = QLabel(ANCHOR_LOW)
        high = QLabel(ANCHOR_HIGH)
        high.setAlignment(Qt.AlignmentFlag.AlignRight)
        for label in (low, high):
            label.setProperty("role", "muted")
        grid.addWidget(low, 1, 0, 1, 3)
        grid.addWidget(high, 1, 8, 1, 3)
        self.band = QLabel(" ")
        self.band.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.band.setProperty("role", "h2")
        grid.addWidget(self.band, 2, 0, 1, 11)
        self.group.idClicked.connect(self.set_value)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Pain from 0, no pain, to 10, worst pain imaginable")

    def set_value(self, value: int) -> None:
        self.value = max(0, min(10, value))
        self.buttons[self.value].setChecked(True)
        self.band.setText(f"{self.value}: {band(self.value)}")
        self.setAccessibleDescription(self.band.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        text = event.text()
        if len(text) == 1 and text.isdigit():
            self.set_value(int(text))
            return
        step = {Qt.Key.Key_Right: 1, Qt.Key.Key_Up: 1, Qt.Key.Key_Left: -1, Qt.Key.Key_Down: -1}
        key = event.key()
        if key == Qt.Key.Key_Home:
            self.set_value(0)
        elif key == Qt.Key.Key_End:
            self.set_value(10)
        elif key in step:
            # nothing chosen yet: the first arrow press picks 0
            self.set_value(0 if self.value is None else self.value + step[Qt.Key(key)])
        else:
            super().keyPressEvent(event)


class Chips(QWidget):
    """Toggle chips, several allowed (body areas) or exactly one (how it felt)."""

    def __init__(self, options: dict[str, str], exclusive: bool) -> None:
        super().__init__()
        self.group = QButtonGroup(self)
        self.group.setExclusive(exclusive)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.keys = list(options)
        for i, label in enumerate(options.values()):
            chip = QPushButton(label)
            chip.setCheckable(True)
            chip.setProperty("chip", True)
            self.group.addButton(chip, i)
            row.addWidget(chip)
        row.addStretch()

    def selected(self) -> tuple[str, ...]:
        return tuple(self.keys[i] for i, b in enumerate(self.group.buttons()) if b.isChecked())

    def select(self, keys: tuple[str, ...]) -> None:
        for i, button in enumerate(self.group.buttons()):
            button.setChecked(self.keys[i] in keys)


class RatingDialog(QDialog):
    """`before=True`: rating, body areas, note. `before=False`: rating and how it felt."""

    def __init__(self, before: bool, routine_title: str, parent: QWidget | None = None,
                 initial: Rating | None = None) -> None:
        super().__init__(parent)
        self.before = before
        self.setWindowTitle("Your pain now" if before else "How is your back now?")
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)
        question = QLabel("How is your back right now?" if before
                          else f"You have finished {routine_title}. How is your back now?")
        question.setProperty("role", "h2")
        question.setWordWrap(True)
        layout.addWidget(question)
        self.scale = PainScale()
        layout.addWidget(self.scale)
        self.locations: Chips | None = None
        self.feeling: Chips | None = None
        self.note: QLineEdit | None = None
        if before:
            where = QLabel("Where is it? (choose any, or none)")
            layout.addWidget(where)
            self.locations = Chips(LOCATIONS, exclusive=False)
            layout.addWidget(self.locations)
            self.note = QLineEdit()
            self.note.setPlaceholderText("A note for yourself (optional)")
            self.note.setAccessibleName("Note")
            layout.addWidget(self.note)
        else:
            layout.addWidget(QLabel("How did the routine feel?"))
            self.feeling = Chips(FEELINGS, exclusive=True)
            layout.addWidget(self.feeling)
        self.save = QPushButton("Start" if before else "Save rating")
        self.save.setProperty("primary", True)
        self.save.setEnabled(False)
        self.save.setDefault(True)
        self.save.clicked.connect(self.accept)
        skip = QPushButton("Skip" if not before else "Cancel")
        skip.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(skip)
        buttons.addWidget(self.save)
        layout.addLayout(buttons)
        self.scale.group.idToggled.connect(lambda _i, _on: self.save.setEnabled(True))
        if initial is not None:
            self.scale.set_value(initial.pain)
            if self.locations is not None:
                self.locations.select(initial.locations)
            if self.note is not None:
                self.note.setText(initial.note)
            if self.feeling is not None and initial.feeling:
                self.feeling.select((initial.feeling,))
        self.scale.setFocus()

    def rating(self) -> Rating | None:
        if self.scale.value is None:
            return None
        feeling = self.feeling.selected() if self.feeling else ()
        return Rating(self.scale.value,
                      self.locations.selected() if self.locations else (),
                      self.note.text().strip() if self.note else "",
                      feeling[0] if feeling else None)
