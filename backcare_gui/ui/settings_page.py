"""The Settings page, built from the settings schema: one row per declared setting."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from backcare_gui.core.settings import SCHEMA, SECTIONS, Setting, Settings, SettingValue


class SettingsPage(QScrollArea):
    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.editors: dict[str, QWidget] = {}
        self.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 16, 24, 16)
        heading = QLabel("Settings")
        heading.setProperty("role", "h1")
        layout.addWidget(heading)
        self.notice = QLabel("\n".join(settings.notices))
        self.notice.setWordWrap(True)
        self.notice.setVisible(bool(settings.notices))
        layout.addWidget(self.notice)
        for section, title in SECTIONS.items():
            box = QGroupBox(title)
            form = QFormLayout(box)
            for setting in (s for s in SCHEMA if s.section == section):
                editor = self._editor(setting)
                self.editors[setting.key] = editor
                help_text = QLabel(setting.description)
                help_text.setWordWrap(True)
                help_text.setProperty("role", "muted")
                column = QVBoxLayout()
                column.addWidget(editor)
                column.addWidget(help_text)
                form.addRow(setting.label if setting.kind is not bool else "", column)
            layout.addWidget(box)
        layout.addStretch()
        self.setWidget(body)
        settings.subscribe(self._changed)

    def _editor(self, setting: Setting) -> QWidget:
        value = self.settings.get(setting.key)
        if setting.kind is bool:
            box = QCheckBox(setting.label)
            box.setChecked(bool(value))
            box.toggled.connect(lambda on, key=setting.key: self._set(key, on))
            return box
        if setting.kind is str:
            line = QLineEdit(str(value))
            line.setAccessibleName(setting.label)
            line.setPlaceholderText(setting.hint)
            line.editingFinished.connect(lambda key=setting.key, edit=line: self._set_text(
                key, edit))
            return line
        spin = QSpinBox()
        spin.setAccessibleName(setting.label)
        spin.setRange(setting.minimum if setting.minimum is not None else 0,
                      setting.maximum if setting.maximum is not None else 9999)
        spin.setSuffix(f" {setting.unit}" if setting.unit else "")
        if not setting.optional:
            spin.setValue(int(value or 0))
            spin.valueChanged.connect(lambda v, key=setting.key: self._set(key, v))
            return spin
        # optional: a checkbox says "use my own value", the spin box holds it
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        own = QCheckBox("My own:")
        own.setChecked(value is not None)
        spin.setEnabled(value is not None)
        spin.setValue(int(value) if value is not None else 10)

        def own_toggled(on: bool) -> None:
            spin.setEnabled(on)
            self._set(setting.key, spin.value() if on else None)

        def spin_changed(seconds: int) -> None:
            if own.isChecked():
                self._set(setting.key, seconds)

        own.toggled.connect(own_toggled)
        spin.valueChanged.connect(spin_changed)
        row.addWidget(own)
        row.addWidget(spin)
        row.addStretch()
        return holder

    def _set_text(self, key: str, edit: QLineEdit) -> None:
        try:
            self._set(key, edit.text().strip())
        except ValueError as exc:
            self.notice.setText(f"{edit.accessibleName()} {exc}.")
            self.notice.show()
            edit.setText(str(self.settings.get(key)))

    def _set(self, key: str, value: SettingValue) -> None:
        self.settings.set(key, value)
        try:
            self.settings.save()
        except OSError as exc:
            self.notice.setText(f"Your settings could not be saved ({exc.strerror}); they "
                                "apply until BackCare closes.")
            self.notice.show()

    def _changed(self, key: str, value: SettingValue) -> None:
        editor = self.editors.get(key)
        if isinstance(editor, QCheckBox) and editor.isChecked() != bool(value):
            editor.setChecked(bool(value))  # e.g. M muted the sound during a session
