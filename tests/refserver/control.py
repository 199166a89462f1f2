"""The /_test/ control API: configure faults and latency, read the request log and stats."""

from __future__ import annotations

import json

from aiohttp import web

from .errors import json_response
from .state import STATE


async def set_config(request: web.Request) -> web.Response:
    state = request.app[STATE]
    try:
        changes = json.loads(await request.read() or b"{}")
        if not isinstance(changes, dict):
            raise ValueError("config must be a JSON object")
        state.settings = state.settings.merged(changes)
    except ValueError as err:  # json.JSONDecodeError is a ValueError too
        return json_response({"error": str(err)}, 400)
    return json_response(state.settings.public())


async def get_config(request: web.Request) -> web.Response:
    return json_response(request.app[STATE].settings.public())


async def requests_log(request: web.Request) -> web.Response:
    return json_response(request.app[STATE].log)


async def stats(request: web.Request) -> web.Response:
    return json_response(request.app[STATE].stats())


async def reset(request: web.Request) -> web.Response:
    state = request.app[STATE]
    state.reset()
    return json_response(state.settings.public())


def add_routes(app: web.Application) -> None:
    app.router.add_post("/_test/config", set_config)
    app.router.add_get("/_test/config", get_config)
    app.router.add_get("/_test/requests", requests_log)
    app.router.add_get("/_test/stats", stats)
    app.router.add_post("/_test/reset", reset)
