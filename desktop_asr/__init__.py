"""desktop-asr: a desktop client for a self-hosted Qwen3-ASR server."""

__version__ = "0.1.0"
