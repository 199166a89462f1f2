"""Text delivery on the UI thread (X11 path): the paste or typing waits for the dictation
keys to be let go without ever blocking the event loop (desktop_asr/ui/text_delivery.py)."""

from __future__ import annotations

from desktop_asr.stores.app_settings import AppSettings
from desktop_asr.ui.text_delivery import TextDelivery


class Keyboard:
    """pynput's keyboard Controller as far as typing goes: what was typed."""

    def __init__(self) -> None:
        self.typed: list[str] = []

    def type(self, text: str) -> None:
        self.typed.append(text)


def test_typing_waits_for_the_keys_to_be_let_go_without_blocking(qtbot):
    keyboard = Keyboard()
    held = {"checks": 0}

    def released(timeout: float) -> bool:
        assert timeout == 0.0  # asked, never waited for, on the UI thread
        held["checks"] += 1
        return held["checks"] > 3  # the user lets go of Ctrl+Alt a moment later

    delivery = TextDelivery(keyboard=keyboard, modifiers_released=released)
    delivery.deliver("hello\nworld", AppSettings(dictation_output="type"))
    assert keyboard.typed == []  # not yet: deliver returned at once
    qtbot.waitUntil(lambda: keyboard.typed == ["hello world"], timeout=3000)
    assert held["checks"] == 4


def test_keys_already_up_are_typed_at_once(qtbot):
    keyboard = Keyboard()
    delivery = TextDelivery(keyboard=keyboard, modifiers_released=lambda _t: True)
    delivery.deliver("at once", AppSettings(dictation_output="type"))
    assert keyboard.typed == ["at once"]


def test_keys_never_let_go_still_deliver_after_a_second(qtbot):
    keyboard = Keyboard()
    delivery = TextDelivery(keyboard=keyboard, modifiers_released=lambda _t: False)
    delivery.deliver("eventually", AppSettings(dictation_output="type"))
    qtbot.waitUntil(lambda: keyboard.typed == ["eventually"], timeout=3000)
