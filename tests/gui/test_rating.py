"""The pain rating and the red-flag screen, used by keyboard as well as mouse."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from backcare_gui.core.pain import RED_FLAGS, Urgency
from backcare_gui.ui.rating import Rating, RatingDialog
from backcare_gui.ui.red_flags import RedFlagsDialog


@pytest.fixture
def before(qtbot: QtBot) -> RatingDialog:
    dialog = RatingDialog(before=True, routine_title="Morning mobility")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_nothing_is_chosen_until_the_person_chooses(before: RatingDialog) -> None:
    assert before.rating() is None and not before.save.isEnabled()
    assert before.scale.hasFocus()


@pytest.mark.parametrize(("keys", "value"), [
    ("7", 7), ("0", 0), ("9", 9), ("35", 5)])
def test_digits_pick_directly(qtbot: QtBot, before: RatingDialog, keys: str, value: int) -> None:
    for key in keys:
        qtbot.keyClick(before.scale, key)
    assert before.scale.value == value
    assert before.save.isEnabled()


def test_arrows_home_and_end(qtbot: QtBot, before: RatingDialog) -> None:
    qtbot.keyClick(before.scale, Qt.Key.Key_Right)
    assert before.scale.value == 0
    qtbot.keyClick(before.scale, Qt.Key.Key_Right)
    qtbot.keyClick(before.scale, Qt.Key.Key_Up)
    assert before.scale.value == 2
    qtbot.keyClick(before.scale, Qt.Key.Key_End)
    assert before.scale.value == 10
    qtbot.keyClick(before.scale, Qt.Key.Key_Right)
    assert before.scale.value == 10
    qtbot.keyClick(before.scale, Qt.Key.Key_Home)
    qtbot.keyClick(before.scale, Qt.Key.Key_Left)
    assert before.scale.value == 0


def test_band_shown_under_the_choice(qtbot: QtBot, before: RatingDialog) -> None:
    for key, text in (("2", "2: Mild"), ("5", "5: Moderate"), ("8", "8: Severe"),
                      ("0", "0: No pain")):
        qtbot.keyClick(before.scale, key)
        assert before.scale.band.text() == text


def test_locations_note_and_enter_to_save(qtbot: QtBot, before: RatingDialog) -> None:
    assert before.locations is not None and before.note is not None
    before.locations.group.buttons()[0].click()
    before.locations.group.buttons()[4].click()
    before.note.setText("  stiff after driving ")
    qtbot.keyClick(before.scale, "6")
    with qtbot.waitSignal(before.accepted):
        qtbot.keyClick(before.scale, Qt.Key.Key_Return)
    assert before.rating() == Rating(6, ("lower-back", "left-leg"), "stiff after driving")


def test_after_rating_asks_how_it_felt(qtbot: QtBot) -> None:
    dialog = RatingDialog(before=False, routine_title="Core basics")
    qtbot.addWidget(dialog)
    assert dialog.locations is None and dialog.feeling is not None
    dialog.scale.set_value(3)
    dialog.feeling.group.buttons()[0].click()
    dialog.feeling.group.buttons()[2].click()  # exactly one
    assert dialog.rating() == Rating(3, (), "", "harder")


def answer_all(dialog: RedFlagsDialog, yes: set[str]) -> None:
    for flag in RED_FLAGS:
        dialog.groups[flag.id].button(1 if flag.id in yes else 0).click()


def test_red_flags_need_every_answer(qtbot: QtBot) -> None:
    dialog = RedFlagsDialog()
    qtbot.addWidget(dialog)
    assert not dialog.next.isEnabled()
    assert all(g.checkedId() == -1 for g in dialog.groups.values())  # no defaults
    for flag in RED_FLAGS[:-1]:
        dialog.groups[flag.id].button(0).click()
    assert not dialog.next.isEnabled() and "1 question still to answer" in dialog.unanswered.text()
    dialog.groups[RED_FLAGS[-1].id].button(0).click()
    assert dialog.next.isEnabled()


def test_none_apply_lets_the_session_start(qtbot: QtBot) -> None:
    dialog = RedFlagsDialog()
    qtbot.addWidget(dialog)
    answer_all(dialog, set())
    dialog.next.click()
    assert dialog.screening is not None and dialog.screening.urgency is None
    assert dialog.go.isEnabled() and dialog.checked.isHidden()


def test_an_emergency_sign_blocks_until_a_clinician_has_checked(qtbot: QtBot) -> None:
    dialog = RedFlagsDialog()
    qtbot.addWidget(dialog)
    answer_all(dialog, {"bladder"})
    dialog.next.click()
    assert dialog.screening is not None and dialog.screening.urgency is Urgency.EMERGENCY
    assert "call 999" in dialog.advice.text() and "<b>" in dialog.advice.text()
    assert not dialog.go.isEnabled()
    dialog.checked.setChecked(True)
    assert dialog.go.isEnabled() and dialog.clinician_checked


def test_an_urgent_sign_says_see_a_doctor(qtbot: QtBot) -> None:
    dialog = RedFlagsDialog()
    qtbot.addWidget(dialog)
    answer_all(dialog, {"fever"})
    dialog.next.click()
    assert "GP today" in dialog.advice.text() and not dialog.go.isEnabled()
    dialog.back.click()
    dialog.groups["fever"].button(0).click()
    dialog.next.click()
    assert dialog.go.isEnabled()
