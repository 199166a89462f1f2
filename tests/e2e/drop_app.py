"""Run the real desktop app on the current display, drop FILES on its window with a real
drag-and-drop event, wait for the transcripts, print them as JSON and quit.

    python -m tests.e2e.drop_app FILE...
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from desktop_asr.ui.desktop import DesktopApp, default_services


def main(paths: list[str]) -> int:
    app = QApplication(["desktop-asr"])
    services, problems = default_services()
    desktop = DesktopApp(app, services, problems=problems)
    desktop.start()
    report: dict[str, object] = {"platform": app.platformName()}

    def drop() -> None:
        zone = desktop.window.drop_zone
        report["tray"] = desktop.has_tray
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(p) for p in paths])
        centre = QPointF(zone.rect().center())
        enter = QDragEnterEvent(zone.rect().center(), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(zone, enter)
        event = QDropEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(zone, event)
        report["accepted"] = enter.isAccepted() and event.isAccepted()
        QTimer.singleShot(100, wait)

    def wait() -> None:
        queue = desktop.controller.queue
        if queue.items() and not queue.active_count():
            report["items"] = [{"label": i.label, "status": i.status, "error": i.error,
                                "text": i.transcript.text if i.transcript else None}
                               for i in queue.items()]
            report["shown"] = desktop.window.transcript_view.text()
            desktop.quit()
        else:
            QTimer.singleShot(100, wait)

    QTimer.singleShot(500, drop)
    QTimer.singleShot(60_000, lambda: (report.setdefault("timeout", True), desktop.quit()))
    code = app.exec()
    print(json.dumps(report, ensure_ascii=False))
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
