"""The real ``desktop-asr transcribe`` against the reference server over real HTTP."""

from __future__ import annotations

import json
import socket
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from tests import dtmf
from tests.integration.conftest import assert_one_clean_error_line

pytestmark = pytest.mark.integration

WORDS = "123 456 7890"


@pytest.mark.parametrize(
    ("name", "rate", "channels", "video"),
    [
        ("speech.wav", 44100, 2, False),  # 44.1 kHz stereo WAV
        ("speech.m4a", 44100, 2, False),
        ("speech.mp4", 48000, 2, True),  # a video with an audio track
        ("speech.mp3", 44100, 1, False),
        ("speech.ogg", 48000, 1, False),
        ("speech.mkv", 48000, 2, True),
    ],
)
def test_files_of_any_format_come_back_exactly(refserver, run_cli, make_audio, name, rate,
                                               channels, video):
    path = make_audio(name, WORDS, sample_rate=rate, channels=channels, video=video)
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--model",
                     "qwen3-asr")
    assert result.returncode == 0, result.stderr
    assert result.stdout == WORDS + "\n"
    # The client always sends what every server decodes: 16 kHz mono FLAC.
    (request,) = refserver.requests()
    audio = request["body"]["messages"][-1]["content"][0]["audio_url"]["url"]
    assert audio["format"] == "flac"


def test_request_body_follows_the_protocol(refserver, run_cli, make_audio):
    path = make_audio("a.wav", "42")
    result = run_cli("transcribe", str(path), "--server", refserver.url + "/v1/")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "42\n"
    requests = refserver.requests()
    body = requests[-1]["body"]
    assert body["model"] == "qwen3-asr"  # the first model GET /v1/models lists
    assert body["temperature"] == 0
    assert body["max_tokens"] == 4096
    assert body["stream"] is False
    assert [m["role"] for m in body["messages"]] == ["user"]  # no context, no system message
    assert body["messages"][0]["content"][0]["type"] == "audio_url"
    assert "continue_final_message" not in body


def test_ten_minute_file_goes_in_concurrent_chunks_in_order(refserver, run_cli, tmp_path):
    rng = np.random.default_rng(7)
    words = [
        "".join(rng.choice(list("0123456789"), size=3)) for _ in range(520)
    ]
    samples = dtmf.synthesize(" ".join(words), 16000, word_gap_ms=800)
    assert samples.size / 16000 >= 600
    path = dtmf.write_audio(tmp_path / "meeting.flac", samples, 16000)
    refserver.configure(min_latency_s=0.15)
    result = run_cli("transcribe", str(path), "--server", refserver.url,
                     "--max-chunk-seconds", "100", "--concurrency", "4", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"] == " ".join(words)
    starts = [s["start"] for s in data["segments"]]
    assert starts == sorted(starts)
    assert starts[0] == pytest.approx(0.3, abs=0.05)  # the first tone, after 300 ms
    assert data["duration"] == pytest.approx(samples.size / 16000, abs=0.01)
    stats = refserver.stats()
    assert stats["requests"] >= 5
    assert len(data["segments"]) >= stats["requests"]
    assert stats["max_in_flight"] >= 2


def test_forced_language_uses_the_assistant_prefill(refserver, run_cli, make_audio):
    path = make_audio("zh.wav", "12 34")
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--language", "zh",
                     "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"] == "一二三四"
    assert data["language"] == "Chinese"
    body = refserver.requests()[-1]["body"]
    assert body["messages"][-1] == {"role": "assistant", "content": "language Chinese<asr_text>"}
    assert body["continue_final_message"] is True
    assert body["add_generation_prompt"] is False


def test_unknown_language_is_refused_before_any_request(refserver, run_cli, make_audio):
    path = make_audio("a.wav", "1")
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--language", "xx")
    assert result.returncode == 2
    assert "Unknown language 'xx'" in assert_one_clean_error_line(result.stderr)
    assert refserver.requests() == []


def test_vocabulary_file_biases_through_the_system_message(refserver, run_cli, make_audio,
                                                          tmp_path):
    vocab = tmp_path / "words.csv"
    vocab.write_text("word,sounds_like\nKubernetes,cooper netties;kuber nettis\n不二家,bu er jia\n",
                     encoding="utf-8")
    path = make_audio("a.wav", "#1 55 #2")
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--vocab", str(vocab))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Kubernetes 55 不二家\n"
    body = refserver.requests()[-1]["body"]
    assert body["messages"][0] == {"role": "system", "content": "Kubernetes 不二家"}
    assert body["asr_options"]["custom_vocabulary_word"] == [
        {"word": "Kubernetes", "sounds_like": ["cooper netties", "kuber nettis"]},
        {"word": "不二家", "sounds_like": ["bu er jia"]},
    ]
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--vocab", str(vocab),
                     "--no-asr-options")
    assert result.returncode == 0, result.stderr
    assert "asr_options" not in refserver.requests()[-1]["body"]


@pytest.fixture
def file_server(tmp_path):
    """A plain static file server on loopback, like the seed's busybox httpd."""
    root = tmp_path / "www"
    root.mkdir()
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_http_url_input_is_passed_through_with_transport_url(refserver, run_cli,
                                                            file_server):
    root, base = file_server
    dtmf.write_audio(root / "call.wav", dtmf.synthesize("2468"), 16000)
    url = f"{base}/call.wav"
    result = run_cli("transcribe", url, "--server", refserver.url, "--format", "json",
                     "--transport", "url")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["text"] == "2468"
    (request,) = refserver.requests()
    assert request["body"]["messages"][-1]["content"][0]["audio_url"]["url"] == url


def test_http_url_input_is_downloaded_and_sent_inline_by_default(refserver, run_cli,
                                                                file_server):
    root, base = file_server
    samples = dtmf.synthesize("2468 13", 44100)
    dtmf.write_audio(root / "call.m4a", samples, 44100, channels=2)
    url = f"{base}/call.m4a"
    result = run_cli("transcribe", url, "--server", refserver.url, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"] == "2468 13"
    assert data["source"] == url
    # Decoded by the client: the duration is known (AAC may pad a few ms).
    assert data["duration"] == pytest.approx(samples.size / 44100, abs=0.05)
    # The server got audio data, not the URL (an M4A the server could not even decode).
    (request,) = refserver.requests()
    sent = request["body"]["messages"][-1]["content"][0]["audio_url"]["url"]
    assert sent["format"] == "flac"


def test_url_that_is_not_there_is_explained(refserver, run_cli, file_server):
    _root, base = file_server
    result = run_cli("transcribe", f"{base}/missing.wav", "--server", refserver.url)
    assert result.returncode == 1
    line = assert_one_clean_error_line(result.stderr)
    assert "Cannot download the URL" in line
    assert "404 Not Found" in line
    assert refserver.requests() == []


def test_stream_shows_text_on_stderr_as_it_arrives(refserver, run_cli, make_audio):
    path = make_audio("a.wav", "*12 *34")  # Chinese words
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--stream")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "一二三四\n"
    assert result.stderr == "一二三四\n"
    assert refserver.requests()[-1]["body"]["stream"] is True


def test_chinese_chunks_join_without_spaces(refserver, run_cli, make_audio):
    path = make_audio("a.wav", " ".join(["*123"] * 12), word_gap_ms=1500)
    result = run_cli("transcribe", str(path), "--server", refserver.url,
                     "--max-chunk-seconds", "6", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["segments"]) >= 3
    assert data["text"] == "一二三" * 12


def test_silent_file_succeeds_with_empty_text(refserver, run_cli, tmp_path):
    path = dtmf.write_audio(tmp_path / "silence.wav", np.zeros(16000 * 3, np.float32), 16000)
    result = run_cli("transcribe", str(path), "--server", refserver.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_context_echoed_on_silence_is_retried_without_context(refserver, run_cli, tmp_path):
    path = dtmf.write_audio(tmp_path / "silence.wav", np.zeros(16000 * 3, np.float32), 16000)
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--context",
                     "Kubernetes vLLM 不二家", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["text"] == ""
    first, second = (r["body"] for r in refserver.requests())
    assert first["messages"][0]["role"] == "system"
    assert [m["role"] for m in second["messages"]] == ["user"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_server_is_named(run_cli, make_audio):
    path = make_audio("a.wav", "1")
    port = _free_port()
    result = run_cli("transcribe", str(path), "--server", f"http://127.0.0.1:{port}",
                     "--model", "qwen3-asr")
    assert result.returncode != 0
    line = assert_one_clean_error_line(result.stderr)
    assert str(path) in line
    assert f"unreachable at 127.0.0.1:{port}" in line
    assert "refused" in line


def test_wrong_api_key_says_check_the_key(make_refserver, run_cli, make_audio):
    server = make_refserver(api_key="right-key")
    path = make_audio("a.wav", "1")
    result = run_cli("transcribe", str(path), "--server", server.url, "--api-key-env",
                     "TEST_ASR_KEY", env={"TEST_ASR_KEY": "wrong-key"})
    assert result.returncode != 0
    line = assert_one_clean_error_line(result.stderr)
    assert "401 unauthorized" in line
    assert "check the API key" in line
    assert "wrong-key" not in result.stderr + result.stdout
    result = run_cli("transcribe", str(path), "--server", server.url, "--api-key-env",
                     "TEST_ASR_KEY", env={"TEST_ASR_KEY": "right-key"})
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1\n"


def test_wrong_model_lists_the_available_ones(refserver, run_cli, make_audio):
    path = make_audio("a.wav", "1")
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--model", "whisper")
    assert result.returncode != 0
    line = assert_one_clean_error_line(result.stderr)
    assert "model not found" in line.lower()
    assert "available: qwen3-asr" in line


def test_audio_too_long_splits_the_chunk_and_retries(refserver, run_cli, make_audio):
    # 1000 encoder tokens at 13 per second: at most ~76 s per request.
    refserver.configure(encoder_cache_tokens=1000)
    # 84 s without a pause long enough to cut at: the first request is the whole file.
    words = " ".join(f"{i:03d}" for i in range(100))
    path = make_audio("long.flac", words, word_gap_ms=400)
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"] == words
    statuses = [r["status"] for r in refserver.requests()]
    assert statuses[0] == 400
    assert statuses.count(200) >= 2


def test_two_503s_are_retried(refserver, run_cli, make_audio):
    refserver.configure(fail_next=[{"status": 503, "count": 2}])
    path = make_audio("a.wav", "987")
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--model",
                     "qwen3-asr")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "987\n"
    assert [r["status"] for r in refserver.requests()] == [503, 503, 200]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("html_error", "502 bad gateway"),
        ("malformed_json", "not valid JSON"),
        ("error_200", "server"),
    ],
)
def test_garbage_answers_are_explained(refserver, run_cli, make_audio, mode, expected):
    refserver.configure(mode=mode)
    path = make_audio("a.wav", "1")
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--model",
                     "qwen3-asr")
    assert result.returncode != 0
    assert expected in assert_one_clean_error_line(result.stderr)


def test_several_inputs_one_bad_the_others_written(refserver, run_cli, make_audio, tmp_path):
    good1 = make_audio("one.wav", "11")
    bad = tmp_path / "notes.wav"
    bad.write_text("this is not audio at all\n" * 50)
    good2 = make_audio("two.m4a", "22")
    out = tmp_path / "out"
    result = run_cli("transcribe", str(good1), str(bad), str(good2), "--server", refserver.url,
                     "--format", "srt", "-o", str(out))
    assert result.returncode == 1
    line = assert_one_clean_error_line(result.stderr)
    assert str(bad) in line
    assert "not an audio or video file" in line
    assert sorted(p.name for p in out.iterdir()) == ["one.srt", "two.srt"]
    srt = (out / "two.srt").read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:00,300 --> 00:00:")  # the tone starts after 300 ms
    assert "\n22\n" in srt


def test_several_inputs_print_headers_or_json_lines(refserver, run_cli, make_audio):
    a, b = make_audio("a.wav", "1"), make_audio("b.wav", "2")
    result = run_cli("transcribe", str(a), str(b), "--server", refserver.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"==> {a} <==\n1\n\n==> {b} <==\n2\n\n"
    result = run_cli("transcribe", str(a), str(b), "--server", refserver.url, "--format", "json")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(d["source"], d["text"]) for d in lines] == [(str(a), "1"), (str(b), "2")]
    assert set(lines[0]) == {"source", "text", "language", "duration", "segments"}
    assert set(lines[0]["segments"][0]) == {"start", "end", "text", "language"}


def test_missing_server_and_missing_key_env_are_usage_errors(run_cli, make_audio):
    path = make_audio("a.wav", "1")
    result = run_cli("transcribe", str(path))
    assert result.returncode == 2
    assert "--server" in assert_one_clean_error_line(result.stderr)
    result = run_cli("transcribe", str(path), "--server", "http://127.0.0.1:9",
                     "--api-key-env", "SURELY_NOT_SET_ASR")
    assert result.returncode == 2
    assert "SURELY_NOT_SET_ASR" in assert_one_clean_error_line(result.stderr)


def test_output_file_for_one_input(refserver, run_cli, make_audio, tmp_path):
    path = make_audio("a.wav", "5 6")
    out = tmp_path / "a.vtt"
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--format", "vtt",
                     "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("WEBVTT\n\n00:00:00.300 --> ")


def test_version(run_cli):
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("desktop-asr ")


def test_corrupt_file_alone(run_cli, tmp_path, refserver):
    path = tmp_path / "broken.mp3"
    data = Path(dtmf.write_audio(tmp_path / "ok.mp3", dtmf.synthesize("1"), 16000)).read_bytes()
    path.write_bytes(data[:64])
    result = run_cli("transcribe", str(path), "--server", refserver.url)
    assert result.returncode == 1
    line = assert_one_clean_error_line(result.stderr)
    assert "broken.mp3" in line


def test_a_url_inputs_password_and_query_are_neither_printed_nor_kept(refserver, run_cli,
                                                                      file_server, tmp_path):
    root, base = file_server
    dtmf.write_audio(root / "a.wav", dtmf.synthesize("2468"), 16000)
    port = base.rsplit(":", 1)[1]
    secrets = ("pw-Secret-5150", "token-Secret-8086")
    plain = f"http://user:{secrets[0]}@127.0.0.1:{port}/a.wav?token={secrets[1]}"
    tls = f"https://user:{secrets[0]}@127.0.0.1:{port}/a.wav?token={secrets[1]}"

    done = run_cli("transcribe", plain, "--server", refserver.url, "--format", "json")
    assert done.returncode == 0, done.stderr  # downloaded with them, so they were used
    assert json.loads(done.stdout)["text"] == "2468"
    assert json.loads(done.stdout)["source"] == f"{base}/a.wav"
    failed = run_cli("transcribe", tls, "--server", refserver.url)  # no TLS on that port
    assert failed.returncode == 1
    line = assert_one_clean_error_line(failed.stderr)
    assert line.startswith(f"desktop-asr: https://127.0.0.1:{port}/a.wav: ")

    listed = run_cli("history", "list", "--json")
    entries = json.loads(listed.stdout)
    assert [(e["source"], e["status"]) for e in entries] == [
        (f"https://127.0.0.1:{port}/a.wav", "failed"), (f"{base}/a.wav", "done")]
    shown = run_cli("history", "show", str(entries[0]["id"]))
    assert f"https://127.0.0.1:{port}/a.wav" in shown.stdout
    files = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert files
    for secret in secrets:
        for text in (done.stdout, done.stderr, failed.stdout, failed.stderr, listed.stdout,
                     shown.stdout):
            assert secret not in text
        for path in files:
            assert secret.encode() not in path.read_bytes(), path
