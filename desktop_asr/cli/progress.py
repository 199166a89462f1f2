"""What the command line shows on stderr while it works: a progress bar (terminals only)
and, with --stream, the text as it arrives, in order."""

from __future__ import annotations

import time
from typing import TextIO

from desktop_asr.cli.terminal import raw_stream, terminal_safe
from desktop_asr.engine.transcribe import JobEvent, JobProgress, PartialText
from desktop_asr.text.transcript import join_texts


class ProgressBar:
    """One line, redrawn in place, shown only for inputs of more than one chunk."""

    width = 28

    def __init__(self, out: TextIO, name: str) -> None:
        self.out = raw_stream(out)  # it writes its own CR and "erase line" codes...
        self.name = terminal_safe(name)  # ...and nothing else a terminal acts on
        self.shown = False
        self.started = time.monotonic()

    def handle(self, event: JobEvent) -> None:
        if not isinstance(event, JobProgress):
            return
        total = event.chunks_total
        if total is not None and total <= 1:
            return
        if event.seconds_total:
            fraction = min(1.0, event.seconds_done / event.seconds_total)
        elif total:
            fraction = event.chunks_done / total
        else:
            fraction = 0.0
        filled = int(fraction * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        chunks = f"{event.chunks_done}/{total if total is not None else '?'} chunks"
        seconds = f"{_clock(event.seconds_done)}/{_clock(event.seconds_total)}"
        elapsed = _clock(time.monotonic() - self.started)
        self.out.write(f"\r{self.name[:30]} [{bar}] {fraction:4.0%} {chunks} {seconds} "
                       f"({elapsed} elapsed)\x1b[K")
        self.out.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.out.write("\r\x1b[K")
            self.out.flush()


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


class StreamPrinter:
    """Writes each chunk's text as it arrives, chunk after chunk in the audio's order."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.texts: dict[int, str] = {}
        self.finished: set[int] = set()
        self.head = 0  # the chunk being written
        self.written = 0  # characters of the head chunk already written
        self.last = ""  # the last character written, to choose the separator

    def handle(self, event: JobEvent) -> None:
        if not isinstance(event, PartialText):
            return
        self.texts[event.chunk_index] = event.text
        if event.done:
            self.finished.add(event.chunk_index)
        self._flush()

    def _flush(self) -> None:
        while True:
            text = self.texts.get(self.head, "").strip()
            new = text[self.written :] if text.startswith(text[: self.written]) else ""
            if new:
                if self.written == 0:
                    new = join_texts([self.last, new])[len(self.last) :]
                self.out.write(new)
                self.out.flush()
                self.last = new[-1:] or self.last
                self.written = len(text)
            if self.head not in self.finished:
                return
            self.head += 1
            self.written = 0

    def finish(self) -> None:
        if self.last:
            self.out.write("\n")
            self.out.flush()
