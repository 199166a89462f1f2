"""The aiohttp application: routes, auth and vLLM-like 404s."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web

from . import control, hostile
from .chat import chat_completions
from .errors import json_response, unauthorized
from .settings import Settings
from .state import STATE, ServerState
from .transcriptions import transcriptions

MAX_BODY_BYTES = 1024**3
MAX_MODEL_LEN = 65536
RECORDED_PATHS = ("/v1/chat/completions", "/v1/audio/transcriptions")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def auth_and_not_found(request: web.Request, handler: Handler) -> web.StreamResponse:
    """vLLM's API-key check on /v1 paths (the recognition endpoints check it themselves,
    after scripted failures) and FastAPI's JSON bodies for unknown routes."""
    state = request.app[STATE]
    if (
        request.path.startswith("/v1")
        and request.path not in RECORDED_PATHS
        and request.method != "OPTIONS"
        and not state.authorised(request)
    ):
        return unauthorized()
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return json_response({"detail": "Not Found"}, 404)
    except web.HTTPMethodNotAllowed:
        return json_response({"detail": "Method Not Allowed"}, 405)


async def health(request: web.Request) -> web.Response:
    return web.Response(status=200)


async def models(request: web.Request) -> web.StreamResponse:
    settings = request.app[STATE].settings
    model = settings.model
    card = {
        "id": model,
        "object": "model",
        "created": int(time.time()),
        "owned_by": "vllm",
        "root": "/model/",
        "parent": None,
        "max_model_len": MAX_MODEL_LEN,
        "permission": [],
    }
    body = {"object": "list", "data": [card]}
    if settings.models_mode != "ok":
        return await hostile.send_json(request, settings.models_mode, settings, body)
    return json_response(body)


async def _http_client(app: web.Application) -> AsyncIterator[None]:
    state = app[STATE]
    state.http = aiohttp.ClientSession()
    yield
    await state.http.close()
    state.http = None


def build_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[auth_and_not_found])
    app[STATE] = ServerState(settings)
    app.cleanup_ctx.append(_http_client)
    app.router.add_get("/health", health)
    app.router.add_get("/v1/models", models)
    app.router.add_post("/v1/chat/completions", chat_completions)
    app.router.add_post("/v1/audio/transcriptions", transcriptions)
    app.router.add_get("/_test/files/{name}", hostile.file_download)
    control.add_routes(app)
    return app
