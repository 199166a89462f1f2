"""How a file or URL is transcribed: the model, language, vocabulary, chunking and the
requests' form (TranscriptionSettings, used by transcribe.TranscriptionJob)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_asr.engine.chunking import DEFAULT_MAX_CHUNK_SECONDS
from desktop_asr.engine.requests import API_STYLES, DEFAULT_MAX_TOKENS
from desktop_asr.text.vocabulary import VocabularyEntry, context_text

TRANSPORTS = ("inline", "url")


@dataclass(frozen=True)
class TranscriptionSettings:
    """How to transcribe; ``model`` None means the server's first model."""

    model: str | None = None
    language: str | None = None  # a model language name ("Chinese"), None = detect
    vocabulary: tuple[VocabularyEntry, ...] = ()
    context: str = ""  # free text added to the vocabulary words
    concurrency: int = 4
    max_chunk_seconds: float = DEFAULT_MAX_CHUNK_SECONDS
    min_chunk_seconds: float = 5.0  # the floor when splitting an "audio too long" chunk
    audio_format: str = "flac"
    stream: bool = False
    send_asr_options: bool = True
    max_tokens: int = DEFAULT_MAX_TOKENS
    api_style: str = "chat"  # or "transcriptions" (OpenAI's multipart upload)
    transport: str = "inline"  # URL sources: download them, or "url": the server fetches
    # Post-correction: where a transcript holds an entry's sounds_like (or, for Chinese,
    # the same pinyin), the entry's word replaces it.
    corrections: tuple[VocabularyEntry, ...] = ()

    def __post_init__(self) -> None:
        if self.api_style not in API_STYLES:
            raise ValueError(f"Unknown API style {self.api_style!r}; use one of: "
                             f"{', '.join(API_STYLES)}.")
        if self.transport not in TRANSPORTS:
            raise ValueError(f"Unknown transport {self.transport!r}; use one of: "
                             f"{', '.join(TRANSPORTS)}.")

    @property
    def passes_urls_through(self) -> bool:
        """URL sources go to the server as they are (else they are downloaded first); the
        transcriptions endpoint takes uploads only."""
        return self.transport == "url" and self.api_style == "chat"

    @property
    def context_text(self) -> str:
        return context_text(self.vocabulary, self.context)
