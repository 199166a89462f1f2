"""Microphone capture streamed to disk, input devices, level metering (no Qt)."""
