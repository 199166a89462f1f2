"""The Dictation page of Settings: the toggle and push-to-talk keys (with the reasons a
combination is refused), how the text is delivered, and the recording aids."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_asr.dictation.keys import Role, find_problems
from desktop_asr.dictation.session_plan import SessionPlan
from desktop_asr.stores.app_settings import AppSettings
from desktop_asr.ui.dialogs.hotkey_messages import describe
from desktop_asr.ui.dialogs.session_methods import SessionMethods
from desktop_asr.ui.status.error_text import error_words


class KeyField(QWidget):
    """A key-sequence editor that keeps one combination, with a Clear button.
    ``editing(bool)`` says when its editor gains and loses the keyboard focus."""

    changed = Signal()
    editing = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QKeySequenceEdit()
        self.edit.setMaximumSequenceLength(1)
        self.edit.setClearButtonEnabled(True)
        self.clear_button = QPushButton(self.tr("Off"))
        self.clear_button.setToolTip(self.tr("Turn this key off"))
        self.clear_button.clicked.connect(self.edit.clear)
        self.edit.keySequenceChanged.connect(lambda _s: self.changed.emit())
        self.edit.installEventFilter(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.clear_button)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self.editing.emit(event.type() == QEvent.Type.FocusIn)
        return super().eventFilter(watched, event)

    def text(self) -> str | None:
        sequence = self.edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        return sequence or None

    def set_text(self, text: str | None) -> None:
        self.edit.setKeySequence(QKeySequence.fromString(
            text or "", QKeySequence.SequenceFormat.PortableText))


class DictationSettings(QWidget):
    """Shows ``settings``; ``values()`` gives the fields to save, ``problem()`` the reason
    the keys cannot be saved ("" when they can). ``hotkey_problem`` is why global keys do
    not work on this desktop at all (Wayland...), shown with the alternative."""

    keysBeingEdited = Signal(bool)  # a key editor has the focus (the global keys pause)

    def __init__(self, settings: AppSettings, *, hotkey_problem: str = "",
                 plan: SessionPlan | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle_key = KeyField()
        self.toggle_key.set_text(settings.dictation_toggle)
        self.push_key = KeyField()
        self.push_key.set_text(settings.dictation_push_to_talk)
        self.key_problem = QLabel()
        self.key_problem.setTextFormat(Qt.TextFormat.PlainText)  # may hold outside text
        self.key_problem.setWordWrap(True)
        self.key_problem.setStyleSheet("color: palette(highlight);")
        self.environment_note = QLabel(error_words(hotkey_problem)[0])
        self.environment_note.setTextFormat(Qt.TextFormat.PlainText)  # may hold outside text
        self.environment_note.setWordWrap(True)
        self.environment_note.setVisible(bool(hotkey_problem) and plan is None)
        shortcut_note = QLabel(self.tr(
            "You can also bind the command {0} to a key in your desktop's own keyboard "
            "settings.").format("<nobr>desktop-asr --toggle-recording</nobr>"))
        shortcut_note.setTextFormat(Qt.TextFormat.RichText)  # the command on one line
        shortcut_note.setWordWrap(True)
        # How keys and text work in this session (found when the app started).
        self.methods = SessionMethods(plan) if plan is not None else None
        shortcut_note.setVisible(plan is None)

        self.output_combo = QComboBox()
        for value, label in (("paste", self.tr("Paste into the focused window")),
                             ("type", self.tr("Type it key by key (for apps that block "
                                              "paste)")),
                             ("clipboard", self.tr("Only put it on the clipboard"))):
            self.output_combo.addItem(label, value)
        self.output_combo.setCurrentIndex(self.output_combo.findData(settings.dictation_output))
        self.ending_combo = QComboBox()
        for value, label in (("none", self.tr("Nothing")), ("space", self.tr("A space")),
                             ("newline", self.tr("A new line"))):
            self.ending_combo.addItem(label, value)
        self.ending_combo.setCurrentIndex(self.ending_combo.findData(settings.dictation_ending))
        self.auto_stop_check = QCheckBox(self.tr("Stop by itself after a silence of"))
        self.auto_stop_spin = QDoubleSpinBox()
        self.auto_stop_spin.setRange(0.5, 60.0)
        self.auto_stop_spin.setSingleStep(0.5)
        self.auto_stop_spin.setSuffix(self.tr(" s"))
        self.auto_stop_check.setChecked(settings.auto_stop_silence is not None)
        self.auto_stop_spin.setValue(settings.auto_stop_silence or 2.0)
        self.auto_stop_spin.setEnabled(self.auto_stop_check.isChecked())
        self.auto_stop_check.toggled.connect(self.auto_stop_spin.setEnabled)
        self.indicator_check = QCheckBox(self.tr("Show a small indicator while recording"))
        self.indicator_check.setChecked(settings.show_indicator)
        self.indicator_note = QLabel(self.tr(
            "On Wayland a new window takes the keyboard focus, so the indicator would take "
            "the text meant for your application: it is not shown here. The tray icon shows "
            "that desktop-asr is recording."))
        self.indicator_note.setWordWrap(True)
        wayland = plan is not None and plan.session.is_wayland
        self.indicator_check.setEnabled(not wayland)
        self.indicator_note.setVisible(wayland)
        self.sounds_check = QCheckBox(self.tr("Play a sound when recording starts and stops"))
        self.sounds_check.setChecked(settings.play_sounds)

        form = QFormLayout()
        form.addRow(self.tr("Start and stop:"), self.toggle_key)
        form.addRow(self.tr("Push to talk (hold):"), self.push_key)
        form.addRow(self.key_problem)
        form.addRow(self.environment_note)
        form.addRow(shortcut_note)
        if self.methods is not None:
            form.addRow(self.methods)
        form.addRow(self.tr("The text:"), self.output_combo)
        form.addRow(self.tr("After the text:"), self.ending_combo)
        auto_stop = QHBoxLayout()
        auto_stop.addWidget(self.auto_stop_check)
        auto_stop.addWidget(self.auto_stop_spin)
        auto_stop.addStretch(1)
        form.addRow(auto_stop)
        form.addRow(self.indicator_check)
        form.addRow(self.indicator_note)
        form.addRow(self.sounds_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        self.toggle_key.changed.connect(self._check)
        self.push_key.changed.connect(self._check)
        self.toggle_key.editing.connect(self.keysBeingEdited)
        self.push_key.editing.connect(self.keysBeingEdited)
        self._check()

    def problem(self) -> str:
        problems = find_problems(self.toggle_key.text(), self.push_key.text())
        reasons = [describe(problems[role]) for role in Role if role in problems]
        return " ".join(reasons)

    def _check(self) -> None:
        problem = self.problem()
        self.key_problem.setText(problem)
        self.key_problem.setVisible(bool(problem))
        if self.methods is not None and not problem:
            self.methods.set_keys(self.toggle_key.text(), self.push_key.text())

    def values(self) -> dict[str, Any]:
        return {
            "dictation_toggle": self.toggle_key.text(),
            "dictation_push_to_talk": self.push_key.text(),
            "dictation_output": self.output_combo.currentData(),
            "dictation_ending": self.ending_combo.currentData(),
            "auto_stop_silence": (self.auto_stop_spin.value()
                                  if self.auto_stop_check.isChecked() else None),
            "show_indicator": self.indicator_check.isChecked(),
            "play_sounds": self.sounds_check.isChecked(),
        }
