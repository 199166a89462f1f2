"""Recordings an earlier run never finished, found and repaired at the next start
(desktop_asr/recording/recovery.py), on real files and a real history database: a recorder
process killed outright mid-recording, a file whose header fell behind its audio, a file
that is gone, one that never got audio, and WAV files no entry knows."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from desktop_asr.engine.audio import decode_pcm
from desktop_asr.recording.recovery import recover_recordings
from desktop_asr.recording.wavfile import WavWriter
from desktop_asr.stores.history.entry import Retention
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.text.transcript import Transcript
from tests.unit.test_recorder import RATE, noise, read_wav

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def history(tmp_path):
    with HistoryStore(tmp_path / "history.sqlite3") as store:
        yield store


# A recorder process killed outright (SIGKILL: no stop(), no cleanup) while it records into
# a file that has its history entry, as the app makes them.
_KILLED_WHILE_RECORDING = """
import sys, time
from pathlib import Path
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.text.transcript import Transcript
from tests.unit.test_recorder import FakeSoundDevice, Recorder, noise, wait_until
history = HistoryStore(Path(sys.argv[1]))
path = history.new_recording_path(".wav")
entry_id = history.add_recording("Recording 1", "home", path)
fake = FakeSoundDevice(noise(1.5, seed=7))
fake.allow(30)  # 1.5 s, then the microphone keeps the stream open without more audio
recorder = Recorder(fake)
recorder.start(path)
wait_until(lambda: recorder.elapsed == 1.5)
print(entry_id, path, flush=True)
time.sleep(60)  # sleep-ok: killed here
"""


def test_a_recording_killed_mid_way_comes_back_whole_and_waits_for_its_transcript(
        history, tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WHILE_RECORDING, str(history.path)], cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else ""
    finally:
        process.kill()
        process.communicate(timeout=10)
    assert process.returncode == -signal.SIGKILL
    entry_id, path = int(line.split()[0]), Path(line.split()[1])
    assert history.get(entry_id).status == "recording"  # as the killed run left it

    (found,) = recover_recordings(history)
    assert (found.entry_id, found.path, found.problem) == (entry_id, path, "")
    assert found.duration == pytest.approx(1.5)
    entry = history.get(entry_id)
    assert (entry.status, entry.recovered, entry.profile) == ("pending", True, "home")
    assert entry.duration == pytest.approx(1.5)
    assert [e.id for e in history.pending()] == [entry_id]  # the app sends it next
    frames, rate, _ = read_wav(path)
    assert rate == RATE
    np.testing.assert_array_equal(frames, noise(1.5, seed=7))  # every sample recorded
    assert recover_recordings(history) == []  # once only


def test_a_header_that_fell_behind_its_audio_is_repaired(history):
    path = history.new_recording_path(".wav")
    entry_id = history.add_recording("Recording 2", None, path)
    writer = WavWriter(path, RATE)
    writer.write(noise(0.5, seed=3))
    writer.close()
    # Killed between a write and the size patch: audio (and half a sample) past the sizes.
    with open(path, "ab") as f:
        f.write(noise(0.25, seed=4).astype("<i2").tobytes() + b"\x01")
    assert read_wav(path)[0].size == 0.5 * RATE

    (found,) = recover_recordings(history)
    assert found.duration == pytest.approx(0.75)
    np.testing.assert_array_equal(read_wav(path)[0],
                                  np.concatenate([noise(0.5, seed=3), noise(0.25, seed=4)]))
    np.testing.assert_array_equal(np.concatenate(list(decode_pcm(path))), read_wav(path)[0])
    assert history.get(entry_id).status == "pending"


def test_a_recording_whose_file_is_gone_fails_in_words(history, tmp_path):
    entry_id = history.add_recording("Recording 3", None, tmp_path / "recordings" / "x.wav")
    (found,) = recover_recordings(history)
    assert found.problem == ("The recording was interrupted by an unexpected exit and its "
                             f"audio file {tmp_path / 'recordings' / 'x.wav'} is gone.")
    entry = history.get(entry_id)
    assert (entry.status, entry.recovered, entry.error) == ("failed", True, found.problem)
    assert history.pending() == []


def test_a_file_that_is_not_a_wav_fails_in_words(history):
    path = history.new_recording_path(".wav")
    path.write_bytes(b"ID3" + bytes(200))
    entry_id = history.add_recording("Recording 4", None, path)
    (found,) = recover_recordings(history)
    assert found.problem.endswith(f"{path.name} cannot be repaired: it is not a WAV file.")
    assert history.get(entry_id).status == "failed"
    assert path.exists()  # what cannot be repaired is never deleted


def test_a_recording_that_never_got_audio_is_not_kept(history):
    empty = history.new_recording_path(".wav")  # killed before the header was written
    header_only = history.new_recording_path(".wav")
    WavWriter(header_only, RATE).close()  # killed before the first block
    for n, path in enumerate((empty, header_only)):
        history.add_recording(f"Recording {n}", None, path)
    assert recover_recordings(history) == []
    assert history.count() == 0
    assert not empty.exists()
    assert not header_only.exists()


def test_wav_files_no_entry_knows_are_taken_in(history, tmp_path):
    """Left by a version that made the entry only when a recording stopped."""
    folder = history.audio_dir
    folder.mkdir(parents=True)
    orphan = folder / "recording-20250314-092653.wav"
    writer = WavWriter(orphan, RATE)
    writer.write(noise(0.4, seed=9))
    writer.close()
    (folder / "recording-20250314-100000.wav").write_bytes(b"")  # never written
    (folder / "notes.wav").write_bytes(b"not a wav file at all, and long enough" * 4)
    known = history.new_recording_path(".wav")
    WavWriter(known, RATE).close()
    done = history.add_done("Recording old", "recording", None,
                            _transcript("kept"), audio_path=known)

    (found,) = recover_recordings(history, label=lambda moment: f"Found {moment:%Y}")
    assert found.path == orphan
    assert found.duration == pytest.approx(0.4)
    entry = history.get(found.entry_id)
    assert (entry.status, entry.recovered, entry.audio_path, entry.source_kind) == (
        "pending", True, orphan.absolute(), "recording")
    assert entry.source.startswith("Found 20")
    assert not (folder / "recording-20250314-100000.wav").exists()
    assert (folder / "notes.wav").exists()  # not ours to judge: left alone
    assert history.get(done).status == "done"
    assert known.exists()
    assert recover_recordings(history) == []


def test_a_recovered_recording_follows_the_retention_once_transcribed(history):
    path = history.new_recording_path(".wav")
    writer = WavWriter(path, RATE)
    writer.write(noise(0.2))
    writer.close()
    entry_id = history.add_recording("Recording 5", None, path)
    history.set_retention(Retention.NONE)
    recover_recordings(history)
    assert history.apply_retention() == 0  # pending: its audio is the only copy
    assert path.exists()
    history.mark_done(entry_id, _transcript("back"))
    assert history.apply_retention() == 1
    assert not path.exists()


def _transcript(text: str) -> Transcript:
    return Transcript(source="x", text=text, language="English", duration=1.0)


_CREATE_FILES = """
import sys
from pathlib import Path
from desktop_asr.recording.wavfile import WavWriter
from desktop_asr.stores.history.store import HistoryStore
history = HistoryStore(Path(sys.argv[1]) / "history.sqlite3")
history.new_recording_path(".wav")
(Path(sys.argv[1]) / "elsewhere").mkdir()
WavWriter(Path(sys.argv[1]) / "elsewhere" / "take.wav", 16000).close()
"""


def test_a_new_recording_file_is_synced_into_its_folder(tmp_path):
    """A file whose data is synced can still vanish in a power cut if its folder entry is
    not: the folder is synced after each recording file is created (seen with strace)."""
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed (apt install strace)")
    trace = tmp_path / "trace.txt"
    result = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=openat,fsync", "-o", str(trace),
         sys.executable, "-c", _CREATE_FILES, str(tmp_path)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
        text=True, timeout=60, check=False)
    if result.returncode != 0 and "ptrace" in result.stderr:
        pytest.skip(f"strace cannot trace here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    calls = trace.read_text().splitlines()
    for folder in (tmp_path / "recordings", tmp_path / "elsewhere"):
        created = next(i for i, line in enumerate(calls)
                       if f'"{folder}/' in line and "O_CREAT" in line)
        opened = [(i, m.group(1)) for i, line in enumerate(calls) if i > created
                  and (m := re.search(rf'openat\(AT_FDCWD, "{re.escape(str(folder))}", '
                                      r".*O_DIRECTORY.*\) = (\d+)", line))]
        assert opened, f"{folder} was never opened to be synced"
        index, fd = opened[0]
        assert any(re.search(rf"fsync\({fd}\)\s+= 0", line) for line in calls[index + 1:]), \
            folder
