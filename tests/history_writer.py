"""A history writer for the kill test: ``python -m tests.history_writer DB FIRST``.

Adds entries FIRST, FIRST+1, ... to the history database DB in a loop and prints two kinds
of lines, each flushed at once:

- ``writing N`` from inside the INSERT of entry N, once SQLite is writing its pages (a
  progress handler counts virtual-machine steps; the step chosen varies with N). The
  statement goes on for tens of milliseconds after that line, so a kill sent when it is
  read lands in the middle of the write;
- ``ID N`` only after the commit of entry N returned (the text of entry N is
  ``entry_text(N)``).

A tiny page cache makes SQLite spill pages to the file while the transaction is still
open, so the write in progress is in the files, not only in memory. The writer stops
after MAX_ENTRIES at most (the test kills it long before).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.text.transcript import Segment, Transcript

TEXT_CHARS = 60_000
MAX_ENTRIES = 500
_ALPHABET = "您好请问有什么可以帮到会议改三点部署集群明天的 abcdefghijklmnopqrstuvwxyz0123456789"
_STEPS_PER_CALL = 10
# An entry of TEXT_CHARS takes about 400 to 1500 handler calls: the first few at the start
# of the statement, then tokenizing (no calls), then the index's pages being written.
_FIRST_CALL, _CALL_SPAN = 50, 300


def entry_text(n: int) -> str:
    """A long, varied text (many distinct trigrams, so the index write is large)."""
    rng = random.Random(n)
    return f"entry {n}: " + "".join(rng.choices(_ALPHABET, k=TEXT_CHARS))


class MidWriteReporter:
    """Prints ``writing N`` at one chosen progress-handler call of entry N's write."""

    def __init__(self) -> None:
        self.n = -1
        self.calls = 0
        self.report_at = 0

    def arm(self, n: int) -> None:
        self.n, self.calls = n, 0
        self.report_at = _FIRST_CALL + (n * 7919) % _CALL_SPAN

    def __call__(self) -> int:
        self.calls += 1
        if self.calls == self.report_at:
            print("writing", self.n, flush=True)
        return 0  # go on


def main(argv: list[str]) -> int:
    db, first = Path(argv[0]), int(argv[1])
    with HistoryStore(db) as store:
        reporter = MidWriteReporter()
        store._conn.execute("PRAGMA cache_size = 8")
        store._conn.set_progress_handler(reporter, _STEPS_PER_CALL)
        text = entry_text(first)
        for n in range(first, first + MAX_ENTRIES):
            transcript = Transcript(source=f"kill-{n}.wav", text=text, language="Chinese",
                                    duration=60.0,
                                    segments=(Segment(0.0, 60.0, text, "Chinese"),))
            reporter.arm(n)
            entry_id = store.add_done(f"kill-{n}.wav", "file", "writer", transcript)
            text = entry_text(n + 1)  # ready before the report: the next write starts at once
            print("ID", entry_id, n, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
