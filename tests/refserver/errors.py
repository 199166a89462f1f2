"""Error bodies exactly as vLLM's OpenAI-compatible server sends them."""

from __future__ import annotations

import json
from http import HTTPStatus

from aiohttp import web

ERROR_TYPES = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    404: "NotFoundError",
    429: "RateLimitError",
    500: "InternalServerError",
    502: "BadGatewayError",
    503: "ServiceUnavailableError",
    504: "GatewayTimeoutError",
}


def compact_json(data: object) -> str:
    """JSON as vLLM puts it on the wire: compact, UTF-8 rather than \\u escapes."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def json_response(data: object, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        body=compact_json(data).encode(),
        content_type="application/json",
    )


def error_body(message: str, status: int, param: str | None = None) -> dict[str, object]:
    kind = ERROR_TYPES.get(status, HTTPStatus(status).phrase.replace(" ", "") + "Error")
    return {"error": {"message": message, "type": kind, "param": param, "code": status}}


class ApiError(Exception):
    """A request the server refuses; turns into vLLM's error JSON."""

    def __init__(self, message: str, status: int = 400, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.param = param

    def response(self) -> web.Response:
        return json_response(error_body(self.message, self.status, self.param), self.status)


def unauthorized() -> web.Response:
    return json_response({"error": "Unauthorized"}, 401)


def model_not_found(model: object) -> ApiError:
    return ApiError(f"The model `{model}` does not exist.", 404, "model")
