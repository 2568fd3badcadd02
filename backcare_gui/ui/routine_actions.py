"""Making, changing and sharing routines from the app: the editor windows, import and export.

Built on first use (most days nobody edits a routine). After a save or an import the library
is read again, so the new routine is in the library, the tray menu and `--start` at once.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from backcare_gui import resources
from backcare_gui.core.library import Library
from backcare_gui.core.routine import Origin, Routine
from backcare_gui.core.routine_draft import (
    RoutineDraft,
    custom_id,
    draft_from_routine,
    new_routine,
)
from backcare_gui.core.routine_save import SaveTarget, existing_target, new_target
from backcare_gui.ui.editor import RoutineEditor

if TYPE_CHECKING:
    from backcare_gui.core.routine_share import ImportPlan

ZIP_FILTER = "Shared routines (*.zip)"
IMPORT_FILTER = "Shared routines (*.zip *.yaml *.yml)"


class RoutineActions(QObject):
    def __init__(self, parent: QWidget, user_routines: Path, library: Callable[[], Library],
                 reload: Callable[[str | None], None],
                 try_routine: Callable[[Routine], None]) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.user_routines = user_routines
        self.library = library  # the library as it is now (it changes on every save)
        self.reload = reload  # read the library again, then select this routine id
        self.try_routine = try_routine
        self.editors: dict[Path, RoutineEditor] = {}
        self._own_ids: dict[RoutineEditor, str | None] = {}  # the id each one has on disk
        self._work: tempfile.TemporaryDirectory[str] | None = None
        self._plans: list[ImportPlan] = []
        self._done: list[ImportPlan] = []
        self.dialog: QWidget | None = None  # the step on screen (tests answer it)

    # -- the editor ------------------------------------------------------------------------

    def new(self) -> RoutineEditor:
        draft = new_routine(self._ids())
        return self._open(draft, new_target(self.user_routines, draft.id), is_saved=False)

    def edit(self, routine: Routine) -> RoutineEditor:
        """The person's own routine is edited in place; BackCare's own is copied first."""
        if routine.origin is Origin.USER and routine.path is not None:
            open_already = self.editors.get(routine.path)
            if open_already is not None:
                open_already.raise_()
                open_already.activateWindow()
                return open_already
            return self._open(draft_from_routine(routine), existing_target(routine),
                              is_saved=True, own_id=routine.id)
        return self.customise(routine)

    def customise(self, routine: Routine) -> RoutineEditor:
        new_id = custom_id(routine.id, self._ids())
        draft = draft_from_routine(routine)
        from dataclasses import replace

        draft = replace(draft, id=new_id, title=f"{routine.title} (my version)")
        return self._open(draft, new_target(self.user_routines, new_id), is_saved=False)

    def _open(self, draft: RoutineDraft, target: SaveTarget, *, is_saved: bool,
              own_id: str | None = None) -> RoutineEditor:
        editor = RoutineEditor(draft, target, taken_ids=self._ids() - {own_id or ""},
                               assets_dir=resources.assets_dir(),
                               bundled_pictures=sorted(resources.asset("images").glob("*.svg")),
                               is_saved=is_saved, parent=self.parent_widget)
        editor.saved.connect(lambda path, e=editor: self._saved(e, path))
        editor.try_requested.connect(self.try_routine)
        editor.export_requested.connect(self._export_file)
        editor.destroyed.connect(lambda _o=None, p=target.file, e=editor: self._gone(p, e))
        self.editors[target.file] = editor
        self._own_ids[editor] = own_id
        editor.show()
        editor.raise_()
        return editor

    def _gone(self, path: Path, editor: RoutineEditor) -> None:
        self.editors.pop(path, None)
        self._own_ids.pop(editor, None)

    def _saved(self, editor: RoutineEditor, _path: Path) -> None:
        self._own_ids[editor] = editor.draft.id
        self.reload(editor.draft.id)
        ids = self._ids()  # no other open editor may take an id that is now in use
        for other, own_id in self._own_ids.items():
            other.taken_ids = ids - {own_id or ""}

    def close_all(self) -> bool:
        """Before the app quits: every editor closes, or asks (and may say no)."""
        for editor in list(self.editors.values()):
            if not editor.close():
                return False
        return not any(e.modified for e in self.editors.values())

    def _ids(self) -> set[str]:
        return {r.id for r in self.library().routines}

    # -- sharing ---------------------------------------------------------------------------

    def export(self, routine: Routine) -> None:
        if routine.path is None:
            return
        self._export_file(routine.path, routine)

    def _export_file(self, path: Path, routine: Routine | None = None) -> None:
        if routine is None:
            routine = next((r for r in self.library().routines if r.path == path), None)
        if routine is None:
            self._tell("Export", "Save the routine first, then export it.")
            return
        dialog = QFileDialog(self.parent_widget, "Export the routine",
                             str(Path.home() / f"{routine.id}.zip"), ZIP_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("zip")
        dialog.fileSelected.connect(lambda name, r=routine: self.export_to(r, Path(name)))
        self.dialog = dialog
        dialog.open()

    def export_to(self, routine: Routine, target: Path) -> bool:
        from backcare_gui.core.routine_share import ShareError, export_routine

        try:
            export_routine(routine, target)
        except ShareError as exc:
            self._tell("Not exported", exc.message)
            return False
        except OSError as exc:
            self._tell("Not exported", f"BackCare could not write {target}: "
                       f"{exc.strerror or exc}.")
            return False
        self._tell("Exported", f"“{routine.title}” is saved as {target}. Send that file to "
                   "whoever should have the routine; they choose Import… in BackCare.")
        return True

    def ask_import(self, *, folder: bool = False) -> None:
        """Ask for what to import: a .zip or routine file, or a folder with its pictures."""
        dialog = QFileDialog(self.parent_widget, "Import a routine", str(Path.home()),
                             IMPORT_FILTER)
        if folder:
            dialog.setFileMode(QFileDialog.FileMode.Directory)
            dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.import_from(Path(name)))
        self.dialog = dialog
        dialog.open()

    def import_from(self, source: Path) -> None:
        """Validate everything first, then write; replacing a routine of the person's own is
        asked about, one routine at a time."""
        from backcare_gui.core.routine_share import ShareError, prepare_import

        self._finish_import()
        self._work = tempfile.TemporaryDirectory(prefix="backcare-import-")
        try:
            self._plans = prepare_import(source, self.user_routines, self.library(),
                                         Path(self._work.name))
        except ShareError as exc:
            self._finish_import()
            self._tell("Not imported", exc.message, "\n".join(str(p) for p in exc.problems))
            return
        self._next_plan()

    def _next_plan(self) -> None:
        while self._plans:
            plan = self._plans.pop(0)
            if plan.replaces is None:
                self._apply(plan)
                continue
            box = QMessageBox(QMessageBox.Icon.Question, "Replace your routine?",
                              f"You already have a routine “{plan.replaces.title}”. Replace it "
                              f"with the “{plan.routine.title}” you are importing?",
                              parent=self.parent_widget)
            yes = box.addButton("Replace", QMessageBox.ButtonRole.AcceptRole)
            keep = box.addButton("Keep mine", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)
            box.finished.connect(
                lambda _r, p=plan, b=box, y=yes: self._answered(p, b.clickedButton() is y))
            self.dialog = box
            box.open()
            return
        done, self._done = self._done, []
        self._finish_import()
        if done:
            titles = ", ".join(f"“{p.routine.title}”" for p in done)
            notes = [note for p in done if (note := p.note())]
            self._tell("Imported", f"{titles} {'is' if len(done) == 1 else 'are'} now in your "
                       "library." + ("\n\n" + "\n".join(notes) if notes else ""))
            self.reload(done[0].routine.id)

    def _answered(self, plan: ImportPlan, replace: bool) -> None:
        if replace:
            self._apply(plan, replace=True)
        self._next_plan()

    def _apply(self, plan: ImportPlan, *, replace: bool = False) -> None:
        from backcare_gui.core.routine_share import ShareError, apply_import

        try:
            apply_import(plan, replace=replace)
        except (ShareError, OSError) as exc:
            message = exc.message if isinstance(exc, ShareError) else str(exc)
            self._tell("Not imported", message)
            return
        self._done.append(plan)

    def _finish_import(self) -> None:
        self._plans = []
        if self._work is not None:
            self._work.cleanup()
            self._work = None

    def _tell(self, title: str, text: str, details: str = "") -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=self.parent_widget)
        if details:
            box.setDetailedText(details)
        self.dialog = box
        box.open()
