"""The app's transcription queue against the real reference server and a real history
database: items complete off the UI thread, a server that is down leaves them waiting
(pending in the history) until it is back, hopeless ones fail in words, cancel works."""

from __future__ import annotations

from pathlib import Path

from desktop_asr.stores.chunk_progress import ChunkProgressStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.ui.transcription_queue import (
    CANCELLED,
    DONE,
    FAILED,
    WAITING,
)
from desktop_asr.ui.widgets.queue_view import QueueRow
from tests import dtmf
from tests.ui.conftest import closed_port_url


def audio(tmp_path: Path, name: str, text: str) -> Path:
    return dtmf.write_audio(tmp_path / name, dtmf.synthesize(text), 16000)


def wait_finished(qtbot, queue, item_id, timeout=20000):
    qtbot.waitUntil(lambda: queue.item(item_id).finished, timeout=timeout)
    return queue.item(item_id)


def test_items_are_transcribed_and_kept_in_the_history(stores, history, make_queue, refserver,
                                                       tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    queue = make_queue()
    finished = []
    queue.itemFinished.connect(finished.append)
    first = queue.add(str(audio(tmp_path, "a.wav", "123")))
    second = queue.add(str(audio(tmp_path, "b.flac", "*45")))
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=20000)

    done = {item.id: item for item in finished}
    assert {i.status for i in done.values()} == {DONE}
    assert done[first.id].transcript.text == "123"
    assert done[second.id].transcript.text == "四五"
    assert done[first.id].profile == "home"
    entry = history.get(done[first.id].history_id)
    assert (entry.status, entry.text, entry.profile) == ("done", "123", "home")
    assert entry.source == str(tmp_path / "a.wav")


def test_a_server_that_is_down_leaves_items_waiting_until_it_is_back(
        stores, history, make_queue, refserver, tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=closed_port_url()))
    queue = make_queue(retry_delays=(3600.0,))  # no retry by itself during this test
    item = queue.add(str(audio(tmp_path, "a.wav", "77")))
    qtbot.waitUntil(lambda: queue.item(item.id).status == WAITING, timeout=20000)
    waiting = queue.item(item.id)
    assert "refused" in waiting.error
    assert history.get(waiting.history_id).status == "pending"  # on disk, not lost

    stores.profiles.update(Profile(name="home", server=refserver.url))  # the server is back
    queue.retry(item.id)
    done = wait_finished(qtbot, queue, item.id)
    assert done.status == DONE
    assert done.transcript.text == "77"
    assert done.history_id == waiting.history_id  # the same entry, now done
    assert history.get(done.history_id).text == "77"


def test_waiting_items_retry_by_themselves(stores, make_queue, refserver, tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    # More 503s than the client's own retries: the item waits, then retries by itself.
    refserver.configure(fail_next=[{"count": 4, "status": 503}])
    queue = make_queue(retry_delays=(0.2,))
    statuses = []
    queue.itemChanged.connect(lambda item: statuses.append(item.status))
    item = queue.add(str(audio(tmp_path, "a.wav", "5")))
    done = wait_finished(qtbot, queue, item.id)
    assert done.status == DONE
    assert WAITING in statuses
    assert done.attempts == 2
    assert done.transcript.text == "5"


def test_hopeless_items_fail_in_words(stores, history, make_queue, make_refserver, tmp_path,
                                      qtbot):
    server = make_refserver(api_key="sk-right")
    stores.profiles.add(Profile(name="home", server=server.url))
    queue = make_queue()
    rejected = queue.add(str(audio(tmp_path, "a.wav", "1")))
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"no audio here" * 100)
    corrupt = queue.add(str(broken))

    item = wait_finished(qtbot, queue, rejected.id)
    assert item.status == FAILED
    assert "API key" in item.error
    assert history.get(item.history_id).status == "failed"
    item = wait_finished(qtbot, queue, corrupt.id)
    assert item.status == FAILED
    assert "not an audio or video file" in item.error
    assert item.history_id is None  # it never reached the server: not in the history


def test_cancel_stops_a_running_item(stores, make_queue, refserver, tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    refserver.configure(mode="hang")
    queue = make_queue()
    item = queue.add(str(audio(tmp_path, "a.wav", "9")))
    qtbot.waitUntil(lambda: refserver.stats().get("in_flight", 0) >= 1, timeout=20000)
    queue.cancel(item.id)
    assert wait_finished(qtbot, queue, item.id, timeout=5000).status == CANCELLED


def test_a_users_cancel_is_final_in_the_history(stores, history, make_queue, refserver,
                                                tmp_path, qtbot):
    """Cancelled while it runs (the server holds it) and while it waits its turn: both
    entries are marked cancelled, so that the next start never sends them again."""
    stores.profiles.add(Profile(name="home", server=refserver.url, concurrency=1))
    refserver.configure(mode="hang")
    queue = make_queue(parallel=1)
    running = queue.add(str(audio(tmp_path, "a.wav", "9")))
    waiting = queue.add(str(audio(tmp_path, "b.wav", "8")))
    qtbot.waitUntil(lambda: refserver.stats().get("in_flight", 0) >= 1, timeout=20000)
    entry_id = queue.item(running.id).history_id
    assert history.get(entry_id).status == "pending"
    queue.cancel(running.id)
    queue.cancel(waiting.id)
    assert wait_finished(qtbot, queue, running.id, timeout=5000).status == CANCELLED
    assert wait_finished(qtbot, queue, waiting.id, timeout=5000).status == CANCELLED
    assert history.get(entry_id).status == "cancelled"
    assert history.pending() == []
    assert queue.item(waiting.id).history_id is None  # it never started: no entry at all


def test_items_the_shutdown_interrupts_stay_pending(stores, history, make_queue, refserver,
                                                    tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    refserver.configure(mode="hang")
    queue = make_queue()
    item = queue.add(str(audio(tmp_path, "a.wav", "9")))
    qtbot.waitUntil(lambda: refserver.stats().get("in_flight", 0) >= 1, timeout=20000)
    queue.shutdown()
    assert queue.item(item.id).status == CANCELLED  # in this run...
    (pending,) = history.pending()  # ...but the next start sends it again
    assert pending.id == queue.item(item.id).history_id


def test_retention_none_deletes_a_recordings_audio_as_soon_as_it_is_transcribed(
        stores, history, make_queue, refserver, tmp_path, qtbot):
    from desktop_asr.stores.history.entry import Retention

    stores.profiles.add(Profile(name="home", server=refserver.url))
    history.set_retention(Retention.NONE)
    recording = history.new_recording_path(".wav")
    recording.write_bytes(audio(tmp_path, "speech.wav", "42").read_bytes())
    entry_id = history.add_recording("Recording 1", "home", recording)
    history.mark_pending(entry_id)
    queue = make_queue()
    finished = []
    queue.itemFinished.connect(finished.append)
    queue.add(str(recording), kind="recording", label="Recording 1", audio_path=recording,
              history_id=entry_id)
    qtbot.waitUntil(lambda: len(finished) == 1, timeout=20000)
    assert finished[0].status == DONE
    entry = history.get(entry_id)
    assert (entry.status, entry.text) == ("done", "42")
    assert entry.audio_path is None
    assert not recording.exists()  # now, not at the next start


# --- the server goes away mid-file ---------------------------------------------------------
LONG_WORDS = " ".join(f"{i:02d}" for i in range(40))


def _chat_requests(server) -> int:
    return sum(1 for r in server.requests() if r["path"] == "/v1/chat/completions")


def test_a_server_that_goes_away_mid_file_gets_only_the_missing_chunks_when_back(
        stores, history, make_queue, make_refserver, tmp_path, qtbot):
    server = make_refserver()
    server.configure(min_latency_s=0.2)  # chunks finish one by one, slowly enough to see
    stores.profiles.add(Profile(name="home", server=server.url, max_chunk_seconds=10,
                                concurrency=1))
    path = dtmf.write_audio(tmp_path / "talk.flac",
                            dtmf.synthesize(LONG_WORDS, word_gap_ms=1000), 16000)
    queue = make_queue(retry_delays=(3600.0,))  # it waits until the test retries it
    item = queue.add(str(path))
    qtbot.waitUntil(lambda: (queue.item(item.id).progress or 0) > 0.3, timeout=30000)
    server.stop()  # the server goes away in the middle of the file
    qtbot.waitUntil(lambda: queue.item(item.id).status == WAITING, timeout=60000)
    waiting = queue.item(item.id)
    assert waiting.progress is not None
    assert waiting.progress > 0.3  # what was reached is kept...
    kept = ChunkProgressStore(history.path.parent / "partial").load(waiting.history_id)
    assert len(kept) >= 2  # ...on disk too, for a restart
    row = QueueRow(waiting)
    qtbot.addWidget(row)
    text = row.status.text()
    assert text.startswith(f"Paused at {int(waiting.progress * 100)}%, waiting for the server")
    assert "next try in" in text

    server.start()  # back, with an empty request log
    queue.retry(item.id)
    done = wait_finished(qtbot, queue, item.id, timeout=60000)
    assert done.status == DONE
    assert done.transcript.text == LONG_WORDS  # the same text, in order
    assert _chat_requests(server) == done.chunks_total - len(kept)
    assert len(ChunkProgressStore(history.path.parent / "partial").load(done.history_id)) == 0


def test_after_a_restart_a_pending_entry_sends_only_its_missing_chunks(
        stores, history, make_queue, make_refserver, tmp_path, qtbot):
    server = make_refserver()
    server.configure(min_latency_s=0.2)
    stores.profiles.add(Profile(name="home", server=server.url, max_chunk_seconds=10,
                                concurrency=1))
    path = dtmf.write_audio(tmp_path / "talk.flac",
                            dtmf.synthesize(LONG_WORDS, word_gap_ms=1000), 16000)
    first = make_queue()
    item = first.add(str(path))
    qtbot.waitUntil(lambda: (first.item(item.id).progress or 0) > 0.3, timeout=30000)
    entry_id = first.item(item.id).history_id
    first.shutdown()  # the app quits: the entry stays pending, its chunks kept
    assert history.get(entry_id).status == "pending"
    kept = len(ChunkProgressStore(history.path.parent / "partial").load(entry_id))
    assert kept >= 2
    server.reset()
    again = make_queue()  # the next start resumes the pending entry
    resumed = again.add(str(path), history_id=entry_id)
    done = wait_finished(qtbot, again, resumed.id, timeout=60000)
    assert done.transcript.text == LONG_WORDS
    assert _chat_requests(server) == done.chunks_total - kept
