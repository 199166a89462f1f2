"""A reference server speaking vLLM 0.14's OpenAI-compatible API the way Qwen3-ASR is served.

Run it with `python -m tests.refserver` (prints `READY http://127.0.0.1:<port>`), or from
tests through `tests.refserver.fixture.RefServer` and the fixtures in tests/conftest.py.
It "recognises" DTMF tones (tests/dtmf.py) deterministically, models a batching GPU's
latency, and can be scripted to fail through the /_test/ control API.
"""
