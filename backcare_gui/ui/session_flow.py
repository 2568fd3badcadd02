"""A session from start to record: rating before, the red-flag check when it is due, the player,
a record written as it goes, the rating after and what it means.

Every step is a non-blocking dialog (`open()`) followed by a continuation, so the event loop
never nests and tests can answer each dialog as a person would.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QMessageBox

from backcare_gui.core import pain
from backcare_gui.core.engine import SessionState
from backcare_gui.core.library import Library
from backcare_gui.core.routine import Routine
from backcare_gui.core.timeline import total_ms
from backcare_gui.store.db import StoreError
from backcare_gui.trace import trace
from backcare_gui.ui.rating import Rating, RatingDialog
from backcare_gui.ui.red_flags import RedFlagsDialog

if TYPE_CHECKING:
    from backcare_gui.store.records import Feeling, FinishStatus, SessionRecords, SessionRow
    from backcare_gui.store.safety import SafetyRecords
    from backcare_gui.ui.main_window import MainWindow
    from backcare_gui.ui.player import PlayerPage

log = logging.getLogger(__name__)
_T = TypeVar("_T")


class SessionFlow(QObject):
    recorded = Signal()  # a session record changed (the history refreshes)
    feedback_shown = Signal(object)  # pain.Feedback, after the after-rating

    def __init__(self, window: MainWindow, library: Library, records: SessionRecords | None,
                 safety: SafetyRecords | None) -> None:
        super().__init__(window)
        self.window = window
        self.library = library
        self.records = records
        self.safety = safety
        self.session_id: int | None = None
        self.routine: Routine | None = None
        self.before: Rating | None = None
        self._resumed_from: int | None = None
        self._store_warned = False
        self.quiet = False
        self.previewing = False  # a "try it" run from the editor: nothing is recorded
        self.dialog: QDialog | QMessageBox | None = None  # the step on screen (tests read it)
        window.player_created.connect(self._attach)
        if window.has_player:
            self._attach(window.player)

    def _attach(self, player: PlayerPage) -> None:
        player.exercise_completed.connect(self._exercise_completed)
        player.session_ended.connect(self._session_ended)
        player.hurt.connect(self._hurt)

    # -- starting --

    def begin(self, routine: Routine, pain_before: int | None = None, *,
              quiet: bool = False) -> None:
        """The Start button: rate first (unless a rating was given on the command line).
        `quiet`: a routine on a desk break: no ratings, just the routine (and the safety
        check if it was never done)."""
        if self.window.in_session:
            return
        self.routine = routine
        self._resumed_from = None
        self.quiet = quiet
        self.previewing = False
        if quiet:
            self._rated(None)
            return
        if pain_before is not None:
            self._rated(Rating(pain_before))
            return
        dialog = RatingDialog(before=True, routine_title=routine.title, parent=self.window)
        dialog.accepted.connect(lambda: self._rated(dialog.rating()))
        self._show(dialog)

    def preview(self, routine: Routine) -> None:
        """Run a routine from the editor as it is: no ratings, no safety questions, and no
        record (it is a try-out, and it may not even be saved yet)."""
        if self.window.in_session:
            return
        self.routine, self.session_id, self.before = routine, None, None
        self.previewing, self.quiet = True, True
        self.window.start_session(routine)

    def resume(self, row: SessionRow) -> None:
        """Continue an interrupted session from the exercise where it stopped."""
        routine = self.library.get(row.routine_id)
        if routine is None:
            return
        self.previewing = False
        self.routine = routine
        self._resumed_from = row.id
        self.before = Rating(row.pain_before, row.locations, row.note) \
            if row.pain_before is not None else None
        self._go(from_exercise=min(row.exercises_done, len(routine.exercises) - 1))

    def offer_resume(self, today: date | None = None) -> None:
        """On start-up: an interrupted session of today can be continued."""
        row = self._store(lambda r: r.resumable(today or date.today()))
        if row is None or self.library.get(row.routine_id) is None:
            return
        routine = self.library.get(row.routine_id)
        assert routine is not None
        at = row.started_at.astimezone().strftime("%H:%M")
        next_name = routine.exercises[min(row.exercises_done, len(routine.exercises) - 1)].name
        box = QMessageBox(QMessageBox.Icon.Question, "Continue your session?",
                          f"Your {routine.title} session from {at} was interrupted. Would you "
                          f"like to continue from {next_name}?", parent=self.window)
        go = box.addButton("Continue", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go)
        box.finished.connect(lambda _r: self.resume(row) if box.clickedButton() is go else None)
        self._show(box)
        trace(f"resume-offered {row.id}")

    def _rated(self, rating: Rating | None) -> None:
        self.before = rating
        safety = self.safety
        completed = bool(safety and self._store(lambda _r: safety.red_flags_completed()))
        if pain.screening_needed(completed, rating.pain if rating else None):
            self.check_red_flags(before_session=True)
        else:
            self._go()

    def check_red_flags(self, before_session: bool = False) -> None:
        dialog = RedFlagsDialog(self.window, before_session=before_session)

        def done(result: int) -> None:
            screening, safety = dialog.screening, self.safety
            if screening is not None and screening.complete and safety is not None:
                self._store(lambda _r: safety.record_red_flags(
                    screening.answers, "screen", dialog.clinician_checked))
            if before_session and result == QDialog.DialogCode.Accepted:
                self._go()

        dialog.finished.connect(done)
        self._show(dialog)

    def _go(self, from_exercise: int = 0) -> None:
        routine = self.routine
        assert routine is not None
        before = self.before
        self.session_id = self._store(lambda r: r.start(
            routine.id, routine.title, routine.sha256(), total_ms(routine) / 1000,
            before.pain if before else None, before.locations if before else (),
            before.note if before else "", resumed_from=self._resumed_from))
        self.window.start_session(routine, from_exercise)

    # -- during --

    def _exercise_completed(self, done: int, last_id: str, active: float) -> None:
        session_id = self.session_id
        if session_id is not None:
            self._store(lambda r: r.exercise_done(session_id, done, last_id, active))

    def _hurt(self, exercise_id: str, name: str, action: str) -> None:
        session_id = self.session_id
        if action not in ("skip", "stop"):
            raise ValueError(action)
        if session_id is not None and self.safety is not None:
            safety = self.safety
            self._store(lambda _r: safety.record_hurt(session_id, exercise_id, name,
                                                      "skip" if action == "skip" else "stop"))

    # -- after --

    def _session_ended(self, routine: Routine, state: SessionState, active: float) -> None:
        if self.previewing:
            self.previewing = False
            return
        session_id = self.session_id
        status: FinishStatus
        if state is SessionState.FINISHED:
            status = "completed"
        else:
            done = self.window.player.exercises_done
            status = "abandoned" if done == 0 else "partial"
        if session_id is not None:
            if state is SessionState.FINISHED:
                last = routine.exercises[-1].id
                count = len(routine.exercises)
                self._store(lambda r: r.exercise_done(session_id, count, last, active))
            self._store(lambda r: r.finish(session_id, status, active, None, None))
            self.recorded.emit()
        if self.quiet:
            return
        dialog = RatingDialog(before=False, routine_title=routine.title, parent=self.window)
        dialog.accepted.connect(lambda: self._rated_after(routine, dialog.rating()))
        self._show(dialog)

    def _rated_after(self, routine: Routine, rating: Rating | None) -> None:
        session_id = self.session_id
        if rating is None:
            return
        if session_id is not None:
            feeling = rating.feeling
            self._store(lambda r: r.set_after(session_id, rating.pain, _feeling(feeling)))
            self.recorded.emit()
        if self.before is None:
            return
        result = pain.feedback(self.before.pain, rating.pain, routine.title)
        self.feedback_shown.emit(result)
        box = QMessageBox(QMessageBox.Icon.Information, result.title, result.message,
                          parent=self.window)
        box.finished.connect(lambda _r: self._maybe_nudge())
        self._show(box)

    def _maybe_nudge(self) -> None:
        records, safety = self.records, self.safety
        if records is None or safety is None:
            return
        if self._store(lambda _r: safety.notice_shown(pain.NUDGE_KEY)):
            return
        now = datetime.now(UTC)
        series = self._store(lambda r: r.pain_series(None, None)) or []
        ratings = [(row.started_at, row.pain_before, row.pain_after) for row in series
                   if row.pain_before is not None and row.pain_after is not None]
        if not pain.needs_gp_nudge(ratings, now):
            return
        box = QMessageBox(QMessageBox.Icon.Information, "A thought about your progress",
                          pain.NUDGE_TEXT, parent=self.window)
        box.finished.connect(lambda _r: self._store(lambda _x: safety.mark_notice(pain.NUDGE_KEY)))
        self._show(box)

    # -- plumbing --

    def _show(self, dialog: QDialog | QMessageBox) -> None:
        self.dialog = dialog
        dialog.open()

    def _store(self, action: Callable[[SessionRecords], _T]) -> _T | None:
        """Run a records action; a storage problem is told once, calmly, and never stops the
        session."""
        if self.records is None:
            return None
        try:
            return action(self.records)
        except StoreError as exc:
            log.warning("store: %s", exc)
            if not self._store_warned:
                self._store_warned = True
                box = QMessageBox(QMessageBox.Icon.Information, "Your records", exc.message,
                                  parent=self.window)
                box.open()
                self.store_box = box
            return None


def _feeling(text: str | None) -> Feeling | None:
    for feeling in ("easier", "same", "harder"):
        if text == feeling:
            return feeling
    return None
