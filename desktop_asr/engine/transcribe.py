"""A transcription job: a source (file or URL) -> chunks -> concurrent requests -> one
merged Transcript, with progress and partial-text events and prompt cancellation.

An http(s) URL is downloaded and transcribed like a file (transport "inline"), or passed
to the server to fetch itself in one request (transport "url", chat style only)."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from desktop_asr.engine import audio
from desktop_asr.engine.chunk_results import ChunkKey, ChunkResults, source_fingerprint
from desktop_asr.engine.chunking import Chunk, ChunkInfo, split_chunk
from desktop_asr.engine.client import AsrClient
from desktop_asr.engine.download import Downloader
from desktop_asr.engine.job_events import JobEvent as JobEvent
from desktop_asr.engine.job_events import JobProgress as JobProgress
from desktop_asr.engine.job_events import Listener as Listener
from desktop_asr.engine.job_events import PartialText as PartialText
from desktop_asr.engine.job_settings import TranscriptionSettings as TranscriptionSettings
from desktop_asr.engine.pipeline.dispatch import Dispatcher
from desktop_asr.engine.pipeline.endpoints import Endpoint
from desktop_asr.engine.pipeline.feed import ChunkFeed, ThreadFeed
from desktop_asr.engine.pipeline.processes import AudioProcesses, shared
from desktop_asr.engine.replies import AsrReply, is_context_echo
from desktop_asr.engine.requests import (
    build_chat_request,
    build_transcription_fields,
    data_url_bytes,
    encode_json_body,
    upload_filename,
)
from desktop_asr.engine.speech import find_speech
from desktop_asr.errors import AsrError, AudioTooLongError, CancelledError
from desktop_asr.text.correction import Corrector
from desktop_asr.text.placement import place_on_speech
from desktop_asr.text.plain_text import plain_line
from desktop_asr.text.transcript import Segment, Transcript, join_texts


@dataclass(frozen=True)
class _Audio:
    """What one request carries: encoded audio, or an http(s) URL the server fetches."""

    payload: bytes = b""
    mime: str = ""
    url: str = ""




AUDIO_MARK = "\x00audio\x00"  # where a chat body's data URL goes (encode_json_body)


def _key(chunk: Chunk | ChunkInfo) -> ChunkKey:
    return (chunk.start, chunk.size)


def _on_speech(chunk: Chunk | ChunkInfo, reply: AsrReply,
               samples: audio.Pcm | None = None) -> list[Segment]:
    """The reply's text placed on the speech found in the chunk (see text/placement.py);
    a chunk where no speech is found keeps its text over its whole time. ``samples``: the
    chunk's, when the planner did not look for its speech."""
    if chunk.speech is not None:
        spans = list(chunk.speech)
    else:
        assert samples is not None
        spans = [(s.start, s.end) for s in find_speech(samples)]
    if not spans:
        spans = [(0.0, chunk.duration)]
    return place_on_speech(reply.text, reply.language, spans, chunk.start_seconds)


def is_url(source: str | Path) -> bool:
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


@dataclass
class TranscriptionJob:
    """Transcribe one source. ``await job.run(client)`` in an event loop; ``cancel()`` from
    any thread stops the requests in flight."""

    source: str | Path
    settings: TranscriptionSettings = field(default_factory=TranscriptionSettings)
    listener: Listener | None = None
    downloader: Downloader | None = None  # for URL sources with the inline transport
    # Chunks already transcribed by an earlier try of the same file: they are not sent
    # again, and the chunks this job finishes are added (see chunk_results.py).
    resume: ChunkResults | None = None
    # The worker processes that prepare the audio (None: the program's own); with
    # ``workers=False`` it is prepared on a thread of this process instead.
    processes: AudioProcesses | None = None
    workers: bool = True

    def __post_init__(self) -> None:
        self._cancelled = threading.Event()
        corrections = self.settings.corrections
        self._corrector = Corrector(corrections) if corrections else None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Transcript] | None = None
        self._chunks_done = 0
        self._chunks_total: int | None = None
        self._seconds_done = 0.0
        self._seconds_total: float | None = None
        self._feed: ChunkFeed | ThreadFeed | None = None
        # Requests cut at pauses (PausePlanner, in the feed); False: at the quietest
        # moment near the limit, as before subtitles followed the speech (the benchmark's
        # "before").
        self._pauses = True
        self._texts: dict[int, str] = {}  # each request's text by its first sample
        self._settings = self.settings
        self._job = 0  # the job's place in its batch (its requests' priority)

    @property
    def name(self) -> str:
        return str(self.source)

    def prepare(self) -> None:
        """Check the source before any request: raises InputError/UnsupportedMediaError."""
        if is_url(self.source):
            return
        info = audio.probe(self.source)
        self._seconds_total = info.duration
        if self.workers:  # the worker processes start while the server is asked
            (self.processes or shared()).warm_up()

    def cancel(self) -> None:
        self._cancelled.set()
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            loop.call_soon_threadsafe(task.cancel)

    async def run(self, client: AsrClient | Dispatcher) -> Transcript:
        """Transcribe through ``client`` (one server), or a Dispatcher (one or more servers
        and one request budget shared with the batch's other jobs)."""
        if self._cancelled.is_set():
            raise CancelledError()
        self._loop = asyncio.get_running_loop()
        dispatcher = (client if isinstance(client, Dispatcher)
                      else Dispatcher.of(client, self.settings.concurrency))
        self._job = dispatcher.scheduler.next_job()
        self._task = asyncio.ensure_future(self._run(dispatcher))
        try:
            return await self._task
        except asyncio.CancelledError:
            if self._cancelled.is_set():
                raise CancelledError() from None
            raise

    async def _run(self, client: Dispatcher) -> Transcript:
        settings = self.settings
        if settings.model is None:
            models = await client.call((self._job, -1), lambda c: c.list_models())
            if not models:
                raise AsrError("The server lists no models; give one with --model.")
            settings = replace(settings, model=models[0])
        self._settings = settings
        if is_url(self.source):
            url = str(self.source)
            if settings.passes_urls_through:
                return await self._run_url(client, url)
            return await self._run_download(client, url)
        if self._seconds_total is None:
            await asyncio.to_thread(self.prepare)
        return await self._run_file(client, Path(self.source))

    async def _run_download(self, client: Dispatcher, url: str) -> Transcript:
        """Download into a private temporary folder (0700), transcribe the file like a
        local one, delete the folder whatever happens."""
        self._emit_progress()
        downloader = self.downloader or Downloader()
        with tempfile.TemporaryDirectory(prefix="desktop-asr-download-") as folder:
            path = await downloader.fetch(url, Path(folder))
            info = await asyncio.to_thread(audio.probe, path)
            self._seconds_total = info.duration
            return await self._run_file(client, path, name=url)

    async def _run_url(self, client: Dispatcher, url: str) -> Transcript:
        self._chunks_total = 1
        self._emit_progress()
        reply = await self._request(client, _Audio(url=url), 0.0, index=0, start=0.0)
        self._emit(PartialText(0, 0.0, reply.text, done=True))
        self._chunks_done = 1
        self._emit_progress()
        segment = Segment(0.0, 0.0, reply.text, reply.language)
        return Transcript.from_segments(url, [segment], duration=None)

    async def _run_file(self, client: Dispatcher, path: Path, *,
                        name: str | None = None) -> Transcript:
        resume = self.resume
        if resume is not None:
            same = replace(self._settings, concurrency=1, stream=False)
            resume.start(await asyncio.to_thread(source_fingerprint, path, repr(same)))

        def known(chunk: ChunkInfo) -> bool:
            return resume is not None and resume.get(_key(chunk)) is not None

        feed_type = ChunkFeed if self.workers else ThreadFeed
        options = {"processes": self.processes} if self.workers else {}
        feed = self._feed = feed_type(str(path), self.settings.max_chunk_seconds,
                                      self.settings.audio_format, skip=known,
                                      pauses=self._pauses,
                                      **options)  # type: ignore[arg-type]
        tasks: set[asyncio.Task[list[Segment]]] = set()
        results: list[Segment] = []
        total_samples = 0
        produced = 0
        self._emit_progress()
        try:
            # Chunks are decoded and encoded by the worker processes while earlier ones
            # are in flight; the next one is ready before a request slot frees.
            async with contextlib.aclosing(feed.chunks()) as chunks:
                async for prepared in chunks:
                    chunk, payload = prepared.chunk, prepared.payload
                    produced += 1
                    total_samples += chunk.size
                    if payload is None:  # transcribed by an earlier try
                        results.extend(self._reuse(chunk))
                        continue
                    endpoint = await client.scheduler.acquire((self._job, chunk.index))
                    task = asyncio.create_task(self._chunk(client, chunk, payload, endpoint))
                    del payload, prepared
                    tasks.add(task)
                    self._raise_first_failure(tasks, results)
            self._chunks_total = produced
            self._seconds_total = total_samples / audio.SAMPLE_RATE
            self._emit_progress()
            while tasks:
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                self._raise_first_failure(tasks, results)
        finally:
            for task in tasks:
                task.cancel()
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
        text = join_texts(self._texts[k] for k in sorted(self._texts))
        return Transcript.from_segments(name or str(path), results,
                                        duration=total_samples / audio.SAMPLE_RATE, text=text)

    @staticmethod
    def _raise_first_failure(tasks: set[asyncio.Task[list[Segment]]],
                             results: list[Segment]) -> None:
        for task in [t for t in tasks if t.done()]:
            tasks.discard(task)
            results.extend(task.result())  # re-raises the chunk's error

    def _reuse(self, chunk: ChunkInfo) -> tuple[Segment, ...]:
        assert self.resume is not None
        segments = self.resume.get(_key(chunk)) or ()
        self._texts[chunk.start] = join_texts(s.text for s in segments)
        self._emit(PartialText(chunk.index, chunk.start_seconds,
                               join_texts(s.text for s in segments), done=True,
                               segments=tuple(segments)))
        self._chunks_done += 1
        self._seconds_done += chunk.duration
        self._emit_progress()
        return segments

    async def _chunk(self, client: Dispatcher, chunk: ChunkInfo, payload: bytes,
                     endpoint: Endpoint) -> list[Segment]:
        segments = await self._piece(client, chunk, payload, endpoint)
        if self.resume is not None:
            self.resume.add(_key(chunk), segments)
        self._chunks_done += 1
        self._seconds_done += chunk.duration
        self._emit_progress()
        return segments

    async def _piece(self, client: Dispatcher, chunk: Chunk | ChunkInfo,
                     payload: bytes | None = None,
                     endpoint: Endpoint | None = None) -> list[Segment]:
        """One request for ``chunk``, encoded as ``payload`` (a ChunkInfo's samples are in
        its payload only; a Chunk's are encoded here)."""
        if payload is None:
            assert isinstance(chunk, Chunk)
            payload = await asyncio.to_thread(audio.encode, chunk.padded(),
                                              self.settings.audio_format)
        try:
            piece = _Audio(payload, audio.AUDIO_FORMATS[self.settings.audio_format])
            reply = await self._request(client, piece, chunk.duration, index=chunk.index,
                                        start=chunk.start_seconds, endpoint=endpoint)
        except AudioTooLongError:
            half = chunk.duration / 2
            if half < self.settings.min_chunk_seconds:
                raise
            # Later chunks are cut shorter from now on (the decoder reads the limit).
            if self._feed is not None:
                self._feed.limit.value = min(self._feed.limit.value, half)
            first, second = split_chunk(await self._with_samples(chunk, payload))
            del payload, piece
            return [*await self._piece(client, first), *await self._piece(client, second)]
        del piece
        # The planner found the speech (in a worker process): placing the text is quick,
        # and done before this request's slot is taken by the next one. Without it (a
        # chunk split in two, or cut at quiet moments only), looking for speech is work
        # for a thread.
        if chunk.speech is not None:
            segments = _on_speech(chunk, reply)
        else:
            samples = (await self._with_samples(chunk, payload)).samples
            segments = await asyncio.to_thread(_on_speech, chunk, reply, samples)
        self._texts[chunk.start] = reply.text
        self._emit(PartialText(chunk.index, chunk.start_seconds, reply.text, done=True,
                               segments=tuple(segments)))
        return segments

    @staticmethod
    async def _with_samples(chunk: Chunk | ChunkInfo, payload: bytes) -> Chunk:
        """The chunk with its samples: a ChunkInfo's are decoded from its payload (the
        exact samples, without the padding of a short chunk)."""
        if isinstance(chunk, Chunk):
            return chunk
        samples = await asyncio.to_thread(audio.decode_encoded, payload)
        return Chunk(chunk.index, chunk.start, samples[:chunk.size], chunk.speech)

    async def _request(self, client: Dispatcher, piece: _Audio, audio_seconds: float, *,
                       index: int, start: float, endpoint: Endpoint | None = None) -> AsrReply:
        settings = self._settings
        context = settings.context_text
        reply = await self._send(client, piece, audio_seconds, context, index, start,
                                 endpoint)
        if context and is_context_echo(reply.text, context):
            # The model's answer to silence/unclear audio can be the context itself.
            reply = await self._send(client, piece, audio_seconds, "", index, start)
        reply = replace(reply, text=self._correct(reply.text), language=plain_line(reply.language))
        return reply

    def _correct(self, text: str) -> str:
        """Server text as one plain line (never a control character: see plain_text.py),
        then post-corrected with the vocabulary."""
        text = plain_line(text)
        if self._corrector is None:
            return text
        return self._corrector.apply(text)

    async def _send(self, client: Dispatcher, piece: _Audio, audio_seconds: float,
                    context: str, index: int, start: float,
                    endpoint: Endpoint | None = None) -> AsrReply:
        """One request, on ``endpoint`` (a slot already taken) or the best one free; on
        other endpoints after a failure."""
        settings = self._settings
        assert settings.model is not None

        def on_text(text: str) -> None:
            self._emit(PartialText(index, start, self._correct(text), done=False))

        if settings.api_style == "transcriptions":
            fields = build_transcription_fields(model=settings.model, context=context,
                                                language=settings.language,
                                                stream=settings.stream)
            return await client.call((self._job, index), lambda c: c.transcribe_upload(
                piece.payload, upload_filename(settings.audio_format), piece.mime, fields,
                audio_seconds=audio_seconds, forced_language=settings.language,
                stream=settings.stream, on_text=on_text), endpoint)
        body = build_chat_request(
            model=settings.model,
            audio_url=piece.url or AUDIO_MARK,
            context=context,
            vocabulary=settings.vocabulary if context else (),
            language=settings.language,
            stream=settings.stream,
            max_tokens=settings.max_tokens,
            send_asr_options=settings.send_asr_options,
        )
        # Once for every try and server; the audio goes in as bytes, never as text.
        payload = encode_json_body(body, None if piece.url else {
            AUDIO_MARK: data_url_bytes(piece.payload, piece.mime)})
        del body
        return await client.call((self._job, index), lambda c: c.transcribe_json(
            payload, settings.model or "", audio_seconds=audio_seconds,
            forced_language=settings.language, on_text=on_text), endpoint)

    def _emit_progress(self) -> None:
        self._emit(JobProgress(self._chunks_done, self._chunks_total, self._seconds_done,
                               self._seconds_total))

    def _emit(self, event: JobEvent) -> None:
        if self.listener is not None:
            self.listener(event)
