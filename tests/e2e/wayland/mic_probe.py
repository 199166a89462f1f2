"""Record the default input, as the app does (sounddevice -> PortAudio -> ALSA -> PulseAudio),
in a process of the session's user:

    python -m tests.e2e.wayland.mic_probe OUT.f32

Prints one JSON line ``{"recording": true, "device": NAME}`` once audio arrives, records
16 kHz mono float32 samples into OUT.f32 until its input ends, then prints
``{"frames": N}``.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
from typing import Any

import sounddevice as sd

RATE = 16000


def main(out_path: str) -> int:
    blocks: queue.Queue[bytes] = queue.Queue()

    def on_audio(data: Any, frames: int, time: Any, status: Any) -> None:
        blocks.put(bytes(data))

    stop = threading.Event()
    def wait_for_end_of_input() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_end_of_input, daemon=True).start()
    frames = 0
    device = sd.query_devices(kind="input")["name"]
    with open(out_path, "wb") as out, sd.InputStream(
            samplerate=RATE, channels=1, dtype="float32", callback=on_audio, blocksize=320):
        announced = False
        while not stop.is_set() or not blocks.empty():
            try:
                block = blocks.get(timeout=0.1)
            except queue.Empty:
                continue
            out.write(block)
            frames += len(block) // 4
            if not announced:
                print(json.dumps({"recording": True, "device": device}), flush=True)
                announced = True
    print(json.dumps({"frames": frames}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
