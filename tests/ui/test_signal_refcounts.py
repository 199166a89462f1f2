"""PySide6 6.12.0 on CPython 3.11 returns None from every void method, and True from every
emit(), without a reference of its own: each call takes one reference off the interpreter's
None or True, and after a few thousand (a minute of a level meter repainting while the user
records) the interpreter aborts ("none_dealloc: deallocating None") and the recording in
progress is lost. pyproject.toml excludes that release; this checks the PySide6 installed
here (and so the one a bundle is built from) keeps both as they were."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.integration.clitools import ROOT

_CALL_A_LOT = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QObject, QRectF, Signal
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication(["-platform", "offscreen"])

    class Ticker(QObject):
        tick = Signal(float)

    ticker, seen, label = Ticker(), [], QLabel()
    ticker.tick.connect(seen.append)
    image = QImage(64, 16, QImage.Format.Format_ARGB32)
    painter, colour = QPainter(image), QColor(46, 170, 80)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for n in range(100):
        ticker.tick.emit(n / 10)
        label.setText(str(n))
        painter.fillRect(QRectF(0, 0, n % 64, 16), colour)
    print(none_before - sys.getrefcount(None), true_before - sys.getrefcount(True),
          len(seen), flush=True)
    for n in range(20000):  # half an hour of a recording's ticks, levels and repaints
        ticker.tick.emit(n / 10)
        painter.fillRect(QRectF(0, 0, n % 64, 16), colour)
    painter.end()
    print("still alive", flush=True)
""")


def test_void_calls_and_emits_leave_none_and_true_as_they_were():
    import PySide6

    result = subprocess.run([sys.executable, "-c", _CALL_A_LOT], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, (PySide6.__version__, result.stderr[-2000:])
    lines = result.stdout.splitlines()
    none_lost, true_lost, delivered = (int(n) for n in lines[0].split())
    # References kept (by caches, or leaked) are harmless; the bug loses one per call (200
    # of None and 100 of True here), where a few may come and go with caches.
    assert none_lost < 20, (PySide6.__version__, lines[0])
    assert true_lost < 20, (PySide6.__version__, lines[0])
    assert delivered == 100
    assert lines[1] == "still alive"
