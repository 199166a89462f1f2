"""Transcribed chunks kept across a restart (stores/chunk_progress.py)."""

from __future__ import annotations

import os

from desktop_asr.engine.chunk_results import ChunkResults
from desktop_asr.stores.chunk_progress import ChunkProgressStore
from desktop_asr.text.transcript import Segment


def kept() -> ChunkResults:
    results = ChunkResults("fingerprint")
    results.add((0, 160000), [Segment(0.0, 10.0, "你好", "Chinese")])
    results.add((160000, 80000), [Segment(10.0, 15.0, "hello", "English")])
    return results


def test_saved_chunks_come_back(tmp_path):
    store = ChunkProgressStore(tmp_path / "partial")
    store.save(7, kept())
    again = ChunkProgressStore(tmp_path / "partial").load(7)
    assert again.fingerprint == "fingerprint"
    assert again.get((0, 160000)) == (Segment(0.0, 10.0, "你好", "Chinese"),)
    assert again.get((160000, 80000)) == (Segment(10.0, 15.0, "hello", "English"),)
    assert os.stat(tmp_path / "partial" / "7.json").st_mode & 0o777 == 0o600


def test_nothing_kept_broken_or_huge_files_give_no_chunks(tmp_path):
    store = ChunkProgressStore(tmp_path)
    assert len(store.load(1)) == 0
    (tmp_path / "2.json").write_text("{not json")
    assert len(store.load(2)) == 0
    (tmp_path / "3.json").write_bytes(b"\xff\xfe")
    assert len(store.load(3)) == 0
    (tmp_path / "4.json").write_text("[" * 100000 + "]" * 100000)
    assert len(store.load(4)) == 0
    (tmp_path / "5.json").mkdir()
    assert len(store.load(5)) == 0


def test_discarded_chunks_are_gone(tmp_path):
    store = ChunkProgressStore(tmp_path)
    store.save(3, kept())
    store.discard(3)
    store.discard(3)  # twice is fine
    assert len(store.load(3)) == 0
    assert not (tmp_path / "3.json").exists()
