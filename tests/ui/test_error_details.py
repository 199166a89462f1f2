"""The app's one way to show an error (desktop_asr/ui/widgets/error_details.py): the sentence,
a Details expander only when there are details, never a traceback in the visible text."""

from __future__ import annotations

import traceback

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_asr.ui.widgets.error_details import ErrorPanel, error_box, show_error, split_message


def a_traceback() -> str:
    try:
        raise ValueError("boom")
    except ValueError:
        return traceback.format_exc()


@pytest.fixture
def panel(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    panel = ErrorPanel(parent)
    parent.show()
    panel.holder = parent  # keeps the parent (and so the panel) alive
    return panel


def test_empty_panel_is_hidden(panel):
    assert panel.isHidden()
    assert panel.message() == ""


def test_a_sentence_without_details_has_no_details_button(panel):
    panel.show_error("Server unreachable at 10.0.0.5:30101: connection refused.")
    assert panel.isVisible()
    assert panel.message() == "Server unreachable at 10.0.0.5:30101: connection refused."
    assert panel.kind == "error"
    assert not panel.details_button.isVisible()
    assert not panel.details_text.isVisible()


def test_details_hide_behind_a_toggle(qtbot, panel):
    panel.show_error("The server answered 500.", '{"error": {"message": "CUDA out of memory"}}')
    assert panel.details_button.isVisible()
    assert not panel.details_text.isVisible()
    panel.details_button.click()
    assert panel.details_text.isVisible()
    assert panel.details() == '{"error": {"message": "CUDA out of memory"}}'
    panel.details_button.click()
    assert not panel.details_text.isVisible()


def test_expanded_details_are_shown_at_once(panel):
    panel.show_message("Imported 3 words.", "warning", "Line 3: skipped", expanded=True)
    assert panel.details_text.isVisible()
    assert panel.kind == "warning"


def test_a_new_message_replaces_the_old_one_and_clear_hides(panel):
    panel.show_error("first", "first details")
    panel.details_button.click()
    panel.show_message("Connected.", "success")
    assert panel.message() == "Connected."
    assert not panel.details_button.isVisible()
    assert not panel.details_text.isVisible()
    panel.clear()
    assert panel.isHidden()


def test_a_traceback_never_reaches_the_visible_text(panel):
    tb = a_traceback()
    panel.show_error("Unexpected error: ValueError: boom\n" + tb, "earlier details")
    assert panel.message() == "Unexpected error: ValueError: boom"
    assert "Traceback" not in panel.message()
    assert panel.details().startswith("earlier details\n\nTraceback (most recent call last)")
    assert 'raise ValueError("boom")' in panel.details()


def test_a_message_that_is_only_a_traceback_gets_a_sentence():
    visible, details = split_message(a_traceback())
    assert visible == "Something went wrong; the details say what."
    assert details.startswith("Traceback")


def test_unknown_kinds_are_a_programming_error(panel):
    with pytest.raises(ValueError, match="unknown kind"):
        panel.show_message("x", "fatal")


def test_the_message_box_has_details_only_when_given(qtbot):
    box = error_box(None, "The file is not audio.")
    qtbot.addWidget(box)
    assert box.text() == "The file is not audio."
    assert box.detailedText() == ""
    assert box.icon() == QMessageBox.Icon.Warning
    with_details = error_box(None, "Bad reply.\n" + a_traceback(), "raw body")
    qtbot.addWidget(with_details)
    assert with_details.text() == "Bad reply."
    assert with_details.detailedText().startswith("raw body\n\nTraceback")


def test_show_error_opens_without_blocking(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    box = show_error(parent, "Cannot write /x: permission denied.")
    assert box.isVisible()  # we got here: open() did not block
    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=1000)


def test_a_key_never_reaches_the_error_panel_or_box(qtbot):
    from desktop_asr.errors import register_secret
    from desktop_asr.ui.widgets.error_details import ErrorPanel, error_box

    key = "sk-test-0123456789abcdef"
    register_secret(key)
    panel = ErrorPanel()
    qtbot.addWidget(panel)
    panel.show_message(f"Illegal header value b'Bearer {key}'", "error",
                       f"Authorization: Bearer {key}")
    assert key not in panel.message_label.text()
    assert key not in panel.details_text.toPlainText()
    box = error_box(None, f"failed with {key}", f"headers: Bearer {key}")
    assert key not in box.text()
    assert key not in box.detailedText()
    box.deleteLater()
