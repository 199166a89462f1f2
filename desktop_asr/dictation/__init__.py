"""Dictation: global hotkeys, voice activity, phrases sent while speaking, and putting
the text into the focused window (no Qt)."""
