"""The routine editor's input widgets: seconds, lists of text, and the picture chooser."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backcare_gui.core.routine import MAX_SECONDS, Seconds
from backcare_gui.ui.images import PictureCache

OWN_PICTURE_FILTER = "Pictures (*.svg *.png *.jpg *.jpeg)"


class SecondsBox(QDoubleSpinBox):
    """Seconds as people write them: 30, or 2.5 — never "30.0"."""

    def __init__(self, accessible_name: str) -> None:
        super().__init__()
        self.setRange(0, MAX_SECONDS)
        self.setDecimals(1)
        self.setSingleStep(1)
        self.setSuffix(" s")
        self.setAccessibleName(accessible_name)
        self.setMinimumWidth(110)

    def textFromValue(self, value: float) -> str:  # noqa: N802
        return f"{value:g}"

    def seconds(self) -> Seconds:
        value = round(self.value(), 1)
        return int(value) if value.is_integer() else value


class TextListEdit(QPlainTextEdit):
    """One item per line (cues, cautions): empty lines are ignored."""

    def __init__(self, accessible_name: str, placeholder: str) -> None:
        super().__init__()
        self.setAccessibleName(accessible_name)
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 16)

    def items(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.toPlainText().splitlines() if line.strip())

    def set_items(self, items: tuple[str, ...]) -> None:
        self.setPlainText("\n".join(items))


class WordsEdit(QLineEdit):
    """A few words separated by commas (tags, equipment)."""

    def __init__(self, accessible_name: str, placeholder: str) -> None:
        super().__init__()
        self.setAccessibleName(accessible_name)
        self.setPlaceholderText(placeholder)

    def items(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.text().split(",") if part.strip())

    def set_items(self, items: tuple[str, ...]) -> None:
        self.setText(", ".join(items))


class PictureButton(QWidget):
    """The chosen picture as a thumbnail, and a button to change it."""

    choose = Signal()

    def __init__(self, pictures: PictureCache, accessible_name: str, size: int = 96) -> None:
        super().__init__()
        self._pictures = pictures
        self._size = size
        self.thumb = QLabel()
        self.thumb.setFixedSize(size, size)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setFrameShape(QLabel.Shape.StyledPanel)
        self.button = QPushButton("Choose picture…")
        self.button.setAccessibleName(accessible_name)
        self.button.clicked.connect(self.choose)
        self.name = QLabel()
        self.name.setProperty("role", "muted")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.thumb)
        column = QVBoxLayout()
        column.addWidget(self.button)
        column.addWidget(self.name)
        column.addStretch()
        layout.addLayout(column, 1)

    def show_picture(self, text: str, path: Path | None) -> None:
        side = QSize(self._size - 4, self._size - 4)
        self.thumb.setPixmap(self._pictures.get(path, side, self.devicePixelRatioF()))
        self.name.setText(Path(text).name if text else "No picture")
        self.button.setToolTip(f"The picture: {text}" if text else "Choose a picture")


class PictureDialog(QDialog):
    """BackCare's illustrations to pick from, or a picture file of the person's own."""

    NO_PICTURE = ""

    def __init__(self, bundled: list[Path], pictures: PictureCache, current: str,
                 allow_none_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose a picture")
        self.chosen_text: str | None = None  # "images/x.svg" for one of ours, "" for none
        self.chosen_file: Path | None = None  # a picture of the person's own
        self.file_dialog: QFileDialog | None = None  # the own-picture step (tests answer it)
        self.grid = QListWidget()
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setIconSize(QSize(120, 120))
        self.grid.setGridSize(QSize(150, 160))
        self.grid.setWordWrap(True)
        self.grid.setAccessibleName("BackCare's pictures")
        none_item = QListWidgetItem(allow_none_text)
        none_item.setData(Qt.ItemDataRole.UserRole, self.NO_PICTURE)
        self.grid.addItem(none_item)
        from PySide6.QtGui import QIcon

        for path in bundled:
            text = f"images/{path.name}"
            item = QListWidgetItem(QIcon(pictures.get(path, QSize(120, 120),
                                                      self.devicePixelRatioF())),
                                   path.stem.replace("-", " ").capitalize())
            item.setData(Qt.ItemDataRole.UserRole, text)
            self.grid.addItem(item)
            if text == current:
                self.grid.setCurrentItem(item)
        if self.grid.currentItem() is None:
            self.grid.setCurrentRow(0)
        self.grid.itemActivated.connect(lambda _item: self._use_selected())
        own = QPushButton("Use a picture of your own…")
        own.setToolTip("A photo or drawing from your computer; BackCare keeps a copy with "
                       "the routine")
        own.clicked.connect(self._use_own)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._use_selected)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(own)
        row.addStretch()
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.grid, 1)
        layout.addLayout(row)
        self.resize(760, 560)

    def _use_selected(self) -> None:
        item = self.grid.currentItem()
        if item is None:
            return
        self.chosen_text = str(item.data(Qt.ItemDataRole.UserRole))
        self.accept()

    def _use_own(self) -> None:
        dialog = QFileDialog(self, "Choose a picture of your own", str(Path.home()),
                             OWN_PICTURE_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self._own_chosen)
        self.file_dialog = dialog
        dialog.open()

    def _own_chosen(self, name: str) -> None:
        if name:
            self.chosen_file = Path(name)
            self.accept()
