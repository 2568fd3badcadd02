"""The look: Fusion with our own palette, light and dark, following the system colour scheme."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


class Colours(NamedTuple):
    window: str
    base: str
    alt_base: str
    text: str
    muted: str  # secondary text, still >= 4.5:1 on window and base
    button: str
    border: str
    accent: str  # the teal of the figures and selection outlines
    primary: str  # filled primary buttons: white text on it is >= 4.5:1
    primary_hover: str
    soft: str  # the soft box behind cautions and notices
    warning: str  # amber, for notices
    warning_soft: str
    danger: str  # red: emergency advice and "stop" only
    dark: bool


LIGHT = Colours(window="#f6f3ee", base="#ffffff", alt_base="#efebe4", text="#1f2a30",
                muted="#4f5b62", button="#e9e4dc", border="#d5cec3", accent="#2a9d8f",
                primary="#1d7268", primary_hover="#175e56", soft="#e6f2ef", warning="#8a5a00",
                warning_soft="#fbefd5", danger="#b3261e", dark=False)
DARK = Colours(window="#1e2326", base="#262c30", alt_base="#2d3438", text="#e8e6e3",
               muted="#b4bcc1", button="#353d42", border="#47525a", accent="#2a9d8f",
               primary="#1d7268", primary_hover="#238377", soft="#23393a", warning="#f2c46d",
               warning_soft="#3d3421", danger="#f2b8b5", dark=True)

BASE_POINT_SIZE = 12


def current() -> Colours:
    """The colours in use, read back from the application's palette (no state of our own)."""
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return DARK if window.lightness() < 128 else LIGHT


def _palette(c: Colours) -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.window, QPalette.ColorRole.WindowText: c.text,
        QPalette.ColorRole.Base: c.base, QPalette.ColorRole.AlternateBase: c.alt_base,
        QPalette.ColorRole.Text: c.text, QPalette.ColorRole.Button: c.button,
        QPalette.ColorRole.ButtonText: c.text, QPalette.ColorRole.ToolTipBase: c.base,
        QPalette.ColorRole.ToolTipText: c.text, QPalette.ColorRole.PlaceholderText: c.muted,
        QPalette.ColorRole.Highlight: c.primary, QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: c.accent, QPalette.ColorRole.Mid: c.border,
        QPalette.ColorRole.Accent: c.accent,
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    disabled = QColor(c.muted)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def stylesheet(c: Colours) -> str:
    # Object names and dynamic properties select the few styled widgets; everything else is
    # plain Fusion with our palette.
    return f"""
    QWidget {{ font-size: {BASE_POINT_SIZE}pt; }}
    QToolTip {{ color: {c.text}; background: {c.base}; border: 1px solid {c.border};
               padding: 4px; }}
    QPushButton {{ min-height: 40px; padding: 0 16px; border-radius: 8px;
                  border: 1px solid {c.border}; background: {c.button}; }}
    QPushButton:hover {{ border-color: {c.accent}; }}
    QPushButton:focus {{ border: 2px solid {c.accent}; }}
    QPushButton:disabled {{ color: {c.muted}; }}
    QPushButton[primary="true"] {{ background: {c.primary}; color: #ffffff; border: none;
                                  font-weight: 600; min-height: 48px; padding: 0 28px; }}
    QPushButton[primary="true"]:hover {{ background: {c.primary_hover}; }}
    QPushButton[primary="true"]:focus {{ border: 3px solid {c.text}; }}
    QPushButton[primary="true"]:disabled {{ background: {c.button}; color: {c.muted}; }}
    QLineEdit {{ min-height: 40px; padding: 0 10px; border-radius: 8px;
                border: 1px solid {c.border}; background: {c.base}; }}
    QLineEdit:focus {{ border: 2px solid {c.accent}; }}
    QComboBox {{ min-height: 40px; padding: 0 10px; }}
    QLabel[role="h1"] {{ font-size: {round(BASE_POINT_SIZE * 1.8)}pt; font-weight: 600; }}
    QLabel[role="h2"] {{ font-size: {round(BASE_POINT_SIZE * 1.4)}pt; font-weight: 600; }}
    QLabel[role="muted"] {{ color: {c.muted}; }}
    QLabel[role="error"] {{ color: {c.warning}; font-weight: 600; }}
    QFrame[role="soft"] {{ background: {c.soft}; border-radius: 8px; }}
    QFrame[role="notice"] {{ background: {c.warning_soft}; border-radius: 8px; }}
    QLabel[role="notice"] {{ color: {c.text}; }}
    QListView#nav {{ background: {c.alt_base}; border: none; outline: none; }}
    QWidget#navColumn {{ background: {c.alt_base}; }}
    QListView#nav::item {{ min-height: 44px; padding: 0 12px; border-radius: 8px; }}
    QListView#nav::item:selected {{ background: {c.primary}; color: #ffffff; }}
    QListView#cards {{ background: {c.window}; border: none; outline: none; }}
    QScrollArea {{ border: none; background: transparent; }}
    QPushButton[danger="true"] {{ color: {c.danger}; }}
    QFrame#player {{ background: {c.window}; }}
    QFrame#player[resting="true"] {{ background: {c.soft}; }}
    QFrame#player[flash="true"] {{ border: 14px solid {c.accent}; }}
    QLabel#cue {{ font-size: {round(BASE_POINT_SIZE * 1.4)}pt; }}
    QProgressBar {{ border: none; border-radius: 4px; background: {c.border}; }}
    QProgressBar::chunk {{ border-radius: 4px; background: {c.accent}; }}
    """


def apply(app: QApplication, dark: bool) -> None:
    colours = DARK if dark else LIGHT
    app.setPalette(_palette(colours))
    app.setStyleSheet(stylesheet(colours))


def setup(app: QApplication) -> None:
    """The look for the first frame. Reading the system's colour scheme touches the Qt
    namespace (~25 ms to create), so the first frame goes by the platform's own palette and
    `follow_system_scheme` (called once the window is up) makes it exact and keeps it so."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    system_window = app.palette().color(QPalette.ColorRole.Window)
    apply(app, dark=system_window.lightness() < 128)


def follow_system_scheme(app: QApplication) -> None:
    from PySide6.QtCore import Qt

    hints = QGuiApplication.styleHints()
    dark = hints.colorScheme() == Qt.ColorScheme.Dark
    if dark != (current() is DARK):
        apply(app, dark)
    if not app.property("backcare-follows-scheme"):  # connect once per application
        app.setProperty("backcare-follows-scheme", True)
        hints.colorSchemeChanged.connect(
            lambda scheme: apply(app, scheme == Qt.ColorScheme.Dark))
