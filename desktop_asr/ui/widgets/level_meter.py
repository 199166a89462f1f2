"""A horizontal live level meter for the microphone: the RMS level as a bar on a dBFS scale
(-60..0 dB) with green, yellow and red zones, and a peak-hold marker that falls back
after a second.

The recorder feeds it ``set_level(rms, peak)`` (linear values 0..1) some twenty times a
second; each call repaints. ``clock`` (seconds, monotonic) is injectable so tests can move
time without sleeping.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

FLOOR_DB = -60.0  # the left end of the scale
YELLOW_DB = -18.0  # the zones start here
RED_DB = -6.0
HOLD_S = 1.0  # the peak marker stays this long...
DECAY_DB_PER_S = 20.0  # ...then falls this fast towards the current peak

GREEN = QColor(46, 170, 80)
YELLOW = QColor(230, 190, 30)
RED = QColor(220, 50, 40)


def to_db(value: float) -> float:
    """A linear level (0..1) in dBFS; silence is -inf."""
    return 20.0 * math.log10(value) if value > 0 else -math.inf


def db_fraction(db: float) -> float:
    """Where ``db`` lies on the meter: 0.0 at FLOOR_DB or below, 1.0 at 0 dBFS or above."""
    if db <= FLOOR_DB:
        return 0.0
    return min(1.0, (db - FLOOR_DB) / -FLOOR_DB)


def level_fraction(value: float) -> float:
    """A linear level (0..1) as a fraction of the meter's width."""
    return db_fraction(to_db(value))


class LevelMeter(QWidget):
    """``set_level(rms, peak)``, ``reset()``; ``level()``, ``peak()`` and ``held_peak()``
    give what is drawn, as fractions of the width (0..1)."""

    def __init__(self, parent: QWidget | None = None, *,
                 clock: Callable[[], float] | None = None) -> None:
        super().__init__(parent)
        self._elapsed = QElapsedTimer()
        self._elapsed.start()
        self._clock: Callable[[], float] = clock if clock is not None else self._seconds
        self._rms_db = -math.inf
        self._peak_db = -math.inf
        self._held_db = -math.inf
        self._held_at = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Input level"))
        self.setAccessibleDescription(
            self.tr("The loudness of the microphone, from -60 dB (silence) to 0 dB (the "
                    "loudest the input can take). Red means too loud."))
        self.setToolTip(self.tr("Input level"))

    def _seconds(self) -> float:
        return self._elapsed.elapsed() / 1000.0

    # --- API -------------------------------------------------------------------------------
    def set_level(self, rms: float, peak: float) -> None:
        """The latest block's levels, linear 0..1 (values outside are clamped)."""
        rms = min(1.0, max(0.0, rms))
        peak = min(1.0, max(rms, min(1.0, max(0.0, peak))))
        self._rms_db = to_db(rms)
        self._peak_db = to_db(peak)
        if self._peak_db >= self._held_db_now():
            self._held_db = self._peak_db
            self._held_at = self._clock()
        self.update()

    def reset(self) -> None:
        """Back to silence, with no peak marker (e.g. when recording stops)."""
        self._rms_db = self._peak_db = self._held_db = -math.inf
        self.update()

    def level(self) -> float:
        return db_fraction(self._rms_db)

    def peak(self) -> float:
        return db_fraction(self._peak_db)

    def held_peak(self) -> float:
        """The peak marker's position now: the highest recent peak, held for HOLD_S, then
        falling at DECAY_DB_PER_S, never below the current peak."""
        return db_fraction(self._held_db_now())

    def _held_db_now(self) -> float:
        if self._held_db == -math.inf:
            return self._peak_db
        late = self._clock() - self._held_at - HOLD_S
        held = self._held_db - DECAY_DB_PER_S * late if late > 0 else self._held_db
        return max(held, self._peak_db)

    # --- QWidget ---------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(200, 14)

    def minimumSizeHint(self) -> QSize:
        return QSize(60, 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        outer = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRect(outer)
        inner = QRectF(self.rect()).adjusted(2, 2, -2, -2)
        if inner.width() <= 0 or inner.height() <= 0:
            return
        painter.setPen(Qt.PenStyle.NoPen)
        zones = ((FLOOR_DB, YELLOW_DB, GREEN), (YELLOW_DB, RED_DB, YELLOW), (RED_DB, 0.0, RED))
        level = self.level()
        for low, high, colour in zones:
            left = inner.left() + inner.width() * db_fraction(low)
            right = inner.left() + inner.width() * db_fraction(high)
            track = QColor(colour)
            track.setAlpha(40)  # the scale, faint, so the zones show even in silence
            painter.fillRect(QRectF(left, inner.top(), right - left, inner.height()), track)
            lit = min(right, inner.left() + inner.width() * level)
            if lit > left:
                painter.fillRect(QRectF(left, inner.top(), lit - left, inner.height()), colour)
        held = self.held_peak()
        if held > 0:
            x = inner.left() + inner.width() * held
            painter.fillRect(QRectF(min(x, inner.right() - 2), inner.top(), 2, inner.height()),
                             palette.color(QPalette.ColorRole.Text))
        painter.end()
