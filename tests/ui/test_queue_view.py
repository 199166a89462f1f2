"""The queue as the user sees it, driven by the real queue and the reference server."""

from __future__ import annotations

from desktop_asr.stores.profiles import Profile
from desktop_asr.ui.widgets.queue_view import QueueView
from tests import dtmf
from tests.ui.conftest import closed_port_url


def test_rows_follow_the_items_and_cancel_works(stores, make_queue, refserver, tmp_path,
                                                qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    queue = make_queue()
    view = QueueView(queue)
    qtbot.addWidget(view)
    assert view.empty.isVisibleTo(view)

    path = dtmf.write_audio(tmp_path / "standup.wav", dtmf.synthesize("123"), 16000)
    item = queue.add(str(path))
    row = view.rows[item.id]
    assert row.name.text() == "standup.wav"
    qtbot.waitUntil(lambda: queue.item(item.id).finished, timeout=20000)
    qtbot.waitUntil(lambda: row.status.text().endswith("· 123"))
    assert row.status.text().startswith("Done ✓ in ")
    assert row.open_button.isVisibleTo(row)
    assert not row.cancel_button.isVisibleTo(row)
    assert not view.empty.isVisibleTo(view)

    refserver.configure(mode="hang")
    hanging = queue.add(str(path))
    hanging_row = view.rows[hanging.id]
    qtbot.waitUntil(lambda: hanging_row.status.text().startswith("Transcribing"),
                    timeout=20000)
    assert hanging_row.cancel_button.isVisibleTo(hanging_row)
    hanging_row.cancel_button.click()
    qtbot.waitUntil(lambda: hanging_row.status.text() == "Cancelled", timeout=5000)
    assert not hanging_row.cancel_button.isVisibleTo(hanging_row)

    view.clear_finished()
    assert view.rows == {}
    assert view.empty.isVisibleTo(view)


def test_a_waiting_item_says_why_and_offers_retry(stores, make_queue, tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=closed_port_url()))
    queue = make_queue(retry_delays=(3600.0,))
    view = QueueView(queue)
    qtbot.addWidget(view)
    path = dtmf.write_audio(tmp_path / "memo.wav", dtmf.synthesize("4"), 16000)
    item = queue.add(str(path))
    row = view.rows[item.id]
    qtbot.waitUntil(lambda: "waiting for the server" in row.status.text(), timeout=20000)
    assert row.status.text().startswith("Not sent yet, waiting for the server (next try in ")
    assert "refused" in row.status.text()
    assert row.retry_button.isVisibleTo(row)
    assert row.cancel_button.isVisibleTo(row)
    assert not row.progress.isVisibleTo(row)
