"""Settings -> Dictation, "In this session": how the dictation keys are caught and how the
text is delivered here, why the better ways are not used, and, where the desktop's own
shortcut is needed, the exact lines or steps with a Copy button (and on GNOME, a button
that makes the shortcut after asking)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_asr.dictation.desktop_shortcuts import GNOME_PATH, gnome_binding
from desktop_asr.dictation.keys import parse_combination
from desktop_asr.dictation.session_plan import (
    KEYS_DESKTOP,
    KEYS_NONE,
    KEYS_PORTAL,
    TEXT_CLIPBOARD,
    TEXT_PORTAL,
    TEXT_PYNPUT,
    KeysPlan,
    SessionPlan,
)
from desktop_asr.errors import AsrError
from desktop_asr.system.text_output import Reason
from desktop_asr.ui.dialogs.confirm import ask_yes_no
from desktop_asr.ui.status.error_text import error_words
from desktop_asr.ui.widgets.error_details import show_error


def plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class SessionMethods(QWidget):
    def __init__(self, plan: SessionPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.session_label = plain_label()
        self.keys_label = plain_label()
        self.steps_box = QPlainTextEdit()
        self.steps_box.setReadOnly(True)
        self.steps_box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)  # lines to copy
        self.steps_box.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.steps_box.setMaximumHeight(90)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(self._copy)
        self.gnome_button = QPushButton(self.tr("Create the shortcut in GNOME…"))
        self.gnome_button.clicked.connect(self._make_gnome_shortcut)
        self.text_label = plain_label()
        self.passed_label = plain_label()
        self.passed_label.setStyleSheet("color: palette(mid);")
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.gnome_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.session_label, self.keys_label, self.steps_box):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(self.text_label)
        layout.addWidget(self.passed_label)
        self.ask = ask_yes_no  # tests answer without a message box
        self._keys: KeysPlan | None = None
        self._toggle: str | None = None
        session = plan.session
        where = session.kind_name + (f" · {session.desktop_name}" if session.desktop_name
                                     else "")
        self.session_label.setText(self.tr("This session: {0}").format(where))
        self.text_label.setText(self._text_sentence())
        passed = [f"{name}: {self.reason(reason)}" for name, reason in plan.text.passed]
        self.passed_label.setText(self.tr("Not used here: {0}").format("; ".join(passed))
                                  if passed else "")
        self.passed_label.setVisible(bool(passed))
        self.set_keys(None, None)

    def set_keys(self, toggle: str | None, push_to_talk: str | None) -> None:
        """Show how these keys would work here (the editors call it as they change)."""
        try:
            keys = self.plan.keys(toggle, push_to_talk)
        except AsrError:  # keys being edited that do not parse yet: keep the last view
            return
        self._keys, self._toggle = keys, toggle
        steps = keys.steps
        lines = list(steps.lines) if steps is not None else []
        if keys.how == KEYS_DESKTOP and steps is not None and not lines:
            lines = list(steps.commands)
        self.keys_label.setText(self._keys_sentence(keys))
        self.steps_box.setPlainText("\n".join(lines))
        self.steps_box.setVisible(bool(lines))
        self.copy_button.setVisible(bool(lines))
        self.gnome_button.setVisible(keys.how == KEYS_DESKTOP and steps is not None
                                     and steps.desktop == "gnome" and toggle is not None)

    def _keys_sentence(self, keys: KeysPlan) -> str:
        if keys.how == KEYS_NONE:
            return self.tr("Keys: no display was found, so no keys can be caught.")
        if keys.how == KEYS_PORTAL:
            return self.tr("Keys: your desktop's global shortcuts (it may ask you to confirm "
                           "them, and lets you change them in its settings).")
        if keys.how != KEYS_DESKTOP or keys.steps is None:
            return self.tr("Keys: caught by desktop-asr anywhere on the desktop.")
        steps = keys.steps
        why = self.reason(keys.reason) if keys.reason else ""
        if steps.config_file:
            how = self.tr("add these lines to {0} and reload it").format(steps.config_file)
        elif steps.desktop == "gnome":
            how = self.tr("a custom shortcut in Settings → Keyboard → Custom Shortcuts (push "
                          "to talk is not possible: GNOME runs shortcuts only on the press)")
        else:
            how = self.tr("a custom shortcut in your desktop's keyboard settings that runs "
                          "the command below")
        return self.tr("Keys: {0}. Use your desktop's own shortcut: {1}.").format(why, how)

    def _text_sentence(self) -> str:
        text = self.plan.text
        clipboard = (self.tr(" Your clipboard is kept with wl-clipboard.")
                     if text.wl_clipboard else "")
        if text.how == TEXT_PYNPUT:
            return self.tr("Text: pasted or typed by desktop-asr.")
        if text.how == TEXT_PORTAL:
            return self.tr("Text: sent through your desktop's remote-desktop permission "
                           "(asked once).") + clipboard
        if text.how == TEXT_CLIPBOARD:
            return self.tr("Text: left on the clipboard, with a notice to press Ctrl+V "
                           "(nothing here can send keys to other windows).")
        return self.tr("Text: pasted or typed with {0}.").format(text.how) + clipboard

    def reason(self, reason: Reason) -> str:
        """A reason in words, in the interface's language."""
        arg = reason.args[0] if reason.args else ""
        sentences = {
            "missing-command": self.tr("{0} is not installed"),
            "not-wlroots": self.tr("it works only on wlroots compositors (sway, Hyprland…), "
                                   "not on {0}"),
            "no-daemon": self.tr("its service is not running ({0} is missing)"),
            "not-wayland": self.tr("not needed outside Wayland"),
            "no-remote-desktop": self.tr("not offered by this desktop"),
            "remote-desktop-not-for-keys": self.tr("this desktop does not let it send keys"),
            "no-shortcuts-portal": self.tr("this desktop offers no global shortcuts to "
                                           "applications"),
            "no-display": self.tr("no display was found"),
        }
        return sentences.get(reason.code, reason.code).format(arg)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.steps_box.toPlainText())

    def _make_gnome_shortcut(self) -> None:
        from desktop_asr.dictation.desktop_shortcuts import app_command
        from desktop_asr.system.gnome_shortcuts import add_custom_shortcut

        if self._toggle is None:
            return
        binding = gnome_binding(parse_combination(self._toggle))
        if not self.ask(self, self.tr(
                "Add a custom keyboard shortcut {0} to GNOME that starts and stops "
                "dictation? Your other shortcuts are kept.").format(self._toggle)):
            return
        try:
            add_custom_shortcut(GNOME_PATH, "desktop-asr dictation",
                                f"{app_command()} --toggle-recording", binding)
        except AsrError as exc:
            show_error(self, *error_words(exc))
            return
        self.gnome_button.setText(self.tr("Shortcut created"))
        self.gnome_button.setEnabled(False)
