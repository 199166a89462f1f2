"""Pipelined dictation: phrases are transcribed while the user is still speaking.

The recorder's thread feeds the blocks it captures; finished phrases (see phrases.py) go
at once to the server, one request at a time and in order, each with the vocabulary
context and the text dictated before it as its system message. So when the user stops,
only the last phrase is left to send.

    session = DictationSession(ClientSender(plan.config, plan.settings),
                               vocabulary_context=plan.settings.context_text)
    session.start()
    ... session.feed(block) for every captured block (any one thread) ...
    result = session.finish()       # blocks until the last phrase is transcribed
    result.text, result.nothing_heard, result.error, result.unsent_audio

Requests run on the session's own thread and event loop. If the server falls behind,
the phrases waiting are sent together as one request. A reply that is the context echoed
back (QwenLM/Qwen3-ASR#106) is asked again without context, and dropped if it is still
the vocabulary: a silent or unclear phrase never pastes the vocabulary. After a failed
request nothing more is sent: the result holds the error in words and the audio from the
failed phrase on, for a fallback (transcribing the recording file).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from desktop_asr.dictation.phrase_context import (
    DEFAULT_PREVIOUS_CHARS,
    echoes,
    phrase_context,
)
from desktop_asr.dictation.phrases import Phrase, PhraseCutter, PhraseSettings, pad
from desktop_asr.dictation.sender import PhraseSender
from desktop_asr.dictation.vad import SAMPLE_RATE, AutoStop, Pcm, VadSettings
from desktop_asr.errors import AsrError, CancelledError
from desktop_asr.text.transcript import join_texts
from desktop_asr.text.vocabulary import DEFAULT_CONTEXT_BUDGET

log = logging.getLogger(__name__)

DEFAULT_MAX_REQUEST_SECONDS = 60.0  # phrases waiting are merged up to this length
_FINISH = object()


@dataclass(frozen=True)
class PhraseText:
    """The text of one request: one phrase, or several merged when the server lagged."""

    index: int  # of its first phrase
    start_seconds: float
    end_seconds: float
    text: str
    echo_dropped: bool = False  # the reply was the context echoed back: dropped


@dataclass(frozen=True)
class DictationResult:
    text: str
    nothing_heard: bool  # no speech, or nothing but echoes: nothing to paste
    phrases: tuple[PhraseText, ...] = ()
    requests: int = 0  # requests sent (a retry without context counts)
    requests_before_stop: int = 0  # of them, started before finish() was called
    error: AsrError | None = None
    unsent_audio: Pcm = field(default_factory=lambda: np.empty(0, dtype=np.int16))
    unsent_start_seconds: float = 0.0  # where ``unsent_audio`` starts in the recording

    @property
    def complete(self) -> bool:
        return self.error is None


class DictationSession:
    def __init__(
        self,
        sender: PhraseSender,
        *,
        vocabulary_context: str = "",
        phrase_settings: PhraseSettings | None = None,
        vad_settings: VadSettings | None = None,
        sample_rate: int = SAMPLE_RATE,
        context_budget: int = DEFAULT_CONTEXT_BUDGET,
        previous_chars: int = DEFAULT_PREVIOUS_CHARS,
        max_request_seconds: float = DEFAULT_MAX_REQUEST_SECONDS,
        auto_stop: AutoStop | None = None,
        on_auto_stop: Callable[[], None] | None = None,
        on_phrase: Callable[[PhraseText], None] | None = None,
    ) -> None:
        self._sender = sender
        self.vocabulary_context = vocabulary_context.strip()
        self._cutter = PhraseCutter(phrase_settings, sample_rate=sample_rate,
                                    vad_settings=vad_settings)
        self._min_samples = round(self._cutter.settings.min_seconds * sample_rate)
        self.sample_rate = sample_rate
        self._budget = context_budget
        self._previous_chars = previous_chars
        self._max_request = round(max_request_seconds * sample_rate)
        self._auto_stop = auto_stop
        self.on_auto_stop = on_auto_stop  # called once, on the feeding thread
        self.on_phrase = on_phrase  # called on the session's thread
        self._lock = threading.Lock()  # the cutter, and the order of submissions
        self._start_lock = threading.Lock()
        self._changed = threading.Condition()
        self._finished = False
        self._stopping = False
        self._auto_fired = False
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[DictationResult] | None = None
        self._queue: asyncio.Queue[object] | None = None
        self._ready = threading.Event()
        self._future: concurrent.futures.Future[DictationResult] = concurrent.futures.Future()
        self._texts: list[PhraseText] = []
        self._phrases_cut = 0
        self._requests = 0
        self._requests_before_stop = 0
        self._error: AsrError | None = None
        self._failed_from: int | None = None

    # --- state (any thread) ---------------------------------------------------------------
    @property
    def heard_speech(self) -> bool:
        return self._cutter.vad.heard_speech

    @property
    def phrases_cut(self) -> int:
        return self._phrases_cut

    @property
    def requests(self) -> int:
        return self._requests

    @property
    def error(self) -> AsrError | None:
        return self._error

    @property
    def text(self) -> str:
        """The text transcribed so far."""
        return join_texts(t.text for t in list(self._texts))

    def wait_for_phrases(self, count: int, timeout: float | None = None) -> bool:
        """Block until ``count`` requests have their text (or one failed)."""
        with self._changed:
            return self._changed.wait_for(
                lambda: len(self._texts) >= count or self._error is not None, timeout)

    # --- control --------------------------------------------------------------------------
    def start(self) -> None:
        """Start the session's thread (``feed`` does it when needed)."""
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="dictation",
                                                daemon=True)
                self._thread.start()
        self._ready.wait()

    def feed(self, block: Pcm) -> None:
        """The next captured block (16 kHz mono int16), from the recording thread."""
        self.start()
        with self._lock:
            if self._finished:
                return
            for phrase in self._cutter.feed(block):
                self._submit(phrase)  # under the lock: never after finish()'s last one
            due = False
            if self._auto_stop is not None and not self._auto_fired:
                due = self._auto_fired = self._auto_stop.check(self._cutter.vad)
        if due and self.on_auto_stop is not None:
            self.on_auto_stop()

    def finish(self, timeout: float | None = None) -> DictationResult:
        """The recording has stopped: send what is left and return the whole text.
        Blocks (call it off the UI thread); TimeoutError after ``timeout`` seconds."""
        self.start()
        with self._lock:
            already = self._finished
            self._finished = self._stopping = True
            if not already:
                last = self._cutter.finish()
                if last is not None:
                    self._submit(last)
                self._submit(_FINISH)
        result = self._future.result(timeout)
        if self._thread is not None:
            self._thread.join()
        return result

    def cancel(self) -> None:
        """Drop everything: requests in flight are cancelled, nothing more is sent
        (``finish`` then raises CancelledError)."""
        with self._lock:
            self._finished = True
        loop, task = self._loop, self._task
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: all done
                loop.call_soon_threadsafe(task.cancel)
        if self._thread is not None:
            self._thread.join()

    # --- the session's thread -------------------------------------------------------------
    def _submit(self, item: object) -> None:
        if isinstance(item, Phrase):
            self._phrases_cut += 1
        loop, queue = self._loop, self._queue
        assert loop is not None
        assert queue is not None
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # the loop is closed: the session was cancelled
            log.debug("dictation phrase after the session ended")

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._queue = asyncio.Queue()
        self._task = loop.create_task(self._main())
        self._ready.set()
        try:
            self._future.set_result(loop.run_until_complete(self._task))
        except asyncio.CancelledError:
            self._future.set_exception(CancelledError("The dictation was cancelled."))
        except BaseException as exc:  # a bug: finish() raises it
            self._future.set_exception(exc)
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    async def _main(self) -> DictationResult:
        queue = self._queue
        assert queue is not None
        try:
            done = False
            while not done:
                batch = [await queue.get()]
                while not queue.empty():
                    batch.append(queue.get_nowait())
                done = _FINISH in batch
                phrases = [item for item in batch if isinstance(item, Phrase)]
                for group in self._groups(phrases):
                    await self._transcribe(group)
            return self._result()
        finally:
            await self._sender.aclose()

    def _groups(self, phrases: list[Phrase]) -> list[list[Phrase]]:
        """Phrases that waited together, merged into requests of bounded length."""
        groups: list[list[Phrase]] = []
        size = 0
        for phrase in phrases:
            if groups and size + phrase.samples.size <= self._max_request:
                groups[-1].append(phrase)
                size += phrase.samples.size
            else:
                groups.append([phrase])
                size = phrase.samples.size
        return groups

    async def _transcribe(self, group: list[Phrase]) -> None:
        if self._error is not None:
            return  # after a failure nothing more is sent; the audio is kept
        samples = pad(np.concatenate([p.samples for p in group]), self._min_samples)
        vocabulary = self.vocabulary_context
        context = phrase_context(vocabulary, self.text, budget=self._budget,
                                 previous_chars=self._previous_chars)
        previous = context[len(vocabulary) + 1:] if vocabulary else context
        echo_dropped = False
        try:
            text = await self._send(samples, context)
            if context and echoes(text, vocabulary, previous):
                text = await self._send(samples, "")
                # Without context the model cannot echo it; if the reply still is the
                # vocabulary, it must not be pasted.
                if echoes(text, vocabulary):
                    text, echo_dropped = "", True
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._fail(group[0], exc)
            return
        item = PhraseText(group[0].index, group[0].start_seconds, group[-1].end_seconds,
                          text.strip(), echo_dropped)
        with self._changed:
            self._texts.append(item)
            self._changed.notify_all()
        with self._lock:
            self._cutter.discard_before(group[-1].end)
        if self.on_phrase is not None:
            try:
                self.on_phrase(item)
            except Exception:
                log.exception("the dictation's on_phrase callback failed")

    async def _send(self, samples: Pcm, context: str) -> str:
        self._requests += 1
        if not self._stopping:
            self._requests_before_stop += 1
        return await self._sender.transcribe(samples, context)

    def _fail(self, phrase: Phrase, exc: Exception) -> None:
        if isinstance(exc, AsrError):
            error = exc
        else:
            log.exception("a dictation request failed unexpectedly")
            error = AsrError(f"Transcribing the dictation failed unexpectedly: {exc}",
                             details=repr(exc))
        with self._changed:
            self._error = error
            self._failed_from = phrase.start
            self._changed.notify_all()

    def _result(self) -> DictationResult:
        texts = tuple(self._texts)
        text = join_texts(t.text for t in texts)
        unsent = np.empty(0, dtype=np.int16)
        start = 0
        if self._failed_from is not None:
            with self._lock:
                start = max(self._failed_from, self._cutter.buffer.start)
                unsent = self._cutter.audio_from(start)
        return DictationResult(
            text=text,
            nothing_heard=not text and self._error is None,
            phrases=texts,
            requests=self._requests,
            requests_before_stop=self._requests_before_stop,
            error=self._error,
            unsent_audio=unsent,
            unsent_start_seconds=start / self.sample_rate,
        )
