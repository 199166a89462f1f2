"""Dictated text into the focused Wayland window with the desktop's tools
(desktop_asr/system/wayland_delivery.py), the tools being stand-ins that record their calls
(the real ones run in tests/e2e on sway)."""

from __future__ import annotations

import pytest

from desktop_asr.system.text_output import KeySendError, WlClipboard, WtypeSender
from desktop_asr.system.wayland_delivery import (
    NOWHERE,
    ON_CLIPBOARD,
    PASTED,
    TYPED,
    WaylandDelivery,
)
from tests.unit.test_session import calls, fake_tool


class Clipboard(WlClipboard):
    """wl-clipboard's behaviour in memory: what was put is what is read back."""

    def __init__(self, content: dict[str, bytes], *, user_copies: str | None = None) -> None:
        self.content = dict(content)
        self.user_copies = user_copies  # the user copies this while we wait
        self.history: list[dict[str, bytes]] = []

    def save(self) -> dict[str, bytes]:
        return dict(self.content)

    def text(self) -> str:
        return self.content.get("text/plain", b"").decode()

    def put_text(self, text: str) -> None:
        self.content = {"text/plain": text.encode()}
        self.history.append(self.content)

    def restore(self, saved) -> None:
        self.content = dict(saved)
        self.history.append(self.content)


def delivery(tmp_path, clipboard, status: int = 0) -> WaylandDelivery:
    def sleep(_seconds: float) -> None:
        if clipboard is not None and clipboard.user_copies is not None:
            clipboard.content = {"text/plain": clipboard.user_copies.encode()}
    sender = WtypeSender(str(fake_tool(tmp_path, "wtype", status=status)))
    return WaylandDelivery(sender, clipboard, sleep=sleep)


def test_paste_puts_the_text_sends_ctrl_v_and_gives_the_clipboard_back(tmp_path):
    clipboard = Clipboard({"image/png": b"\x89PNG..."})
    outcome = delivery(tmp_path, clipboard).deliver("你好\r\nrm -rf ~", "paste", "space")
    assert (outcome.how, outcome.restored) == (PASTED, True)
    assert clipboard.history[0] == {"text/plain": "你好 rm -rf ~ ".encode()}
    assert clipboard.content == {"image/png": b"\x89PNG..."}
    assert calls(tmp_path)[0].endswith("-M ctrl v -m ctrl")


def test_what_the_user_copied_meanwhile_is_left_alone(tmp_path):
    clipboard = Clipboard({"text/plain": b"old"}, user_copies="new")
    outcome = delivery(tmp_path, clipboard).deliver("dictated", "paste", "none")
    assert (outcome.how, outcome.restored) == (PASTED, False)
    assert clipboard.content == {"text/plain": b"new"}


def test_the_newline_ending_is_an_enter_key_after_the_paste(tmp_path):
    clipboard = Clipboard({})
    delivery(tmp_path, clipboard).deliver("text", "paste", "newline")
    assert calls(tmp_path)[2].endswith("-k Return")


def test_without_wl_clipboard_the_text_is_typed(tmp_path):
    outcome = delivery(tmp_path, None).deliver("中文 text", "paste", "none")
    assert outcome.how == TYPED
    assert calls(tmp_path)[:2] == ["wtype -s 100 -P Shift_L -p Shift_L -", "中文 text"]


def test_without_a_key_tool_the_text_waits_on_the_clipboard(tmp_path):
    clipboard = Clipboard({})
    outcome = WaylandDelivery(None, clipboard).deliver("text", "paste", "none")
    assert outcome.how == ON_CLIPBOARD
    assert clipboard.content == {"text/plain": b"text"}
    assert WaylandDelivery(None, None).deliver("text", "paste", "none").how == NOWHERE


def test_a_failing_tool_raises_and_the_clipboard_is_still_given_back(tmp_path):
    clipboard = Clipboard({"text/plain": b"mine"})
    with pytest.raises(KeySendError):
        delivery(tmp_path, clipboard, status=1).deliver("text", "paste", "none")
    assert clipboard.content == {"text/plain": b"mine"}
