"""The transcript view\x27s parts: segments with times, playback, search, saving."""
