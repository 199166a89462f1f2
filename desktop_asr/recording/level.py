"""Input level over the last ~100 ms: RMS and peak, both 0..1 of full scale."""

from __future__ import annotations

from collections import deque

import numpy as np
import numpy.typing as npt

FULL_SCALE = 32768.0


class LevelMeter:
    """Fed from one thread (`add`), read from any (`level`, `peak`: one atomic tuple)."""

    def __init__(self, samplerate: int, window_seconds: float = 0.1) -> None:
        self._window = max(1, round(samplerate * window_seconds))
        self._blocks: deque[tuple[float, int, float]] = deque()  # (sum of squares, n, peak)
        self._frames = 0
        self._value = (0.0, 0.0)

    def add(self, block: npt.NDArray[np.int16]) -> None:
        samples = np.asarray(block, dtype=np.float64).reshape(-1) / FULL_SCALE
        if samples.size == 0:
            return
        self._blocks.append(
            (float(np.dot(samples, samples)), samples.size, float(np.abs(samples).max()))
        )
        self._frames += samples.size
        # Keep the newest blocks that cover the window (at least one block).
        while len(self._blocks) > 1 and self._frames - self._blocks[0][1] >= self._window:
            self._frames -= self._blocks.popleft()[1]
        total = sum(b[0] for b in self._blocks)
        count = sum(b[1] for b in self._blocks)
        self._value = (min(1.0, (total / count) ** 0.5), max(b[2] for b in self._blocks))

    def reset(self) -> None:
        self._blocks.clear()
        self._frames = 0
        self._value = (0.0, 0.0)

    @property
    def level(self) -> float:
        """RMS of the last ~100 ms (a sine at full scale reads 0.707)."""
        return self._value[0]

    @property
    def peak(self) -> float:
        """Largest absolute sample of the last ~100 ms."""
        return self._value[1]
