"""The app's text delivery on Wayland: the desktop's tools on a worker thread, and the user
told to paste when no tool can send keys (desktop_asr/ui/text_delivery.py)."""

from __future__ import annotations

from desktop_asr.stores.app_settings import AppSettings
from desktop_asr.system.text_output import WtypeSender
from desktop_asr.system.wayland_delivery import WaylandDelivery
from desktop_asr.ui.text_delivery import TextDelivery
from tests.unit.test_session import calls, fake_tool
from tests.unit.test_wayland_delivery import Clipboard


def test_the_text_is_pasted_by_the_tools_off_the_ui_thread(qtbot, tmp_path):
    clipboard = Clipboard({"text/plain": b"mine"})
    sender = WtypeSender(str(fake_tool(tmp_path, "wtype")))
    delivery = TextDelivery(wayland=lambda: WaylandDelivery(sender, clipboard,
                                                            sleep=lambda _s: None))
    notices: list[str] = []
    delivery.notice.connect(notices.append)
    delivery.deliver("你好\nworld", AppSettings())
    qtbot.waitUntil(lambda: clipboard.content == {"text/plain": b"mine"}
                    and len(clipboard.history) == 2)
    assert clipboard.history[0] == {"text/plain": "你好 world".encode()}
    assert calls(tmp_path)[0].endswith("-M ctrl v -m ctrl")
    assert notices == []


def test_without_a_key_tool_the_user_is_told_to_paste(qtbot):
    clipboard = Clipboard({})
    delivery = TextDelivery(wayland=lambda: WaylandDelivery(None, clipboard))
    with qtbot.waitSignal(delivery.notice) as notice:
        delivery.deliver("text", AppSettings())
    assert "Ctrl+V" in notice.args[0]
    assert clipboard.content == {"text/plain": b"text"}


def test_a_tool_that_fails_leaves_the_text_on_the_clipboard_and_looks_again(qtbot, tmp_path):
    clipboard = Clipboard({})
    broken = WtypeSender(str(fake_tool(tmp_path, "wtype", status=1)))
    made: list[WaylandDelivery] = []

    def factory() -> WaylandDelivery:
        made.append(WaylandDelivery(broken if not made else None, clipboard))
        return made[-1]

    delivery = TextDelivery(wayland=factory)
    with qtbot.waitSignal(delivery.notice) as notice:
        delivery.deliver("text", AppSettings())
    assert "Ctrl+V" in notice.args[0]
    assert clipboard.content == {"text/plain": b"text"}
    assert len(made) == 2  # the tools were looked for again
