"""Nothing lost on a crash, as a user would meet it: the real app dictates from the (virtual)
microphone after `desktop-asr --toggle-recording`, speech plays into it, and the app is
killed outright (kill -9: no stop, no cleanup) just after the last word. At the next
start the recording is repaired and transcribed into the history as recovered -- every
word, the last one included -- and nothing is pasted into the focused window nor put on
the clipboard."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import numpy as np
import pytest

from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.history.entry import HistoryEntry
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import Profile
from tests import dtmf
from tests.e2e.conftest import wait_for
from tests.e2e.test_paste import Clipboard, Target

pytestmark = pytest.mark.e2e

SPOKEN = "2468 1357"
LAST_WORD_BEFORE_KILL_MS = 300  # silence after the last tone; the app dies right after it
COPIED = b"what the user had copied"


def entries(app) -> list[HistoryEntry]:
    path = app.data / "desktop-asr" / "history.sqlite3"
    if not path.exists():
        return []
    with HistoryStore(path) as history:
        return history.list()


def test_a_recording_killed_mid_way_comes_back_in_the_history_and_nowhere_else(
        app, refserver, x_display, virtual_microphone, tmp_path):
    ProfileStore(app.config / "desktop-asr" / "profiles.json").add(
        Profile(name="home", server=refserver.url))
    AppSettingsStore(app.config / "desktop-asr" / "settings.json").save(AppSettings())
    speech = dtmf.write_audio(
        tmp_path / "speech.wav",
        dtmf.synthesize(SPOKEN, lead_ms=400, tail_ms=LAST_WORD_BEFORE_KILL_MS), 16000)
    app.start()
    clipboard = Clipboard(x_display, tmp_path)
    target = Target(x_display)  # the focused window a dictation pastes into
    try:
        clipboard.offer(COPIED)
        started = app.command("--toggle-recording")
        assert started.returncode == 0, started.stderr
        # The entry exists from the first second, with the file the audio goes into.
        wait_for(lambda: [e.status for e in entries(app)] == ["recording"], 20,
                 "the recording's entry")
        (entry,) = entries(app)
        assert entry.audio_path is not None
        wait_for(lambda: entry.audio_path.stat().st_size > 44, 20, "audio in the file")

        player = virtual_microphone.play(speech)
        assert player.wait(timeout=30) == 0  # paplay drains: the last tone has sounded
        played_at = time.monotonic()
        assert app.process is not None
        app.process.send_signal(signal.SIGKILL)
        killed_after = time.monotonic() - played_at
        app.process.communicate(timeout=20)
        assert app.process.returncode == -signal.SIGKILL
        word_to_kill = LAST_WORD_BEFORE_KILL_MS / 1000 + killed_after
        assert word_to_kill < 1.0  # the last word ended less than a second before the kill

        # What the killed run left: the entry still "recording", its file on disk with
        # every word (read past its header, which may be behind: the repair is the app's).
        (left,) = entries(app)
        assert (left.id, left.status) == (entry.id, "recording")
        raw = entry.audio_path.read_bytes()[44:]
        on_disk = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2") / 32768
        assert " ".join(dtmf.detect(on_disk, 16000)) == SPOKEN
        loud = np.flatnonzero(np.abs(on_disk) > 0.05)
        after_last_word = (on_disk.size - loud[-1]) / 16000
        print(f"\nthe file held {after_last_word * 1000:.0f} ms of the "
              f"{word_to_kill * 1000:.0f} ms between the last word and the kill")

        app.start()  # the next start recovers it
        # Had anything been pasted, it would land in the focused window: the target's.
        subprocess.run(["xdotool", "windowfocus", "--sync", target.window],
                       env={**os.environ, **x_display.env}, check=True, timeout=10,
                       capture_output=True)
        wait_for(lambda: entries(app)[0].status in ("done", "failed"), 60,
                 "the recovered recording's transcript")
        (recovered,) = entries(app)
        assert (recovered.id, recovered.status, recovered.recovered) == (entry.id, "done",
                                                                         True)
        assert recovered.text == SPOKEN  # every word, the last one included
        assert recovered.audio_path == entry.audio_path

        # Nothing went anywhere but the history. Pasting goes through the clipboard, and
        # the xclip that owns it quits as soon as anyone else takes it: it is still there.
        assert target.text() == ""
        assert clipboard.owner is not None
        assert clipboard.owner.poll() is None
        assert clipboard.read() == COPIED
    finally:
        target.close()
        clipboard.close()
    code, stderr = app.stop()
    assert code == 0
    assert "Traceback" not in stderr

