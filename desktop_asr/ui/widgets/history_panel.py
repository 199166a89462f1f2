"""The history of transcripts: an instant search box over a list of entries, with Open,
Copy, Re-run with profile and Delete.

Searches run off the UI thread (``run_in_background``) a moment after typing stops; the
answer to a query that has since been replaced is dropped. The panel only reads the
store and deletes from it; opening and re-running are the app's, through signals.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPoint,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QGuiApplication,
    QKeyEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from desktop_asr.errors import InputError
from desktop_asr.stores.history.entry import HistoryEntry
from desktop_asr.stores.history.search import Snippet, parse_query
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.ui.dialogs.confirm import ask_choice
from desktop_asr.ui.widgets.error_details import ErrorPanel
from desktop_asr.ui.widgets.history_rows import (
    HTML_ROLE,
    EntryDelegate,
    can_rerun,
    first_line,
    format_time,
    snippet_html,
    source_name,
)
from desktop_asr.ui.widgets.transcript_view import format_duration
from desktop_asr.ui.workers import run_in_background

SEARCH_DELAY_MS = 150
LIST_LIMIT = 200
ID_ROLE = Qt.ItemDataRole.UserRole

Row = tuple[HistoryEntry, Snippet | None]


class HistoryPanel(QWidget):
    """``HistoryPanel(history)``. Signals: ``openRequested(id)``, ``rerunRequested(id,
    profile)``, ``copied(text)``, ``entryDeleted(id)``, ``currentEntryChanged(id)`` (-1:
    none), ``resultsShown(query, count)``. Methods: ``refresh()``, ``current_entry()``,
    ``select_entry(id)``, ``entry_ids()``, ``open_current()``, ``copy_current()``,
    ``delete_current()``, ``context_menu(id)``. Set ``profile_names`` (the profiles for
    Re-run); ``confirm`` (question -> yes?, asked before deleting) and ``set_clipboard``
    (text -> None) may be replaced."""

    openRequested = Signal(int)
    rerunRequested = Signal(int, str)
    copied = Signal(str)
    entryDeleted = Signal(int)
    currentEntryChanged = Signal(int)
    resultsShown = Signal(str, int)

    def __init__(self, history: HistoryStore, parent: QWidget | None = None, *,
                 pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._history = history
        self._pool = pool
        self.profile_names: Callable[[], list[str]] = list
        self.confirm: Callable[[str], bool] = lambda question: ask_choice(
            self, question, self.tr("Delete"), self.tr("Cancel"))
        self.set_clipboard: Callable[[str], None] = QGuiApplication.clipboard().setText
        self._entries: dict[int, HistoryEntry] = {}
        self._generation = 0
        self._search_failed = False
        self.ignored_results = 0  # answers to replaced queries, dropped (for diagnostics)

        self.search_box = QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(self.tr("Search transcripts"))
        self.search_box.setAccessibleName(self.tr("Search transcripts"))
        self.search_box.installEventFilter(self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search_box.textChanged.connect(self._search_timer.start)

        self.entry_list = QListWidget()
        self.entry_list.setAccessibleName(self.tr("Transcripts"))
        self.entry_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entry_list.setItemDelegate(EntryDelegate(self.entry_list))
        self.entry_list.setUniformItemSizes(True)
        self.entry_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.entry_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.entry_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.entry_list.customContextMenuRequested.connect(self._show_context_menu)
        self.entry_list.itemDoubleClicked.connect(lambda _item: self.open_current())
        self.entry_list.currentItemChanged.connect(self._on_current_changed)
        self.entry_list.installEventFilter(self)
        self.summary_label = QLabel()
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)  # may hold outside text

        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.clicked.connect(self.open_current)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(self.copy_current)
        self.rerun_button = QToolButton()
        self.rerun_button.setText(self.tr("Re-run with") + " ▾")
        # The style's own arrow is drawn over the text in some styles: the text has one.
        self.rerun_button.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        self.rerun_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        rerun_menu = QMenu(self.rerun_button)
        rerun_menu.aboutToShow.connect(lambda: self._fill_rerun_menu(rerun_menu,
                                                                     self._current_id()))
        self.rerun_button.setMenu(rerun_menu)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self.delete_current)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.copy_button, self.rerun_button,
                       self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.error_panel = ErrorPanel()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_box)
        layout.addWidget(self.entry_list, 1)
        layout.addWidget(self.summary_label)
        layout.addLayout(buttons)
        layout.addWidget(self.error_panel)
        self._update_buttons()
        self.refresh()

    # --- searching -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Run the current query now (the app calls it when the history changed)."""
        self._search_timer.stop()
        query = self.search_box.text().strip()
        try:
            parse_query(query)
        except InputError:
            query = ""  # nothing to look for (e.g. a lone quote): list everything
        self._generation += 1
        generation = self._generation
        history = self._history

        def work() -> list[Row]:
            if query:
                return [(hit.entry, hit.snippet) for hit in history.search(query, LIST_LIMIT)]
            return [(entry, None) for entry in history.list(limit=LIST_LIMIT)]

        run_in_background(
            work, pool=self._pool,
            finished=lambda rows: self._show_rows(generation, query, rows),
            failed=lambda message, details: self._show_error(generation, message, details))

    def _stale(self, generation: int) -> bool:
        if not Shiboken.isValid(self):
            return True
        if generation != self._generation:
            self.ignored_results += 1
            return True
        return False

    def _show_rows(self, generation: int, query: str, rows: list[Row]) -> None:
        if self._stale(generation):
            return
        keep = self._current_id()
        if self._search_failed:
            self._search_failed = False
            self.error_panel.clear()
        self._entries = {entry.id: entry for entry, _ in rows}
        self.entry_list.blockSignals(True)
        try:
            self.entry_list.clear()
            for entry, snippet in rows:
                self.entry_list.addItem(self._make_item(entry, snippet))
        finally:
            self.entry_list.blockSignals(False)
        if keep is not None and keep in self._entries:
            self.select_entry(keep)
        else:
            self._on_current_changed()
        if not rows:
            self.summary_label.setText(self.tr("No transcript contains “{0}”.").format(query)
                                       if query else self.tr("No transcripts yet."))
        elif len(rows) >= LIST_LIMIT:
            self.summary_label.setText(
                self.tr("The newest {0} are shown; search to find older ones.")
                .format(len(rows)))
        else:
            self.summary_label.setText(self.tr("Transcripts: {0}").format(len(rows)))
        self.resultsShown.emit(query, len(rows))

    def _show_error(self, generation: int, message: str, details: str) -> None:
        if not self._stale(generation):
            self._search_failed = True
            self.error_panel.show_error(message, details)

    def _make_item(self, entry: HistoryEntry, snippet: Snippet | None) -> QListWidgetItem:
        status = {"done": self.tr("Done"), "failed": self.tr("Failed"),
                  "pending": self.tr("Pending"), "recording": self.tr("Recording"),
                  "cancelled": self.tr("Cancelled")}.get(entry.status, entry.status)
        facts = [format_time(entry.created_at), status,
                 self.tr("Recovered after an unexpected exit") if entry.recovered else "",
                 format_duration(entry.duration), entry.profile or "",
                 source_name(entry.source)]
        facts_line = " · ".join(f for f in facts if f)
        if snippet is not None and snippet.text:
            text_html, text_plain = snippet_html(snippet), snippet.text
        elif entry.status == "failed":
            text_plain = entry.error or self.tr("Failed")
            text_html = f"<i>{html.escape(text_plain)}</i>"
        elif entry.status in ("pending", "recording", "cancelled"):
            text_plain = {"pending": self.tr("Waiting for the server"),
                          "recording": self.tr("Being recorded"),
                          "cancelled": self.tr("Cancelled")}[entry.status]
            text_html = f"<i>{html.escape(text_plain)}</i>"
        else:
            text_plain = first_line(entry.text)
            text_html = html.escape(text_plain)
        item = QListWidgetItem(f"{facts_line}\n{text_plain}")
        item.setData(ID_ROLE, entry.id)
        item.setData(HTML_ROLE, f"<small>{html.escape(facts_line)}</small><br>{text_html}")
        item.setToolTip(entry.source)
        icon = {"done": QStyle.StandardPixmap.SP_DialogApplyButton,
                "failed": QStyle.StandardPixmap.SP_MessageBoxCritical,
                "pending": QStyle.StandardPixmap.SP_BrowserReload}.get(entry.status)
        if icon is not None:
            item.setIcon(self.style().standardIcon(icon))
        return item

    # --- the current entry -----------------------------------------------------------------
    def entry_ids(self) -> list[int]:
        """The ids listed, top to bottom."""
        return [int(self.entry_list.item(i).data(ID_ROLE)) for i in range(self.entry_list.count())]

    def _current_id(self) -> int | None:
        item = self.entry_list.currentItem()
        return None if item is None else int(item.data(ID_ROLE))

    def current_entry(self) -> HistoryEntry | None:
        entry_id = self._current_id()
        return None if entry_id is None else self._entries.get(entry_id)

    def select_entry(self, entry_id: int) -> bool:
        """Make ``entry_id`` the current entry if it is listed; whether it is."""
        for row in range(self.entry_list.count()):
            if self.entry_list.item(row).data(ID_ROLE) == entry_id:
                self.entry_list.setCurrentRow(row)
                return True
        return False

    def _on_current_changed(self, *_: Any) -> None:
        self._update_buttons()
        entry_id = self._current_id()
        self.currentEntryChanged.emit(-1 if entry_id is None else entry_id)

    def _update_buttons(self) -> None:
        entry = self.current_entry()
        self.open_button.setEnabled(entry is not None)
        self.copy_button.setEnabled(entry is not None and bool(entry.text))
        self.rerun_button.setEnabled(entry is not None and can_rerun(entry))
        self.delete_button.setEnabled(entry is not None)

    # --- actions ---------------------------------------------------------------------------
    def open_current(self) -> None:
        entry_id = self._current_id()
        if entry_id is not None:
            self.openRequested.emit(entry_id)

    def copy_current(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self._copy(entry.id)

    def _copy(self, entry_id: int) -> None:
        entry = self._entries.get(entry_id)
        if entry is None or not entry.text:
            return
        self.set_clipboard(entry.text)
        self.copied.emit(entry.text)

    def delete_current(self) -> None:
        entry_id = self._current_id()
        if entry_id is not None:
            self._delete(entry_id)

    def _delete(self, entry_id: int) -> None:
        entry = self._entries.get(entry_id)
        if entry is None:
            return
        if entry.source_kind == "recording":
            question = self.tr("Delete this transcript and its recording ({0})? This cannot "
                               "be undone.").format(source_name(entry.source))
        else:
            question = self.tr("Delete this transcript of {0} from the history? Your file "
                               "is not touched.").format(source_name(entry.source))
        if not self.confirm(question):
            return
        self.error_panel.clear()
        history = self._history
        run_in_background(lambda: history.delete(entry_id), pool=self._pool,
                          finished=lambda _: self._deleted(entry_id),
                          failed=self._delete_failed)

    def _deleted(self, entry_id: int) -> None:
        if Shiboken.isValid(self):
            self.entryDeleted.emit(entry_id)
            self.refresh()

    def _delete_failed(self, message: str, details: str) -> None:
        if Shiboken.isValid(self):
            self.error_panel.show_error(message, details)
            self.refresh()

    # --- menus -----------------------------------------------------------------------------
    def context_menu(self, entry_id: int) -> QMenu:
        """The actions for one entry (the list's context menu), not yet shown."""
        entry = self._entries.get(entry_id)
        menu = QMenu(self)
        menu.addAction(self.tr("Open"), lambda: self.openRequested.emit(entry_id))
        copy = menu.addAction(self.tr("Copy"), lambda: self._copy(entry_id))
        copy.setEnabled(entry is not None and bool(entry.text))
        rerun = menu.addMenu(self.tr("Re-run with profile"))
        rerun.setEnabled(entry is not None and can_rerun(entry))
        self._fill_rerun_menu(rerun, entry_id)
        menu.addSeparator()
        menu.addAction(self.tr("Delete"), lambda: self._delete(entry_id))
        return menu

    def _fill_rerun_menu(self, menu: QMenu, entry_id: int | None) -> None:
        menu.clear()
        names = self.profile_names() if entry_id is not None else []
        for name in names:
            menu.addAction(name, self._rerun_slot(entry_id, name))
        if not names:
            menu.addAction(self.tr("No profiles")).setEnabled(False)

    def _rerun_slot(self, entry_id: int | None, profile: str) -> Callable[[], None]:
        def rerun() -> None:
            if entry_id is not None:
                self.rerunRequested.emit(entry_id, profile)
        return rerun

    def _show_context_menu(self, pos: QPoint) -> None:
        item = self.entry_list.itemAt(pos)
        if item is None:
            return
        self.entry_list.setCurrentItem(item)
        menu = self.context_menu(int(item.data(ID_ROLE)))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.entry_list.viewport().mapToGlobal(pos))

    # --- keyboard --------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search_box and key == Qt.Key.Key_Down and self.entry_list.count():
                self.entry_list.setFocus()
                if self.entry_list.currentItem() is None:
                    self.entry_list.setCurrentRow(0)
                return True
            if watched is self.entry_list and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_current()
                return True
            if watched is self.entry_list and key == Qt.Key.Key_Delete:
                self.delete_current()
                return True
        return super().eventFilter(watched, event)
