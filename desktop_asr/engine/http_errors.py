"""What went wrong talking to a server, in words naming HOST:PORT: httpx's exceptions and
a request's deadline turned into the typed errors of desktop_asr.errors."""

from __future__ import annotations

import socket

import httpx

from desktop_asr.errors import (
    AsrError,
    BadResponseError,
    ServerError,
    ServerTimeoutError,
    ServerUnreachableError,
)


def describe_http_error(exc: httpx.HTTPError, where: str, connect_timeout: float) -> AsrError:
    """An httpx exception of a request to the server at ``where`` -> an AsrError."""
    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, httpx.ConnectTimeout):
        return ServerUnreachableError(
            f"Server unreachable at {where}: no answer within {connect_timeout:g} s.",
            details=text, code="server_no_answer",
            params={"where": where, "seconds": connect_timeout})
    if isinstance(exc, httpx.TimeoutException):
        return ServerTimeoutError(
            f"The server at {where} took too long to answer{_read_timeout(exc)}.",
            details=text, code="server_timeout", params={"where": where})
    if isinstance(exc, httpx.ConnectError):
        causes = exception_chain(exc)
        low = " ".join([text, *(str(c) for c in causes)]).lower()
        if "certificate" in low or "ssl" in low or "tls" in low:
            return ServerError(f"TLS failed with {where}: {_tls_reason(low)}", details=text,
                               code=_tls_code(low), params={"where": where})
        if any(isinstance(c, socket.gaierror) for c in causes) or (
            "name or service not known" in low or "name resolution" in low
        ):
            error: AsrError = ServerUnreachableError(
                f"Server unreachable at {where}: the host name cannot be resolved.",
                details=text, code="server_unknown_host", params={"where": where})
            error.retryable = False  # a wrong name does not get right by waiting
            return error
        if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in low:
            return ServerUnreachableError(
                f"Server unreachable at {where}: connection refused (is the server "
                "running on that port?).", details=text, code="server_refused",
                params={"where": where})
        return ServerUnreachableError(f"Server unreachable at {where}: {text}.", details=text,
                                      code="server_unreachable", params={"where": where})
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return ServerUnreachableError(
            f"The connection to {where} broke off before the reply was complete.",
            details=text, code="server_broke_off", params={"where": where})
    return ServerError(f"Talking to {where} failed: {text}.", details=text,
                       code="server_unreachable", params={"where": where})


def deadline_error(where: str, seconds: float, idle_seconds: float) -> ServerTimeoutError:
    """The request's deadline passed. A server that has been silent for half of it is slow
    (retried, like a read timeout); one that kept sending (keep-alive comments, a trickle of
    bytes, a text that never ends) would only do it again (not retried)."""
    if idle_seconds >= seconds / 2:
        return ServerTimeoutError(
            f"The server at {where} took too long to answer (no reply within {seconds:g} s).",
            code="server_timeout", params={"where": where, "seconds": seconds})
    error = ServerTimeoutError(
        f"The server at {where} kept the connection busy but sent no complete reply within "
        f"{seconds:g} s (keep-alive messages or a trickle of bytes that never ends).",
        code="server_timeout", params={"where": where, "seconds": seconds})
    error.retryable = False
    return error


def named(error: AsrError, where: str) -> AsrError:
    """A BadResponseError that says "The server ..." -> "The server at HOST:PORT ..."."""
    if type(error) is not BadResponseError or where in error.message:
        return error
    head = "The server "
    if not error.message.startswith(head):
        return error
    return BadResponseError(f"The server at {where} " + error.message[len(head):],
                            status=error.status, server_message=error.server_message,
                            details=error.details, code=error.code,
                            params={**error.params, "where": where})


def _read_timeout(exc: httpx.TimeoutException) -> str:
    """" (no reply within 30 s)" from the timeout the request carried, else ""."""
    try:
        seconds = exc.request.extensions["timeout"]["read"]
    except (RuntimeError, KeyError, TypeError):
        return ""
    return f" (no reply within {seconds:g} s)" if isinstance(seconds, (int, float)) else ""


def _tls_code(low: str) -> str:
    """The code of what an SSL error text means (see _tls_reason)."""
    if "wrong version number" in low or "record layer" in low or "packet length" in low:
        return "tls_not_tls"
    return "tls_untrusted"


def _tls_reason(low: str) -> str:
    """What an SSL error text means, in words."""
    if "wrong version number" in low or "record layer" in low or "packet length" in low:
        return ("the server does not speak TLS on this port (try http:// instead of "
                "https://).")
    if "certificate" in low:
        return ("the server's certificate is not trusted (self-signed, expired or for "
                "another name); give the CA bundle that signed it or check the address.")
    return "the server's certificate is not trusted or the connection is not TLS."


def exception_chain(exc: BaseException) -> list[BaseException]:
    """The chain of exceptions behind ``exc`` (httpx wraps the OS error)."""
    chain: list[BaseException] = []
    current = exc.__cause__ or exc.__context__
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain
