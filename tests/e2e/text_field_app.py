"""Another application with a text field, for the paste tests: the window the dictated text
must arrive in.

    python -m tests.e2e.text_field_app TITLE

Shows a window titled TITLE holding a QPlainTextEdit, prints one JSON line
``{"ready": true, "window": <X11 window id>}`` once it is shown, then answers commands read
from stdin, one per line, each with one JSON line on stdout:

    state   -> {"text": ..., "active": <window active>, "focus": <field has focus>}
    clear   -> the same, after emptying the field

It quits at the end of its input.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QVBoxLayout, QWidget


def main(title: str) -> int:
    app = QApplication(["text-field-app"])
    window = QWidget()
    window.setWindowTitle(title)
    field = QPlainTextEdit(window)
    layout = QVBoxLayout(window)
    layout.addWidget(field)
    window.resize(400, 200)
    window.show()
    field.setFocus()

    def say(message: dict[str, object]) -> None:
        print(json.dumps(message, ensure_ascii=False), flush=True)

    def state() -> None:
        say({"text": field.toPlainText(), "active": window.isActiveWindow(),
             "focus": field.hasFocus()})

    def command() -> None:
        line = sys.stdin.readline()
        if not line:
            app.quit()
            return
        if line.strip() == "clear":
            field.clear()
        state()

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(command)
    QTimer.singleShot(0, lambda: say({"ready": True, "window": int(window.winId())}))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
