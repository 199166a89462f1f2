"""Blocks from a device that cannot record at the wanted rate, converted as they arrive.

PulseAudio, PipeWire, CoreAudio and Windows' MME convert the rate themselves; a raw ALSA
"hw:" device may only offer 44.1 or 48 kHz. Then the stream runs at the device's rate and
each block goes through FFmpeg's resampler (PyAV, already used for decoding files).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


def _layout(channels: int) -> str:
    return {1: "mono", 2: "stereo"}.get(channels, "")


class BlockResampler:
    """int16 blocks (frames x channels) at ``source_rate`` -> int16 at ``target_rate``.

    Output has ``target_channels`` (interleaved 2-D frames x channels). Stateful: feed
    blocks in order, then `flush` once for the last few samples; after `flush` it starts
    afresh.
    """

    def __init__(
        self, source_rate: int, source_channels: int, target_rate: int, target_channels: int
    ) -> None:
        self.source_rate = source_rate
        self.source_channels = source_channels
        self.target_rate = target_rate
        self.target_channels = target_channels
        self._resampler: Any = None

    def _new(self) -> Any:
        import av  # imported when first needed: most systems never resample here

        return av.AudioResampler(
            format="s16", layout=_layout(self.target_channels), rate=self.target_rate
        )

    def _frame(self, block: npt.NDArray[np.int16]) -> Any:
        import av

        data = np.ascontiguousarray(block, dtype=np.int16).reshape(-1, self.source_channels)
        if not _layout(self.source_channels):  # > 2 channels: average them first
            mean = data.astype(np.int32).mean(axis=1)
            data = mean.astype(np.int16).reshape(-1, 1)
        channels = data.shape[1]
        frame = av.AudioFrame.from_ndarray(
            data.reshape(1, -1), format="s16", layout=_layout(channels)
        )
        frame.sample_rate = self.source_rate
        return frame

    def _collect(self, frames: list[Any]) -> npt.NDArray[np.int16]:
        pieces = [f.to_ndarray().reshape(-1) for f in frames]
        out = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)
        return out.astype(np.int16, copy=False).reshape(-1, self.target_channels)

    def convert(self, block: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
        if self._resampler is None:
            self._resampler = self._new()
        return self._collect(self._resampler.resample(self._frame(block)))

    def flush(self) -> npt.NDArray[np.int16]:
        """The samples still inside the resampler; the next `convert` starts a new run."""
        if self._resampler is None:
            return np.zeros((0, self.target_channels), dtype=np.int16)
        resampler, self._resampler = self._resampler, None
        return self._collect(resampler.resample(None))
