"""Put text into the focused window of the current X display the way the app does, from a
process of its own (Qt on xcb, like the app; the test process may run Qt offscreen).

    python -m tests.e2e.paste_driver paste TEXT [ENDING]   # the app's TextDelivery: paste
    python -m tests.e2e.paste_driver type TEXT [ENDING]    # the app's TextDelivery: type

Prints one JSON line when done: ``{"restored": true|false}`` after the clipboard was put
back (paste), ``{"typed": true}`` (type), or ``{"error": ...}``. Then it stays running,
still owning the X11 clipboard it restored, until its stdin ends: the test reads the
clipboard meanwhile (on X11 the content goes away with its owner).
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtGui import QGuiApplication

from desktop_asr.stores.app_settings import AppSettings
from desktop_asr.ui.clipboard_guard import ClipboardGuard
from desktop_asr.ui.text_delivery import TextDelivery


def main(mode: str, text: str, ending: str = "none") -> int:
    app = QGuiApplication(["paste-driver"])
    guard = ClipboardGuard()
    delivery = TextDelivery(guard=guard)

    def say(message: dict[str, object]) -> None:
        print(json.dumps(message, ensure_ascii=False), flush=True)

    def run() -> None:
        try:
            settings = AppSettings(dictation_output=mode, dictation_ending=ending)
            delivery.deliver(text, settings)
            if mode == "type":
                say({"typed": True})
        except Exception as exc:
            say({"error": f"{type(exc).__name__}: {exc}"})
            app.exit(1)

    guard.restored.connect(lambda done: say({"restored": done}))
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(lambda: sys.stdin.readline() or app.quit())
    QTimer.singleShot(0, run)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
