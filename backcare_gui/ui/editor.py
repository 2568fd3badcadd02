"""The routine editor: a window over a RoutineDraft, with undo, live checks and a live total.

Every change makes a new (frozen) draft and goes through the undo stack; the widgets only ever
show the current draft. The draft is checked after each change by the same validator as
`routines validate` (core/routine_draft.check), whose messages appear beside the fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from backcare_gui.core.routine import MAX_COUNT, Level
from backcare_gui.core.routine_draft import (
    Check,
    DraftResolver,
    ExerciseDraft,
    FieldPath,
    FieldProblem,
    RoutineDraft,
    StepDraft,
    check,
    exercise_id_for,
    new_exercise,
    value_at,
    with_value,
)
from backcare_gui.core.routine_save import SaveTarget, draft_pictures, picture_text, save_draft
from backcare_gui.core.wording import dose_text, duration_text
from backcare_gui.ui.editor_widgets import (
    PictureButton,
    PictureDialog,
    SecondsBox,
    TextListEdit,
    WordsEdit,
)
from backcare_gui.ui.images import PictureCache

AUTO_ROUTINE_ID = re.compile(r"my-routine(-\d+)?")
AUTO_EXERCISE_ID = re.compile(r"exercise-\d+")
SIDES = (("No sides", ()), ("Each side, left first", ("left", "right")),
         ("Each side, right first", ("right", "left")), ("Left side only", ("left",)),
         ("Right side only", ("right",)))


@dataclass(frozen=True, slots=True)
class _State:
    draft: RoutineDraft
    current: int  # the exercise shown in the form


@dataclass(slots=True)
class _Field:
    """One input bound to one value of the draft."""

    path: FieldPath  # within the routine, or within the current exercise (exercise=True)
    exercise: bool
    read: Callable[[], object]
    write: Callable[[object], None]
    error: QLabel


class _Edit(QUndoCommand):
    def __init__(self, editor: RoutineEditor, before: _State, after: _State, text: str,
                 merge_id: int) -> None:
        super().__init__(text)
        self.editor, self.before, self.after, self.merge_id = editor, before, after, merge_id
        self.first = True

    def id(self) -> int:
        return self.merge_id

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        # typing in one field is one undo step, not one per letter
        if not isinstance(other, _Edit) or other.merge_id != self.merge_id:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        self.editor.show_state(self.after)

    def undo(self) -> None:
        self.editor.show_state(self.before)


class _OneUndo(QObject):
    """Text fields keep their own undo history; in the editor Ctrl+Z must go to the editor's,
    or the fields and the draft would undo different things."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                event.matches(QKeySequence.StandardKey.Undo)
                or event.matches(QKeySequence.StandardKey.Redo)):
            event.ignore()  # not the field's: the window's Undo / Redo shortcuts take it
            return True
        return False


class RoutineEditor(QMainWindow):
    saved = Signal(object)  # Path: the file written
    try_requested = Signal(object)  # Routine: run it in the player, not recorded
    export_requested = Signal(object)  # Path: the saved file to export

    def __init__(self, draft: RoutineDraft, target: SaveTarget, *, taken_ids: set[str],
                 assets_dir: Path, bundled_pictures: list[Path], is_saved: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.target = target
        self.taken_ids = taken_ids
        self.bundled_pictures = bundled_pictures
        self.pending: dict[str, Path] = {}  # own pictures picked, copied on save
        self.resolver = DraftResolver(assets_dir, self.pending)
        self.pictures = PictureCache()
        self.stack = QUndoStack(self)
        self._never_saved = not is_saved
        # exercise ids in the file on disk: they stay as they are
        self._saved_exercise_ids = {e.id for e in draft.exercises} if is_saved else set()
        self._state = _State(draft, 0)
        self._merge_ids: dict[str, int] = {}
        self._fields: list[_Field] = []
        self._updating = False
        self.check: Check = self._check(draft)
        self.dialog: QWidget | None = None  # the step on screen (tests answer it)
        self._build()
        self.one_undo = _OneUndo(self)
        self._own_undo_only()
        self.stack.cleanChanged.connect(self._clean_changed)
        self.show_state(self._state)

    # -- the draft ----------------------------------------------------------------------

    @property
    def draft(self) -> RoutineDraft:
        return self._state.draft

    @property
    def current(self) -> int:
        return self._state.current

    @property
    def modified(self) -> bool:
        return self._never_saved or not self.stack.isClean()

    def edit(self, draft: RoutineDraft, text: str, merge_key: str | None = None,
             current: int | None = None) -> None:
        """One change, undoable. Changes with the same merge_key in a row are one undo step."""
        after = _State(draft, self.current if current is None else current)
        if after == self._state:
            return
        merge_id = -1 if merge_key is None else self._merge_ids.setdefault(
            merge_key, len(self._merge_ids) + 1)
        self.stack.push(_Edit(self, self._state, after, text, merge_id))

    def show_state(self, state: _State) -> None:
        """Make the widgets show a state (after an edit, an undo or a redo)."""
        count = len(state.draft.exercises)
        current = min(state.current, count - 1) if count else 0
        self._state = _State(state.draft, current)
        self.check = self._check(state.draft)
        self._updating = True
        try:
            self._match_list_length(count)
            self.exercise_list.setCurrentRow(current)
            self._show_exercise_form()
            for bound in self._fields:
                value = self._value(bound)
                if value is not None and bound.read() != value:
                    bound.write(value)
            self._show_problems()
        finally:
            self._updating = False
        self._update_title()

    def _check(self, draft: RoutineDraft) -> Check:
        return check(draft, self.target.file, self.resolver, self.taken_ids)

    def _path(self, bound: _Field) -> FieldPath:
        return ("exercises", self.current, *bound.path) if bound.exercise else bound.path

    def _value(self, bound: _Field) -> object:
        if bound.exercise and not self.draft.exercises:
            return None
        try:
            return value_at(self.draft, self._path(bound))
        except (IndexError, AttributeError):
            return None

    def _changed(self, bound: _Field, label: str) -> None:
        if self._updating or (bound.exercise and not self.draft.exercises):
            return
        path = self._path(bound)
        value = bound.read()
        if value_at(self.draft, path) != value:
            draft = with_value(self.draft, path, value)
            self.edit(self._follow_name(draft, path), label, merge_key=repr(path))

    def _follow_name(self, draft: RoutineDraft, path: FieldPath) -> RoutineDraft:
        """An id not on disk yet follows the name typed while it is still the one the editor
        made ("exercise-2", or the name's own), so files read well; an id someone chose, or
        one already saved (history and shortcuts use it), never changes by itself."""
        before = self.draft
        if path == ("title",) and self._never_saved and draft.title and \
                _made_up(before.id, before.title, self.taken_ids, AUTO_ROUTINE_ID):
            return replace(draft, id=exercise_id_for(draft.title, self.taken_ids))
        if len(path) == 3 and path[2] == "name":
            index = int(path[1])
            exercise, old = draft.exercises[index], before.exercises[index]
            others = [e.id for i, e in enumerate(draft.exercises) if i != index]
            if exercise.name and old.id not in self._saved_exercise_ids and \
                    _made_up(old.id, old.name, others, AUTO_EXERCISE_ID):
                return draft.with_exercise(index, replace(
                    exercise, id=exercise_id_for(exercise.name, others)))
        return draft

    # -- building the window -------------------------------------------------------------

    def _bind(self, widget: QWidget, path: FieldPath, label: str, *, exercise: bool,
              read: Callable[[], object], write: Callable[[object], None],
              signal: object) -> QWidget:
        """Bind an input to a draft value; returns the input with its error line under it."""
        error = QLabel()
        error.setProperty("role", "error")
        error.setWordWrap(True)
        error.hide()
        bound = _Field(path, exercise, read, write, error)
        self._fields.append(bound)
        signal.connect(lambda *_args: self._changed(bound, label))  # type: ignore[attr-defined]
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        return box

    def _line(self, path: FieldPath, label: str, *, exercise: bool = False,
              placeholder: str = "") -> tuple[QLineEdit, QWidget]:
        edit = QLineEdit()
        edit.setAccessibleName(label)
        edit.setPlaceholderText(placeholder)
        def write(value: object) -> None:
            edit.setText(str(value))
            edit.setCursorPosition(0)  # the start of a long text, not its end

        return edit, self._bind(edit, path, f"Change {label.lower()}", exercise=exercise,
                                read=lambda: edit.text().strip(), write=write,
                                signal=edit.textEdited)

    def _seconds(self, path: FieldPath, label: str, *, exercise: bool = False,
                 ) -> tuple[SecondsBox, QWidget]:
        box = SecondsBox(label)
        box.setMaximumWidth(180)
        return box, self._bind(box, path, f"Change {label.lower()}", exercise=exercise,
                               read=box.seconds, write=lambda v: box.setValue(float(v)),  # type: ignore[arg-type]
                               signal=box.valueChanged)

    def _count(self, path: FieldPath, label: str) -> tuple[QSpinBox, QWidget]:
        box = QSpinBox()
        box.setRange(1, MAX_COUNT)
        box.setAccessibleName(label)
        box.setMaximumWidth(180)
        return box, self._bind(box, path, f"Change {label.lower()}", exercise=True,
                               read=box.value, write=lambda v: box.setValue(int(v)),  # type: ignore[call-overload]
                               signal=box.valueChanged)

    def _text_list(self, path: FieldPath, label: str, placeholder: str, *,
                   exercise: bool = False) -> QWidget:
        edit = TextListEdit(label, placeholder)
        return self._bind(edit, path, f"Change {label.lower()}", exercise=exercise,
                          read=edit.items, write=edit.set_items,  # type: ignore[arg-type]
                          signal=edit.textChanged)

    def _words(self, path: FieldPath, label: str, placeholder: str) -> QWidget:
        edit = WordsEdit(label, placeholder)
        return self._bind(edit, path, f"Change {label.lower()}", exercise=False,
                          read=edit.items, write=edit.set_items,  # type: ignore[arg-type]
                          signal=edit.textEdited)

    def _build(self) -> None:
        self.resize(1180, 820)
        self.undo_action = self.stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo_action = self.stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcuts(QKeySequence.StandardKey.Redo)
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)

        routine_form = self._routine_form()
        exercises = self._exercise_column()
        form = self._exercise_form()
        splitter = QSplitter()
        splitter.addWidget(_scrolling(routine_form))
        splitter.addWidget(exercises)
        splitter.addWidget(_scrolling(form))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 5)
        splitter.setSizes([380, 260, 640])
        splitter.setChildrenCollapsible(False)

        self.total = QLabel()
        self.total.setProperty("role", "h2")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.undo_button = _action_button(self.undo_action, "Undo the last change")
        self.redo_button = _action_button(self.redo_action, "Redo what was undone")
        self.try_button = QPushButton("Try it")
        self.try_button.setToolTip("Run this routine now, as it is, without recording a "
                                   "session (F5)")
        self.try_button.clicked.connect(self.try_it)
        QShortcut(QKeySequence("F5"), self, self.try_it)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save it as a .zip with its pictures, to share")
        self.export_button.clicked.connect(self._export)
        self.save_button = QPushButton("Save")
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        bar = QHBoxLayout()
        bar.addWidget(self.undo_button)
        bar.addWidget(self.redo_button)
        summary = QVBoxLayout()
        summary.addWidget(self.total)
        summary.addWidget(self.status)
        bar.addLayout(summary, 1)
        for button in (self.try_button, self.export_button, self.save_button):
            bar.addWidget(button)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addWidget(splitter, 1)
        layout.addLayout(bar)
        self.setCentralWidget(central)
        # large targets, as everywhere; the error colour comes from the theme's "error" role
        self.setStyleSheet("QListWidget::item { min-height: 40px; padding: 0 8px; }"
                           "QAbstractSpinBox { min-height: 40px; padding: 0 8px; }")

    def _routine_form(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # labels above: room
        heading = QLabel("Routine")
        heading.setProperty("role", "h2")
        form.addRow(heading)
        self.title_edit, title = self._line(("title",), "Title", placeholder="Morning stretch")
        form.addRow("Title", title)
        self.id_edit, routine_id = self._line(
            ("id",), "Id", placeholder="lowercase-words-with-dashes")
        self.id_edit.setToolTip("The routine's permanent name: shortcuts and your history use "
                                "it. Lowercase letters, digits and '-'.")
        form.addRow("Id", routine_id)
        self.summary_edit, summary = self._line(("summary",), "Summary",
                                                placeholder="One line for the library card")
        form.addRow("Summary", summary)
        description = TextListEdit("Description", "A few sentences (optional)")
        form.addRow("Description", self._bind(
            description, ("description",), "Change description", exercise=False,
            read=lambda: " ".join(description.items()),
            write=lambda v: description.setPlainText(str(v)), signal=description.textChanged))
        self.level_box = QComboBox()
        self.level_box.setAccessibleName("Level")
        self.level_box.addItem("Any level", "")
        for level in Level:
            self.level_box.addItem(level.value.capitalize(), level.value)
        form.addRow("Level", self._bind(
            self.level_box, ("level",), "Change level", exercise=False,
            read=lambda: str(self.level_box.currentData()),
            write=lambda v: self.level_box.setCurrentIndex(max(0, self.level_box.findData(v))),
            signal=self.level_box.activated))
        form.addRow("Tags", self._words(("tags",), "Tags", "morning, stretching"))
        form.addRow("You need", self._words(("equipment",), "Equipment", "mat, towel"))
        form.addRow("Take care", self._text_list(("cautions",), "Cautions",
                                                 "One safety note per line"))
        self.source_edit, source = self._line(("source",), "Source",
                                              placeholder="Where the exercises come from")
        form.addRow("Source", source)
        self.prepare_box, prepare = self._seconds(("prepare_seconds",), "Time to get ready")
        form.addRow("Get ready", prepare)
        self.rest_box, rest = self._seconds(("rest_between_exercises",),
                                            "Rest between exercises")
        form.addRow("Rest between exercises", rest)
        self.routine_problems = QLabel()
        self.routine_problems.setProperty("role", "error")
        self.routine_problems.setWordWrap(True)
        form.addRow(self.routine_problems)
        return page

    def _exercise_column(self) -> QWidget:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(8, 0, 8, 0)
        heading = QLabel("Exercises")
        heading.setProperty("role", "h2")
        self.exercise_list = QListWidget()
        self.exercise_list.setAccessibleName("Exercises, in order")
        self.exercise_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.exercise_list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.exercise_list.setWordWrap(True)
        self.exercise_list.currentRowChanged.connect(self._select_exercise)
        self.exercise_list.model().rowsMoved.connect(lambda *_a: self._dropped())
        self.add_button = QPushButton("Add exercise")
        self.add_button.setToolTip("Add an exercise after this one (Ctrl+Shift+N)")
        self.add_button.clicked.connect(self.add_exercise)
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, self.add_exercise)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove this exercise (Ctrl+Delete; Undo brings it back)")
        self.remove_button.clicked.connect(self.remove_exercise)
        QShortcut(QKeySequence("Ctrl+Delete"), self, self.remove_exercise)
        self.up_button = QPushButton("Move up")
        self.up_button.setToolTip("Move this exercise earlier (Alt+Up)")
        self.up_button.clicked.connect(lambda: self.move_exercise(-1))
        QShortcut(QKeySequence("Alt+Up"), self, lambda: self.move_exercise(-1))
        self.down_button = QPushButton("Move down")
        self.down_button.setToolTip("Move this exercise later (Alt+Down)")
        self.down_button.clicked.connect(lambda: self.move_exercise(1))
        QShortcut(QKeySequence("Alt+Down"), self, lambda: self.move_exercise(1))
        layout.addWidget(heading)
        layout.addWidget(self.exercise_list, 1)
        for pair in ((self.add_button, self.remove_button), (self.up_button, self.down_button)):
            row = QHBoxLayout()
            row.addWidget(pair[0])
            row.addWidget(pair[1])
            layout.addLayout(row)
        return column

    def _exercise_form(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.exercise_heading = QLabel("Exercise")
        self.exercise_heading.setProperty("role", "h2")
        form.addRow(self.exercise_heading)
        self.exercise_problems = QLabel()
        self.exercise_problems.setProperty("role", "error")
        self.exercise_problems.setWordWrap(True)
        form.addRow(self.exercise_problems)
        self.name_edit, name = self._line(("name",), "Exercise name", exercise=True)
        form.addRow("Name", name)
        self.exercise_id_edit, exercise_id = self._line(("id",), "Exercise id", exercise=True)
        form.addRow("Id", exercise_id)
        self.picture = PictureButton(self.pictures, "Choose the exercise's picture")
        self.picture.choose.connect(lambda: self.choose_picture(("image",)))
        form.addRow("Picture", self._bind(
            self.picture, ("image",), "Change picture", exercise=True,
            read=lambda: self._shown_picture, write=self._show_exercise_picture,
            signal=self.picture.choose))
        form.addRow("Cues", self._text_list(("cues",), "Cues",
                                            "One short instruction per line", exercise=True))
        form.addRow("Take care", self._text_list(("cautions",), "Exercise cautions",
                                                 "One safety note per line", exercise=True))
        self.hold_radio = QRadioButton("Hold a position")
        self.steps_radio = QRadioButton("A sequence of steps")
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.hold_radio)
        self.kind_group.addButton(self.steps_radio)
        self.steps_radio.toggled.connect(lambda on: self._set_uses_steps(on))
        kind = QHBoxLayout()
        kind.addWidget(self.hold_radio)
        kind.addWidget(self.steps_radio)
        kind.addStretch()
        form.addRow("Each rep", kind)
        self.hold_box, hold = self._seconds(("hold",), "Hold for", exercise=True)
        self.hold_row = hold
        form.addRow("Hold for", hold)
        self.steps_area = QWidget()
        self.steps_layout = QVBoxLayout(self.steps_area)
        self.steps_layout.setContentsMargins(0, 0, 0, 0)
        self.add_step_button = QPushButton("Add step")
        self.add_step_button.clicked.connect(self.add_step)
        steps_column = QVBoxLayout()
        steps_column.addWidget(self.steps_area)
        steps_column.addWidget(self.add_step_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.steps_box = QWidget()
        self.steps_box.setLayout(steps_column)
        form.addRow("Steps", self.steps_box)
        self.reps_box, reps = self._count(("reps",), "Repetitions")
        form.addRow("Repetitions", reps)
        self.rep_rest_box, rep_rest = self._seconds(("rest_between_reps",),
                                                    "Rest between repetitions", exercise=True)
        form.addRow("Rest between reps", rep_rest)
        self.sides_box = QComboBox()
        self.sides_box.setAccessibleName("Sides")
        for text, sides in SIDES:
            self.sides_box.addItem(text, sides)
        form.addRow("Sides", self._bind(
            self.sides_box, ("sides",), "Change sides", exercise=True,
            read=lambda: tuple(self.sides_box.currentData()),
            write=lambda v: self.sides_box.setCurrentIndex(
                max(0, next((i for i, (_t, s) in enumerate(SIDES) if s == v), 0))),
            signal=self.sides_box.activated))
        self.switch_box, switch = self._seconds(("switch_seconds",), "Time to switch sides",
                                                exercise=True)
        form.addRow("Switch sides", switch)
        self.sets_box, sets = self._count(("sets",), "Sets")
        form.addRow("Sets", sets)
        self.set_rest_box, set_rest = self._seconds(("rest_between_sets",),
                                                    "Rest between sets", exercise=True)
        form.addRow("Rest between sets", set_rest)
        self.exercise_form = form
        self._step_rows: list[_StepRow] = []
        return page

    # -- showing ---------------------------------------------------------------------------

    _shown_picture = ""

    def _show_exercise_picture(self, text: object) -> None:
        self._shown_picture = str(text)
        self.picture.show_picture(self._shown_picture, self._resolve(self._shown_picture))

    def _resolve(self, text: str) -> Path | None:
        if not text:
            return None
        found = self.resolver.resolve(text, self.target.folder)
        return found if isinstance(found, Path) else None

    def _own_undo_only(self) -> None:
        for field in self.findChildren(QLineEdit) + self.findChildren(QPlainTextEdit):
            field.installEventFilter(self.one_undo)

    def _match_list_length(self, count: int) -> None:
        """As many list items as exercises (their texts are set with the problems)."""
        list_ = self.exercise_list
        list_.blockSignals(True)
        while list_.count() > count:
            list_.takeItem(list_.count() - 1)
        while list_.count() < count:
            list_.addItem(QListWidgetItem())
        list_.blockSignals(False)

    def _show_exercise_form(self) -> None:
        has = bool(self.draft.exercises)
        for widget in (self.remove_button, self.up_button, self.down_button):
            widget.setEnabled(has)
        self.up_button.setEnabled(has and self.current > 0)
        self.down_button.setEnabled(has and self.current < len(self.draft.exercises) - 1)
        if not has:
            self.exercise_heading.setText("No exercises yet: add one")
            return
        exercise = self.draft.exercises[self.current]
        self.exercise_heading.setText(f"Exercise {self.current + 1}: "
                                      f"{exercise.name or 'unnamed'}")
        self.hold_radio.setChecked(not exercise.uses_steps)
        self.steps_radio.setChecked(exercise.uses_steps)
        self._set_row_visible(self.hold_row, not exercise.uses_steps)
        self._set_row_visible(self.steps_box, exercise.uses_steps)
        self._set_row_visible(self.switch_box.parentWidget(), bool(exercise.sides))
        self._set_row_visible(self.set_rest_box.parentWidget(), exercise.sets > 1)
        self._set_row_visible(self.rep_rest_box.parentWidget(), exercise.reps > 1)
        self._show_steps(exercise)

    def _set_row_visible(self, field: QWidget | None, visible: bool) -> None:
        if field is not None:
            self.exercise_form.setRowVisible(field, visible)

    def _show_steps(self, exercise: ExerciseDraft) -> None:
        steps = exercise.steps if exercise.uses_steps else ()
        while len(self._step_rows) > len(steps):
            row = self._step_rows.pop()
            row.setParent(None)
            row.deleteLater()
        while len(self._step_rows) < len(steps):
            row = _StepRow(self, len(self._step_rows))
            self._step_rows.append(row)
            self.steps_layout.addWidget(row)
            for field in (row.name, row.cue):
                field.installEventFilter(self.one_undo)
        for row, step in zip(self._step_rows, steps, strict=True):
            row.show_step(step, len(steps), self._resolve(step.image or exercise.image),
                          self.check.under(("exercises", self.current, "steps", row.index)))

    def _show_problems(self) -> None:
        for bound in self._fields:
            messages = self.check.at(self._path(bound)) if self.draft.exercises or \
                not bound.exercise else []
            bound.error.setText("\n".join(_beside(m) for m in messages))
            bound.error.setVisible(bool(messages))
        shown = {self._path(b) for b in self._fields}
        here = ("exercises", self.current)
        exercise_level = [p.message for p in self.check.under(here)
                          if p.path not in shown and "steps" not in p.path[2:3]]
        self.exercise_problems.setText("\n".join(_plain(m) for m in exercise_level))
        self.exercise_problems.setVisible(bool(exercise_level))
        routine_level = [p.message for p in self.check.problems
                         if (p.path not in shown and p.path[:1] != ("exercises",))
                         or p.path == ("exercises",)]
        self.routine_problems.setText("\n".join(_plain(m) for m in routine_level))
        self.routine_problems.setVisible(bool(routine_level))
        for i in range(self.exercise_list.count()):
            item = self.exercise_list.item(i)
            item.setData(Qt.ItemDataRole.UserRole, i)  # where it stands: read after a drop
            exercise = self.draft.exercises[i]
            bad = bool(self.check.under(("exercises", i)))
            item.setText(f"{i + 1}. {exercise.name or 'Unnamed exercise'}"
                         + ("  ⚠" if bad else ""))
            item.setToolTip("Something here needs fixing" if bad else self._dose(i))
        total = self.check.total_ms
        count = len(self.check.problems)
        if total is not None:
            self.total.setText(f"Total: {duration_text(total)}")
            self.status.setText("Everything checks out.")
        else:
            self.total.setText("Total: —")
            self.status.setText(f"{count} thing{'s' if count != 1 else ''} to fix before this "
                                "routine can be saved or tried (marked in the form)."
                                if count else "")
        ok = self.check.routine is not None
        self.save_button.setEnabled(ok)
        self.try_button.setEnabled(ok)
        self.save_button.setToolTip("Save (Ctrl+S)" if ok else "Fix the marked fields first")
        self.export_button.setEnabled(ok)

    def _dose(self, index: int) -> str:
        routine = self.check.routine
        return dose_text(routine.exercises[index]) if routine is not None else ""

    def _clean_changed(self, _clean: bool) -> None:
        self._update_title()

    def _update_title(self) -> None:
        title = self.draft.title or "New routine"
        self.setWindowTitle(f"{title}[*] — BackCare routine editor")
        self.setWindowModified(self.modified)

    # -- exercise actions ------------------------------------------------------------------

    def _select_exercise(self, row: int) -> None:
        if self._updating or row < 0 or row == self.current:
            return
        # choosing what to look at is not an edit: it does not go on the undo stack
        self.show_state(_State(self.draft, row))

    def add_exercise(self) -> None:
        exercises = list(self.draft.exercises)
        at = self.current + 1 if exercises else 0
        exercises.insert(at, new_exercise(e.id for e in exercises))
        self.edit(replace(self.draft, exercises=tuple(exercises)), "Add exercise", current=at)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def remove_exercise(self) -> None:
        if not self.draft.exercises:
            return
        exercises = list(self.draft.exercises)
        gone = exercises.pop(self.current)
        self.edit(replace(self.draft, exercises=tuple(exercises)),
                  f"Remove {gone.name or 'exercise'}",
                  current=max(0, min(self.current, len(exercises) - 1)))

    def move_exercise(self, by: int) -> None:
        to = self.current + by
        if not 0 <= to < len(self.draft.exercises):
            return
        exercises = list(self.draft.exercises)
        exercises.insert(to, exercises.pop(self.current))
        self.edit(replace(self.draft, exercises=tuple(exercises)), "Move exercise",
                  current=to)

    def _dropped(self) -> None:
        """A drag and drop reordered the list: read the new order back from the items."""
        if self._updating:
            return
        order = [int(self.exercise_list.item(i).data(Qt.ItemDataRole.UserRole))
                 for i in range(self.exercise_list.count())]
        moved = self.exercise_list.currentRow()
        exercises = tuple(self.draft.exercises[i] for i in order)
        self.edit(replace(self.draft, exercises=exercises), "Move exercise",
                  current=max(0, moved))

    def _set_uses_steps(self, on: bool) -> None:
        if self._updating or not self.draft.exercises:
            return
        exercise = self.draft.exercises[self.current]
        if exercise.uses_steps == on:
            return
        steps = exercise.steps or (StepDraft(name=exercise.name or "Step 1", seconds=5),)
        changed = replace(exercise, uses_steps=on, steps=steps)
        self.edit(self.draft.with_exercise(self.current, changed),
                  "Use steps" if on else "Use a hold")

    # -- steps -----------------------------------------------------------------------------

    def edit_step(self, index: int, step: StepDraft, label: str, merge: str | None) -> None:
        exercise = self.draft.exercises[self.current]
        steps = list(exercise.steps)
        steps[index] = step
        self.edit(self.draft.with_exercise(self.current, replace(exercise, steps=tuple(steps))),
                  label, merge_key=merge and f"{self.current}/{index}/{merge}")

    def add_step(self) -> None:
        exercise = self.draft.exercises[self.current]
        steps = (*exercise.steps, StepDraft(name=f"Step {len(exercise.steps) + 1}", seconds=5))
        self.edit(self.draft.with_exercise(self.current, replace(exercise, steps=steps)),
                  "Add step")
        self._step_rows[-1].name.setFocus()

    def remove_step(self, index: int) -> None:
        exercise = self.draft.exercises[self.current]
        steps = exercise.steps[:index] + exercise.steps[index + 1:]
        self.edit(self.draft.with_exercise(self.current, replace(exercise, steps=steps)),
                  "Remove step")

    def move_step(self, index: int, by: int) -> None:
        exercise = self.draft.exercises[self.current]
        to = index + by
        if not 0 <= to < len(exercise.steps):
            return
        steps = list(exercise.steps)
        steps.insert(to, steps.pop(index))
        self.edit(self.draft.with_exercise(self.current,
                                           replace(exercise, steps=tuple(steps))),
                  "Move step")

    # -- pictures --------------------------------------------------------------------------

    def choose_picture(self, path: FieldPath, step: int | None = None) -> None:
        """The picture chooser for the exercise (step None) or one of its steps."""
        if not self.draft.exercises:
            return
        exercise = self.draft.exercises[self.current]
        current = exercise.image if step is None else exercise.steps[step].image
        none_text = "No picture" if step is None else "The exercise's picture"
        dialog = PictureDialog(self.bundled_pictures, self.pictures, current, none_text, self)
        dialog.accepted.connect(lambda: self._picture_chosen(dialog, step))
        self.dialog = dialog
        dialog.open()

    def _picture_chosen(self, dialog: PictureDialog, step: int | None) -> None:
        if dialog.chosen_file is not None:
            source = dialog.chosen_file
            taken = {*draft_pictures(self.draft), *self.pending,
                     *(f"images/{p.name}" for p in self.bundled_pictures)}
            text = next((t for t, s in self.pending.items() if s == source), None) \
                or picture_text(source, taken)
            self.pending[text] = source
        elif dialog.chosen_text is not None:
            text = dialog.chosen_text
        else:
            return
        exercise = self.draft.exercises[self.current]
        if step is None:
            changed = replace(exercise, image=text)
        else:
            steps = list(exercise.steps)
            steps[step] = replace(steps[step], image=text)
            changed = replace(exercise, steps=tuple(steps))
        self.edit(self.draft.with_exercise(self.current, changed), "Change picture")

    # -- save, try, close ------------------------------------------------------------------

    def save(self) -> bool:
        """Save if the routine checks out; asks first when hand-written comments would go."""
        if self.check.routine is None:
            self._tell("Not saved yet", "Some fields still need fixing (they are marked). "
                       "Your changes are kept here in the editor.")
            return False
        if self.target.would_lose_comments:
            box = QMessageBox(QMessageBox.Icon.Question, "Save over a hand-written file?",
                              f"{self.target.file.name} has notes (comments) written by hand. "
                              "The editor cannot keep them: saving here removes them. The "
                              "routine itself is kept exactly.", parent=self)
            go = box.addButton("Save without the notes", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(go)
            box.finished.connect(lambda _r: self._write() if box.clickedButton() is go
                                 else None)
            self.dialog = box
            box.open()
            return False
        return self._write()

    def _write(self) -> bool:
        try:
            save_draft(self.draft, self.target, self.pending)
        except OSError as exc:
            self._tell("Not saved", f"BackCare could not write {self.target.file}: "
                       f"{exc.strerror or exc}. Your changes are still here in the editor.")
            return False
        self.pending.clear()  # copied now: found in the routine's folder from here on
        self.target = replace(self.target, original_text=None)  # nothing hand-written left
        self._never_saved = False
        self._saved_exercise_ids = {e.id for e in self.draft.exercises}
        self.stack.setClean()
        self._update_title()
        self.saved.emit(self.target.file)
        self.status.setText(f"Saved to {self.target.file}.")
        return True

    def try_it(self) -> None:
        routine = self.check.routine
        if routine is None:
            return
        self.try_requested.emit(replace(routine, path=self.target.file, raw=b""))

    def _export(self) -> None:
        if self.modified:
            self._tell("Save first", "Save the routine first: the export is made from the "
                       "saved file.")
            return
        self.export_requested.emit(self.target.file)

    def _tell(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=self)
        self.dialog = box
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.modified:
            event.accept()
            return
        event.ignore()
        box = QMessageBox(QMessageBox.Icon.Question, "Save your changes?",
                          f"“{self.draft.title or 'This routine'}” has changes that are not "
                          "saved.", parent=self)
        save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Don't save", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            if clicked is discard or (clicked is save and self._write_for_close()):
                self._never_saved = False
                self.stack.setClean()
                self.close()

        box.finished.connect(answered)
        self.dialog = box
        box.open()

    def _write_for_close(self) -> bool:
        if self.check.routine is None or self.target.would_lose_comments:
            self.save()  # explains what stands in the way; the window stays open
            return False
        return self._write()


class _StepRow(QFrame):
    """One step: name, seconds, picture, cue, and its own buttons."""

    def __init__(self, editor: RoutineEditor, index: int) -> None:
        super().__init__()
        self.editor, self.index = editor, index
        self.setProperty("role", "soft")
        self._step = StepDraft()
        self.name = QLineEdit()
        self.name.setAccessibleName(f"Step {index + 1} name")
        self.name.textEdited.connect(lambda t: self._edit(replace(self._step, name=t.strip()),
                                                          "name"))
        self.seconds = SecondsBox(f"Step {index + 1} seconds")
        self.seconds.valueChanged.connect(
            lambda _v: self._edit(replace(self._step, seconds=self.seconds.seconds()),
                                  "seconds"))
        self.cue = QLineEdit()
        self.cue.setAccessibleName(f"Step {index + 1} cue")
        self.cue.setPlaceholderText("What to do in this step (optional)")
        self.cue.textEdited.connect(lambda t: self._edit(replace(self._step, cue=t.strip()),
                                                         "cue"))
        self.picture = PictureButton(editor.pictures, f"Step {index + 1} picture", size=64)
        self.picture.choose.connect(lambda: editor.choose_picture(("image",), self.index))
        self.up = _small_button("↑", f"Move step {index + 1} earlier",
                                lambda: editor.move_step(self.index, -1))
        self.down = _small_button("↓", f"Move step {index + 1} later",
                                  lambda: editor.move_step(self.index, 1))
        self.remove = _small_button("✕", f"Remove step {index + 1}",
                                    lambda: editor.remove_step(self.index))
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.seconds.setFixedWidth(120)
        top = QHBoxLayout()
        top.addWidget(QLabel(f"{index + 1}."))
        top.addWidget(self.name, 1)
        top.addWidget(self.seconds)
        for button in (self.up, self.down, self.remove):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.cue)
        layout.addWidget(self.picture)
        layout.addWidget(self.error)

    def _edit(self, step: StepDraft, what: str) -> None:
        if not self.editor._updating and step != self._step:
            self.editor.edit_step(self.index, step, f"Change step {what}", what)

    def show_step(self, step: StepDraft, count: int, picture: Path | None,
                  problems: list[FieldProblem]) -> None:
        self._step = step
        for widget, value in ((self.name, step.name), (self.cue, step.cue)):
            if widget.text().strip() != value:
                widget.setText(value)
        if self.seconds.seconds() != step.seconds:
            self.seconds.setValue(float(step.seconds))
        self.picture.show_picture(step.image, picture)
        if not step.image:
            self.picture.name.setText("The exercise's picture")
        self.up.setEnabled(self.index > 0)
        self.down.setEnabled(self.index < count - 1)
        self.remove.setEnabled(count > 1)
        messages = [_plain(p.message) for p in problems]
        self.error.setText("\n".join(messages))
        self.error.setVisible(bool(messages))


def _small_button(text: str, name: str, action: Callable[[], None]) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.setToolTip(name)
    button.setFixedWidth(44)
    button.clicked.connect(action)
    return button


def _action_button(action: object, tip: str) -> QPushButton:
    from PySide6.QtGui import QAction

    assert isinstance(action, QAction)
    button = QPushButton(action.text())
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    button.setToolTip(f"{tip} ({keys})")
    button.clicked.connect(action.trigger)
    action.enabledChanged.connect(button.setEnabled)
    button.setEnabled(action.isEnabled())
    return button


def _scrolling(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


def _made_up(current_id: str, name: str, others: object, auto: re.Pattern[str]) -> bool:
    """Whether an id is one the editor made: a numbered default, or the name's own."""
    return bool(auto.fullmatch(current_id)) or (
        bool(name) and current_id == exercise_id_for(name, others))  # type: ignore[arg-type]


def _beside(message: str) -> str:
    """A message shown under its field: the field is already named by its label."""
    return re.sub(r"^'\w+' ", "This ", message) if message.startswith("'") else message


def _plain(message: str) -> str:
    """The validator's words, made friendlier for the form: the field is already named."""
    return message[:1].upper() + message[1:]
