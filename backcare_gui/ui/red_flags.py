"""The red-flag screen: one yes/no per sign (no defaults, never a single "I'm fine" box), then
the advice. With any yes, a session starts only if the person confirms a clinician has checked
them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from backcare_gui.core.pain import INTRO, RED_FLAGS, Screening, Urgency
from backcare_gui.ui import theme


class RedFlagsDialog(QDialog):
    """`exec()` returns Accepted when exercise may go ahead. Read `screening` and
    `clinician_checked` afterwards to record the answers (they are recorded either way)."""

    def __init__(self, parent: QWidget | None = None, *, before_session: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("Before you exercise: a safety check")
        self.setModal(True)
        self.resize(760, 680)
        self.before_session = before_session
        self.groups: dict[str, QButtonGroup] = {}
        self.screening: Screening | None = None
        self.pages = QStackedWidget()

        questions = QWidget()
        grid = QGridLayout(questions)
        grid.setColumnStretch(0, 1)
        grid.setVerticalSpacing(10)
        for row, flag in enumerate(RED_FLAGS):
            text = QLabel(flag.question)
            text.setWordWrap(True)
            yes, no = QRadioButton("Yes"), QRadioButton("No")
            yes.setAccessibleName(f"Yes: {flag.question}")
            no.setAccessibleName(f"No: {flag.question}")
            group = QButtonGroup(self)
            group.addButton(yes, 1)
            group.addButton(no, 0)
            group.idClicked.connect(self._answered)
            self.groups[flag.id] = group
            grid.addWidget(text, row, 0)
            grid.addWidget(yes, row, 1)
            grid.addWidget(no, row, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(questions)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.unanswered = QLabel()
        self.unanswered.setProperty("role", "muted")
        self.next = QPushButton("Continue")
        self.next.setProperty("primary", True)
        self.next.setEnabled(False)
        self.next.clicked.connect(self._show_advice)
        ask_page = QWidget()
        ask = QVBoxLayout(ask_page)
        ask.addWidget(intro)
        ask.addWidget(scroll, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.unanswered, 1)
        footer.addWidget(self.next)
        ask.addLayout(footer)

        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setTextFormat(Qt.TextFormat.RichText)
        self.advice_box = QFrame()
        self.advice_box.setProperty("role", "soft")
        box_layout = QVBoxLayout(self.advice_box)
        box_layout.setContentsMargins(20, 16, 20, 16)
        box_layout.addWidget(self.advice)
        self.checked = QCheckBox("A doctor or physiotherapist has checked these signs and said "
                                 "I may exercise")
        self.checked.toggled.connect(self._update_go)
        self.go = QPushButton("Start the session" if before_session else "Done")
        self.go.setProperty("primary", True)
        self.go.clicked.connect(self.accept)
        self.back = QPushButton("Change my answers")
        self.back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.not_now = QPushButton("Not now")
        self.not_now.clicked.connect(self.reject)
        advice_page = QWidget()
        advice = QVBoxLayout(advice_page)
        advice.addWidget(self.advice_box)
        advice.addWidget(self.checked)
        advice.addStretch()
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addStretch()
        buttons.addWidget(self.not_now)
        buttons.addWidget(self.go)
        advice.addLayout(buttons)

        self.pages.addWidget(ask_page)
        self.pages.addWidget(advice_page)
        layout = QVBoxLayout(self)
        heading = QLabel("A safety check")
        heading.setProperty("role", "h1")
        layout.addWidget(heading)
        layout.addWidget(self.pages)
        self._answered()

    def answers(self) -> dict[str, bool]:
        return {flag_id: group.checkedId() == 1 for flag_id, group in self.groups.items()
                if group.checkedId() != -1}

    def _answered(self, _id: int = 0) -> None:
        left = len(self.groups) - len(self.answers())
        self.next.setEnabled(left == 0)
        self.unanswered.setText("" if not left else
                                f"{left} question{'s' if left > 1 else ''} still to answer")

    def _show_advice(self) -> None:
        self.screening = Screening(self.answers())
        urgency = self.screening.urgency
        colours = theme.current()
        if urgency is Urgency.EMERGENCY:
            # the one place for a strong colour and a bold sentence
            self.advice.setText(f"<p style='color:{colours.danger}; font-size:16pt'><b>"
                                f"{self.screening.advice}</b></p>")
        elif urgency is Urgency.URGENT:
            self.advice.setText(f"<p><b>Please see a doctor first.</b></p>"
                                f"<p>{self.screening.advice}</p>")
        else:
            self.advice.setText(f"<p>{self.screening.advice}</p>")
        self.checked.setVisible(urgency is not None)
        self.checked.setChecked(False)
        self._update_go()
        self.pages.setCurrentIndex(1)

    def _update_go(self) -> None:
        blocked = self.screening is not None and self.screening.urgency is not None \
            and not self.checked.isChecked()
        self.go.setEnabled(not (blocked and self.before_session))

    @property
    def clinician_checked(self) -> bool:
        return not self.checked.isHidden() and self.checked.isChecked()
