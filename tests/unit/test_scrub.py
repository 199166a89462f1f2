"""No error text shows a secret (desktop_asr/errors.py): the API keys in use, any
Authorization or Bearer value and the user-info of URLs are hidden in every AsrError's
message and details, including errors that wrap an httpx exception's text."""

from __future__ import annotations

import asyncio
import secrets

import httpx
import pytest

from desktop_asr.engine.client import AsrClient, RetryPolicy, ServerConfig
from desktop_asr.errors import AsrError, ServerError, register_secret, scrub


def new_key() -> str:
    return "sk-scrub-" + secrets.token_hex(10)


def shown(error: AsrError) -> str:
    """Everything of an error a user or a log could see."""
    return "\n".join([str(error), error.message, error.details, repr(error), *map(str,
                                                                                   error.args)])


def test_a_registered_key_is_hidden_in_messages_and_details():
    key = new_key()
    register_secret(key + " ")
    error = ServerError(f"Talking to h:1 failed: {key} was wrong.",
                        details=f"sent {key!r}; header b'{key} '")
    assert key not in shown(error)
    assert "<hidden>" in error.message
    assert "<hidden>" in error.details
    error.details = f"later: {key}"
    assert key not in error.details


@pytest.mark.parametrize("text", [
    "Illegal header value b'Bearer xyz-not-registered '",
    "headers {'Authorization': 'Bearer xyz-not-registered'}",
    "Authorization: Basic xyz-not-registered",
    "proxy-authorization=xyz-not-registered",
    "(b'authorization', b'xyz-not-registered')",
    "GET http://someone:xyz-not-registered@host:30101/v1/models",
])
def test_authorization_values_and_url_passwords_are_hidden_without_registering(text):
    error = AsrError(f"Failed: {text}", details=text)
    assert "xyz-not-registered" not in shown(error)
    assert "xyz-not-registered" not in scrub(text)


def test_ordinary_text_is_left_alone():
    text = ("The server at 10.0.0.5:30101 rejected the API key (401): check the key. "
            "The Authorization header would put the key into the profiles file.")
    assert scrub(text) == text
    assert str(AsrError(text)) == text


def test_a_wrapped_httpx_exception_does_not_show_the_key():
    """httpx's own text for a key it cannot send carries the key ("Illegal header value
    b'Bearer KEY '"); the client's error in words, and its details, do not."""
    key = new_key()

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.LocalProtocolError(
            f"Illegal header value {request.headers['authorization'].encode()!r}")

    config = ServerConfig("http://127.0.0.1:9", api_key=key, retry=RetryPolicy(attempts=1))

    async def ask() -> None:
        async with AsrClient(config, transport=httpx.MockTransport(refuse)) as client:
            await client.list_models()

    with pytest.raises(AsrError) as info:
        asyncio.run(ask())
    assert "Illegal header value" in info.value.details  # the details are still useful
    assert key not in shown(info.value)
