"""The routine editor as a person uses it: customise, fix what is marked, undo, save, try."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from backcare_gui import resources
from backcare_gui.core.library import Library
from backcare_gui.core.routine import ImageResolver, Origin, load_routine
from backcare_gui.core.timeline import total_ms
from backcare_gui.core.wording import duration_text
from backcare_gui.ui.editor import RoutineEditor
from backcare_gui.ui.editor_widgets import PictureDialog
from backcare_gui.ui.routine_actions import RoutineActions


class Host:
    """What the app gives the editor: a library that is read again on save."""

    def __init__(self, user_dir: Path) -> None:
        self.user_dir = user_dir
        self.library = resources.load_app_library(user_dir)
        self.reloads: list[str | None] = []
        self.tried: list[object] = []

    def reload(self, select: str | None) -> None:
        self.library = resources.load_app_library(self.user_dir)
        self.reloads.append(select)


@pytest.fixture
def host(data_home: Path) -> Host:
    return Host(data_home / "routines")


@pytest.fixture
def actions(qtbot: QtBot, host: Host) -> RoutineActions:
    parent = QWidget()
    qtbot.addWidget(parent)
    return RoutineActions(parent, host.user_dir, lambda: host.library, host.reload,
                          host.tried.append)


def customise(actions: RoutineActions, host: Host, routine_id: str) -> RoutineEditor:
    routine = host.library.get(routine_id)
    assert routine is not None
    return actions.edit(routine)


def exercise_index(editor: RoutineEditor, exercise_id: str) -> int:
    return next(i for i, e in enumerate(editor.draft.exercises) if e.id == exercise_id)


def select(editor: RoutineEditor, exercise_id: str) -> None:
    editor.exercise_list.setCurrentRow(exercise_index(editor, exercise_id))
    assert editor.draft.exercises[editor.current].id == exercise_id


def type_into(widget: object, text: str) -> None:
    """As typing does: textEdited per key, not setText."""
    from PySide6.QtWidgets import QLineEdit

    assert isinstance(widget, QLineEdit)
    widget.selectAll()
    widget.del_()
    for char in text:
        widget.insert(char)
        widget.textEdited.emit(widget.text())


def test_customising_morning_mobility_saves_a_copy_the_library_loads(
        actions: RoutineActions, host: Host, tmp_path: Path) -> None:
    original_file = resources.routines_dir() / "morning-mobility.yaml"
    original_bytes = original_file.read_bytes()
    editor = customise(actions, host, "morning-mobility")
    assert editor.draft.id == "morning-mobility-custom"
    assert editor.modified  # a copy not saved yet: closing would ask
    # longer holds
    select(editor, "childs-pose")
    editor.hold_box.setValue(8)
    # one exercise removed
    select(editor, "pelvic-tilt")
    editor.remove_button.click()
    # one own picture
    own = tmp_path / "My Knee.svg"
    own.write_bytes(resources.asset("images/knee-to-chest.svg").read_bytes())
    select(editor, "knee-to-chest")
    editor.picture.button.click()
    dialog = editor.dialog
    assert isinstance(dialog, PictureDialog)
    dialog._use_own()
    assert dialog.file_dialog is not None
    dialog.file_dialog.fileSelected.emit(str(own))
    assert editor.draft.exercises[editor.current].image == "images/my-knee.svg"
    assert editor.check.routine is not None
    assert editor.save()
    saved = host.user_dir / "morning-mobility-custom" / "morning-mobility-custom.yaml"
    assert saved.is_file() and (saved.parent / "images" / "my-knee.svg").is_file()
    assert host.reloads == ["morning-mobility-custom"]
    assert host.library.problems == ()
    mine = host.library.get("morning-mobility-custom")
    assert mine is not None and mine.origin is Origin.USER
    assert [e.id for e in mine.exercises] == ["cat-cow", "childs-pose", "knee-to-chest",
                                              "lower-trunk-rotation"]
    assert mine.exercises[1].hold == 8
    knee = mine.exercises[2].image
    assert knee is not None and knee.path == (saved.parent / "images" / "my-knee.svg").resolve()
    assert original_file.read_bytes() == original_bytes  # BackCare's own stays as it was
    assert not editor.modified


def test_problems_are_shown_beside_the_field_and_block_saving(
        actions: RoutineActions, host: Host) -> None:
    editor = customise(actions, host, "desk-break")
    type_into(editor.name_edit, "")
    error = next(f.error for f in editor._fields if f.path == ("name",) and f.exercise)
    assert not error.isHidden() and error.text() == "This must not be empty"
    assert not editor.save_button.isEnabled() and not editor.try_button.isEnabled()
    assert editor.total.text() == "Total: —"
    assert "1 thing to fix" in editor.status.text()
    assert "⚠" in editor.exercise_list.item(0).text()
    assert not editor.save()  # the keyboard shortcut's path: told, nothing written
    assert not (host.user_dir / "desk-break-custom").exists()
    type_into(editor.name_edit, "Neck turns")
    assert error.isHidden() and editor.save_button.isEnabled()
    assert editor.check.routine is not None
    assert editor.total.text() == f"Total: {duration_text(total_ms(editor.check.routine))}"


def test_the_total_follows_every_change(actions: RoutineActions, host: Host) -> None:
    editor = customise(actions, host, "morning-mobility")
    before = editor.check.total_ms
    assert before is not None
    select(editor, "childs-pose")  # 8 reps of a 5 s hold
    editor.hold_box.setValue(10)
    assert editor.check.total_ms == before + 8 * 5000
    assert editor.total.text() == f"Total: {duration_text(before + 40_000)}"
    editor.reps_box.setValue(9)  # one more rep: a 10 s hold and a 3 s rest
    assert editor.check.total_ms == before + 40_000 + 13_000


def test_undo_and_redo_step_through_changes(actions: RoutineActions, host: Host) -> None:
    editor = customise(actions, host, "morning-mobility")
    title = editor.draft.title
    type_into(editor.title_edit, "Mornings")
    assert editor.draft.title == "Mornings"
    editor.undo_action.trigger()  # the typing is one step, not one per letter
    assert editor.draft.title == title and editor.title_edit.text() == title
    editor.redo_action.trigger()
    assert editor.title_edit.text() == "Mornings"
    count = len(editor.draft.exercises)
    editor.remove_button.click()
    assert len(editor.draft.exercises) == count - 1
    editor.undo_button.click()
    assert len(editor.draft.exercises) == count and editor.exercise_list.count() == count
    assert editor.draft.title == "Mornings"


def test_exercises_reorder_by_button_key_and_drag(qtbot: QtBot, actions: RoutineActions,
                                                  host: Host) -> None:
    editor = customise(actions, host, "morning-mobility")
    ids = [e.id for e in editor.draft.exercises]
    editor.down_button.click()
    assert [e.id for e in editor.draft.exercises] == [ids[1], ids[0], *ids[2:]]
    assert editor.current == 1  # the moved exercise stays selected
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    qtbot.keyClick(editor.exercise_list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [e.id for e in editor.draft.exercises] == ids
    # a drag and drop moves the row in the list's model: the draft follows
    model = editor.exercise_list.model()
    assert model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 3)
    assert [e.id for e in editor.draft.exercises] == [ids[1], ids[2], ids[0], *ids[3:]]
    editor.undo_action.trigger()
    assert [e.id for e in editor.draft.exercises] == ids


def test_steps_can_be_added_changed_reordered_and_removed(
        actions: RoutineActions, host: Host) -> None:
    editor = actions.new()
    assert editor.draft.exercises[0].uses_steps is False
    editor.steps_radio.setChecked(True)
    exercise = editor.draft.exercises[0]
    assert exercise.uses_steps and len(exercise.steps) == 1
    editor.add_step_button.click()
    rows = editor._step_rows
    assert len(rows) == 2
    type_into(rows[1].name, "Breathe out")
    rows[1].seconds.setValue(4)
    rows[1].up.click()
    steps = editor.draft.exercises[0].steps
    assert (steps[0].name, steps[0].seconds) == ("Breathe out", 4)
    editor._step_rows[0].remove.click()
    assert len(editor.draft.exercises[0].steps) == 1
    assert editor._step_rows[0].remove.isEnabled() is False  # a sequence keeps one step
    editor.hold_radio.setChecked(True)
    assert editor.draft.exercises[0].uses_steps is False
    assert editor.check.routine is not None and editor.check.routine.exercises[0].hold == 30


def test_new_routine_ids_follow_the_names_typed(actions: RoutineActions, host: Host) -> None:
    editor = actions.new()
    type_into(editor.title_edit, "Evening calm")
    assert editor.draft.id == "evening-calm"
    type_into(editor.name_edit, "Child's pose")
    assert editor.draft.exercises[0].id == "childs-pose"
    editor.add_button.click()
    type_into(editor.name_edit, "Child's pose")
    assert editor.draft.exercises[1].id == "childs-pose-2"
    assert editor.save()
    assert (host.user_dir / "my-routine" / "my-routine.yaml").is_file()
    assert host.library.get("evening-calm") is not None
    type_into(editor.title_edit, "Evening quiet")  # saved once: the id is the routine's name
    assert editor.draft.id == "evening-calm"


def test_saving_over_a_hand_written_file_asks_first(actions: RoutineActions,
                                                    host: Host) -> None:
    file = host.user_dir / "mine.yaml"
    file.parent.mkdir(parents=True)
    text = (resources.routines_dir() / "desk-break.yaml").read_text().replace(
        "id: desk-break", "id: my-desk")
    file.write_text(text)
    host.library = resources.load_app_library(host.user_dir)
    editor = customise(actions, host, "my-desk")
    assert not editor.modified  # a saved file, opened as it is
    type_into(editor.title_edit, "My desk")
    assert editor.save() is False
    box = editor.dialog
    assert isinstance(box, QMessageBox) and "comments" in box.text()
    assert file.read_text() == text  # nothing written before the answer
    go = next(b for b in box.buttons() if b.text() == "Save without the notes")
    go.click()
    routine = load_routine(file, ImageResolver(resources.assets_dir()))
    assert routine.title == "My desk" and routine.id == "my-desk"
    assert "# " not in file.read_text().split("\n", 1)[1]


@pytest.mark.parametrize(("answer", "closed", "written"), [
    ("Don't save", True, False), ("Cancel", False, False), ("Save", True, True)])
def test_closing_with_unsaved_changes_asks(actions: RoutineActions, host: Host, answer: str,
                                           closed: bool, written: bool) -> None:
    editor = customise(actions, host, "spasm-relief")
    editor.show()
    assert editor.close() is False
    box = editor.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    next(b for b in box.buttons() if b.text() == answer).click()
    assert (host.user_dir / "spasm-relief-custom").exists() is written
    assert editor.isVisible() is not closed


def test_try_it_hands_over_the_routine_as_it_is(actions: RoutineActions, host: Host) -> None:
    editor = customise(actions, host, "desk-break")
    editor.try_button.click()
    (routine,) = host.tried
    assert getattr(routine, "id", None) == "desk-break-custom"
    assert not (host.user_dir / "desk-break-custom").exists()  # trying is not saving


def test_the_picture_chooser_offers_every_bundled_illustration(
        qtbot: QtBot, actions: RoutineActions, host: Host) -> None:
    editor = customise(actions, host, "morning-mobility")
    editor.picture.button.click()
    dialog = editor.dialog
    assert isinstance(dialog, PictureDialog)
    texts = [dialog.grid.item(i).data(Qt.ItemDataRole.UserRole)
             for i in range(dialog.grid.count())]
    assert texts[0] == "" and "images/childs-pose.svg" in texts
    assert len(texts) == 1 + len(list(resources.asset("images").glob("*.svg")))
    current = dialog.grid.currentItem()
    assert current is not None
    assert current.data(Qt.ItemDataRole.UserRole) == editor.draft.exercises[0].image
    dialog.grid.setCurrentRow(texts.index("images/childs-pose.svg"))
    qtbot.keyClick(dialog.grid, Qt.Key.Key_Return)
    assert editor.draft.exercises[0].image == "images/childs-pose.svg"


def test_library_offers_customise_for_bundled_and_edit_for_own(
        window: object, library: Library) -> None:
    from backcare_gui.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.library.select("morning-mobility")
    assert window.library.detail.edit.text() == "Customise"
    assert window.library.new_button.isVisible() and window.library.import_button.isVisible()


def test_ctrl_z_in_a_text_field_undoes_in_the_editor_not_only_the_field(
        qtbot: QtBot, actions: RoutineActions, host: Host) -> None:
    editor = customise(actions, host, "desk-break")
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    title = editor.draft.title
    editor.title_edit.setFocus()
    editor.title_edit.end(False)
    qtbot.keyClicks(editor.title_edit, " at work")
    assert editor.draft.title == f"{title} at work"
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.draft.title == title and editor.title_edit.text() == title
    assert editor.stack.canRedo()  # the editor's undo did it, not the field's own
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert editor.title_edit.text() == f"{title} at work"


def test_export_then_import_in_the_app_asks_before_replacing(
        qtbot: QtBot, actions: RoutineActions, host: Host, tmp_path: Path) -> None:
    editor = customise(actions, host, "desk-break")
    assert editor.save()
    mine = host.library.get("desk-break-custom")
    assert mine is not None
    shared = tmp_path / "shared.zip"
    assert actions.export_to(mine, shared) and shared.is_file()
    # someone else, with a fresh data folder
    other = Host(tmp_path / "other" / "routines")
    parent = QWidget()
    qtbot.addWidget(parent)
    theirs = RoutineActions(parent, other.user_dir, lambda: other.library, other.reload,
                            other.tried.append)
    theirs.import_from(shared)
    assert other.reloads == ["desk-break-custom"]
    assert other.library.get("desk-break-custom") is not None and other.library.problems == ()
    box = theirs.dialog
    assert isinstance(box, QMessageBox) and box.windowTitle() == "Imported"
    # the same again: asked, and "Keep mine" keeps it
    file = other.user_dir / "desk-break-custom" / "desk-break-custom.yaml"
    file.write_text(file.read_text().replace("(my version)", "(changed here)"))
    theirs.import_from(shared)
    question = theirs.dialog
    assert isinstance(question, QMessageBox) and question.windowTitle() == "Replace your routine?"
    next(b for b in question.buttons() if b.text() == "Keep mine").click()
    assert "(changed here)" in file.read_text()
    theirs.import_from(shared)
    question = theirs.dialog
    assert isinstance(question, QMessageBox)
    next(b for b in question.buttons() if b.text() == "Replace").click()
    assert "(my version)" in file.read_text()


def test_a_hostile_archive_is_refused_with_a_calm_message(
        actions: RoutineActions, host: Host, tmp_path: Path) -> None:
    import zipfile

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../escape.yaml", "format: backcare-routine/1\n")
    actions.import_from(evil)
    box = actions.dialog
    assert isinstance(box, QMessageBox) and box.windowTitle() == "Not imported"
    assert "escape.yaml" in box.text()
    assert not (tmp_path / "escape.yaml").exists() and host.reloads == []


def test_quitting_the_app_lets_an_editor_ask_about_its_changes(
        qtbot: QtBot, window: object, actions: RoutineActions, host: Host) -> None:
    from backcare_gui.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.close_guard = actions.close_all  # as the app wires it
    editor = customise(actions, host, "desk-break")
    editor.show()
    quits: list[bool] = []
    app = QApplication.instance()
    assert app is not None
    app.aboutToQuit.connect(lambda: quits.append(True))
    window.quit_app()  # the tray's Quit
    assert quits == [] and editor.isVisible()
    box = editor.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    next(b for b in box.buttons() if b.text() == "Cancel").click()
    assert editor.isVisible() and editor.modified


def test_a_folder_with_its_pictures_imports_from_the_import_menu(
        qtbot: QtBot, window: object, actions: RoutineActions, host: Host,
        tmp_path: Path) -> None:
    from PySide6.QtWidgets import QFileDialog

    from backcare_gui.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    asked: list[bool] = []
    window.library.import_requested.connect(asked.append)
    window.library.import_button.click()
    menu = window.library.import_menu()
    assert menu.isVisible()
    for action in menu.actions():
        action.trigger()
    assert asked == [False, True]
    folder = tmp_path / "from-my-physio"
    (folder / "pics").mkdir(parents=True)
    (folder / "pics" / "lunge.svg").write_bytes(
        resources.asset("images/hamstring-stretch.svg").read_bytes())
    (folder / "lunge.yaml").write_text(
        "format: backcare-routine/1\nid: physio-plan\ntitle: Physio plan\nexercises:\n"
        "  - id: lunge\n    name: Lunge\n    image: pics/lunge.svg\n    hold: 20\n")
    actions.ask_import(folder=True)
    dialog = actions.dialog
    assert isinstance(dialog, QFileDialog)
    assert dialog.fileMode() == QFileDialog.FileMode.Directory
    dialog.fileSelected.emit(str(folder))
    plan = host.library.get("physio-plan")
    assert plan is not None and plan.origin is Origin.USER
    image = plan.exercises[0].image
    assert image is not None and image.path.is_relative_to(host.user_dir.resolve())
