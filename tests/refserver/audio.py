"""Getting the audio of a request: data URLs, http(s) fetching, format sniffing, decoding.

vLLM 0.14's chat path loads audio with libsndfile: WAV, FLAC, MP3 and OGG decode; MP4/M4A,
WebM and anything else fail. The MIME type of a data URL is ignored, the bytes decide.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
from typing import Any

import aiohttp
import numpy as np

from tests import dtmf

from .errors import ApiError

SAMPLE_RATE = 16000
DECODABLE = frozenset({"wav", "flac", "mp3", "ogg"})


def sniff(data: bytes) -> str:
    """The container format the bytes start with, or "unknown"."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"fLaC":
        return "flac"
    if data[:4] == b"OggS":
        return "ogg"
    if data[:3] == b"ID3":
        return "mp3"
    if len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        # MPEG audio frame sync; layer bits 00 is AAC in ADTS framing, not MP3.
        return "mp3" if (data[1] >> 1) & 0x3 else "aac"
    if data[4:8] == b"ftyp":
        return "mp4"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if data[:5] == b"#!AMR":
        return "amr"
    return "unknown"


def describe(data: bytes) -> dict[str, Any]:
    """What the request log shows instead of the audio bytes."""
    return {
        "bytes": len(data),
        "format": sniff(data),
        "duration": None,
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def parse_data_url(url: str) -> bytes:
    header, sep, payload = url.partition(",")
    if not sep:
        raise ApiError("Invalid data URL: missing ','.")
    if not header.endswith(";base64"):
        raise ApiError("Only base64 data URLs are supported for audio.")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as err:
        raise ApiError(f"Invalid base64 audio data in data URL: {err}") from err


def decode_base64(data: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as err:
        raise ApiError(f"Invalid base64 audio data: {err}") from err


async def fetch(session: aiohttp.ClientSession, url: str, timeout_s: float) -> bytes:
    """Download an http(s) audio URL the way vLLM's MediaConnector does, with a timeout."""
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=timeout_s)) as resp:
            if resp.status >= 400:
                raise ApiError(f"Failed to fetch audio from {url}: HTTP {resp.status}")
            return await resp.read()
    except asyncio.TimeoutError as err:
        raise ApiError(f"Failed to fetch audio from {url}: timed out after {timeout_s:g}s") from err
    except aiohttp.ClientError as err:
        raise ApiError(f"Failed to fetch audio from {url}: {err}") from err


def _decode(data: bytes) -> np.ndarray:
    kind = sniff(data)
    if kind not in DECODABLE:
        raise ApiError(
            f"Failed to load audio: the audio could not be loaded (format: {kind}). "
            "Supported formats are WAV, FLAC, MP3 and OGG."
        )
    try:
        return dtmf.decode_bytes(data, SAMPLE_RATE)
    except Exception as err:  # PyAV raises many error types for corrupt input
        raise ApiError(f"Failed to load audio: the audio could not be loaded ({err}).") from err


async def decode(data: bytes) -> np.ndarray:
    """16 kHz mono float32 samples, decoded in a worker thread; ApiError if undecodable."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, _decode, data)


async def detect_words(samples: np.ndarray) -> list[str]:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, dtmf.detect, samples, SAMPLE_RATE)
