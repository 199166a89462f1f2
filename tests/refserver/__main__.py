"""Run the reference server: `python -m tests.refserver [--port 0] ...` (see --help)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

# Before numpy is imported: the DTMF detector's matrix products are small, and OpenBLAS's
# own threads, spinning between calls, took a whole core of the machine the client under
# test shares (about 100 ms of CPU per request while the latency model made it wait).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from aiohttp import web  # noqa: E402

from .app import build_app  # noqa: E402
from .settings import Settings  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.refserver",
        description="A Qwen3-ASR/vLLM stand-in that recognises DTMF tones.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--model", default="qwen3-asr", help="the served model name")
    parser.add_argument(
        "--api-key",
        default=os.environ.get("REFSERVER_API_KEY") or None,
        help="require `Authorization: Bearer KEY` on /v1 (default: $REFSERVER_API_KEY)",
    )
    parser.add_argument("--encoder-cache-tokens", type=int, default=8192)
    parser.add_argument("--latency-scale", type=float, default=0.0)
    parser.add_argument("--max-fetch-seconds", type=float, default=10.0)
    parser.add_argument("--gpu-model", choices=("0.6b", "1.7b"), default="0.6b",
                        help="whose throughput the latency model follows")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    settings = Settings(
        model=args.model,
        api_key=args.api_key,
        encoder_cache_tokens=args.encoder_cache_tokens,
        latency_scale=args.latency_scale,
        max_fetch_seconds=args.max_fetch_seconds,
        gpu_model=args.gpu_model,
    )
    runner = web.AppRunner(
        build_app(settings), access_log=None, handler_cancellation=True, shutdown_timeout=1.0
    )
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.port)
    await site.start()
    host, port = runner.addresses[0][:2]
    print(f"READY http://{host}:{port}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    asyncio.run(serve(parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
