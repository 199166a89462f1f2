"""The transcript view plays through a real sound server: clicking a segment plays the
file from that segment on, heard on the virtual microphone (PulseAudio's null sink and its
monitor; see TESTING.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt

from desktop_asr.engine.audio import decode_pcm
from desktop_asr.recording.recorder import Recorder
from desktop_asr.text.transcript import Segment, Transcript
from desktop_asr.ui.transcript.player import SegmentPlayer
from desktop_asr.ui.transcript.segment_table import TEXT
from desktop_asr.ui.widgets.transcript_view import TranscriptView
from tests import dtmf
from tests.e2e.conftest import VirtualMicrophone

RATE = 16000
WORDS = ["159", "357", "246"]
WORD_SECONDS = 3 * 0.1 + 2 * 0.06  # three 100 ms tones, two 60 ms gaps
GAP_SECONDS = 1.5
LEAD_SECONDS = 0.3


def test_a_clicked_segment_plays_from_its_start(virtual_microphone: VirtualMicrophone,
                                                tmp_path: Path, qtbot) -> None:
    path = dtmf.write_audio(tmp_path / "talk.wav",
                            dtmf.synthesize(" ".join(WORDS), RATE, word_gap_ms=1500), RATE)
    starts = [LEAD_SECONDS + k * (WORD_SECONDS + GAP_SECONDS) for k in range(len(WORDS))]
    transcript = Transcript.from_segments(
        str(path), [Segment(s, s + WORD_SECONDS, w, "English") for s, w in zip(starts, WORDS,
                                                                              strict=True)],
        duration=starts[-1] + WORD_SECONDS + LEAD_SECONDS)
    view = TranscriptView()
    qtbot.addWidget(view)
    view.segments_page.set_player(SegmentPlayer(sounddevice=lambda: virtual_microphone
                                                .sounddevice))
    view.show_transcript(transcript)
    view.show()

    recorder = Recorder(virtual_microphone.sounddevice)
    recorder.start(tmp_path / "heard.wav")  # the default input: the sink's monitor
    try:
        qtbot.waitUntil(lambda: recorder.elapsed >= 0.2, timeout=5000)
        table = view.segment_table
        rect = table.visualRect(table.model().index(1, TEXT))
        with qtbot.waitSignal(view.segments_page.player.playingChanged, timeout=10000):
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        # It plays to the end of the file, marking the segment it is in.
        qtbot.waitUntil(lambda: table.playing_row() == 2, timeout=10000)
        qtbot.waitUntil(lambda: not view.segments_page.player.is_playing(), timeout=10000)
        played_until = recorder.elapsed
        qtbot.waitUntil(lambda: recorder.elapsed >= played_until + 0.5, timeout=5000)
    finally:
        recording = recorder.stop()
    samples = np.concatenate(list(decode_pcm(recording.path))).astype(np.float32) / 32768
    assert dtmf.detect(samples, RATE) == WORDS[1:]  # from the clicked segment on

