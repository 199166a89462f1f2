"""The ways the server can be told to misbehave (see POST /_test/config)."""

from __future__ import annotations

import asyncio
from http import HTTPStatus

from aiohttp import web

from .errors import compact_json, error_body, json_response
from .settings import Failure

POLL_S = 0.02


def html_page(status: int) -> str:
    title = f"{status} {HTTPStatus(status).phrase}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


def failure_response(failure: Failure) -> web.Response:
    headers = {}
    if failure.retry_after is not None:
        headers["Retry-After"] = f"{failure.retry_after:g}"
    if failure.body == "html":
        return web.Response(
            status=failure.status,
            text=html_page(failure.status),
            content_type="text/html",
            headers=headers,
        )
    if failure.body == "empty":
        return web.Response(status=failure.status, headers=headers)
    message = f"Scripted failure: {HTTPStatus(failure.status).phrase}"
    response = json_response(error_body(message, failure.status), failure.status)
    response.headers.update(headers)
    return response


def html_error_response() -> web.Response:
    return web.Response(status=502, text=html_page(502), content_type="text/html")


def error_200_response() -> web.Response:
    """The older vLLM error shape, sent with HTTP 200 as some versions did."""
    body = {
        "object": "error",
        "message": "Internal server error: the engine failed to process the request.",
        "type": "InternalServerError",
        "param": None,
        "code": 500,
    }
    return json_response(body, 200)


def malformed_json_response(body: bytes) -> web.Response:
    return web.Response(
        status=200, body=body[: max(1, len(body) // 2)], content_type="application/json"
    )


def connection_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


async def hang(request: web.Request) -> None:
    """Never answer; return once the client has given up."""
    while not connection_gone(request):
        await asyncio.sleep(POLL_S)


def abort(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.abort()


async def dropped_response(
    request: web.Request, body: bytes, content_type: str
) -> web.StreamResponse:
    """Headers promising the whole body, half of it, then a reset connection."""
    response = web.StreamResponse(status=200)
    response.content_type = content_type
    response.content_length = len(body)
    await response.prepare(request)
    await response.write(body[: len(body) // 2])
    abort(request)
    return response


def truncated_json(obj: object) -> str:
    text = compact_json(obj)
    return text[: len(text) // 2]
