"""The word + sounds-like table of the vocabulary dialog: one row per word, its hints in one
cell separated by commas (a comma inside a hint is written ``\\,``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from desktop_asr.errors import InputError
from desktop_asr.text.vocabulary import VocabularyEntry, make_entry, merge_entries
from desktop_asr.ui.status.error_text import SHOWN, error_words

_SEPARATOR = re.compile(r"(?<!\\)[,，]")


def join_hints(hints: Iterable[str]) -> str:
    return ", ".join(re.sub(r"([,，])", r"\\\1", h) for h in hints)


def split_hints(text: str) -> list[str]:
    return [re.sub(r"\\([,，])", r"\1", part).strip() for part in _SEPARATOR.split(text)]


class VocabularyTable(QTableWidget):
    edited = Signal()

    def __init__(self) -> None:
        super().__init__(0, 2)
        self.setHorizontalHeaderLabels([self.tr("Word"), self.tr("Sounds like")])
        hints_header = self.horizontalHeaderItem(1)
        if hints_header is not None:
            hints_header.setToolTip(self.tr("How the word may be heard, separated by commas, "
                                        "e.g. \"bu er jia, bu er ga\"."))
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(0, 200)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.itemChanged.connect(lambda *_: self.edited.emit())

    def set_entries(self, entries: Sequence[VocabularyEntry]) -> None:
        self.blockSignals(True)
        self.setRowCount(0)
        for entry in entries:
            self._append(entry.word, join_hints(entry.sounds_like))
        self.blockSignals(False)

    def add_row(self) -> None:
        self._append("", "")
        row = self.rowCount() - 1
        self.setCurrentCell(row, 0)
        item = self.item(row, 0)
        if item is not None:
            self.editItem(item)
        self.edited.emit()

    def remove_selected(self) -> int:
        rows = sorted({index.row() for index in self.selectedIndexes()}, reverse=True)
        for row in rows:
            self.removeRow(row)
        if rows:
            self.edited.emit()
        return len(rows)

    def merge(self, entries: Iterable[VocabularyEntry]) -> None:
        """Add ``entries``: a word already in the table gets the hints it lacks."""
        rows = {self._cell(r, 0).strip(): r for r in range(self.rowCount())}
        self.blockSignals(True)
        for entry in entries:
            row = rows.get(entry.word)
            if row is None:
                self._append(entry.word, join_hints(entry.sounds_like))
                rows[entry.word] = self.rowCount() - 1
                continue
            known = VocabularyEntry(entry.word, tuple(
                h for h in split_hints(self._cell(row, 1)) if h))
            merged = merge_entries(known, entry)
            self.setItem(row, 1, QTableWidgetItem(join_hints(merged.sounds_like)))
        self.blockSignals(False)
        self.edited.emit()

    def entries(self) -> list[VocabularyEntry]:
        """The rows as entries (empty rows skipped); InputError in words, naming the row,
        for a row without a word, an unusable word or hint, or a word given twice."""
        result: list[VocabularyEntry] = []
        seen: dict[str, int] = {}
        for row in range(self.rowCount()):
            word, hints = self._cell(row, 0), split_hints(self._cell(row, 1))
            if not word.strip() and not any(hints):
                continue
            if not word.strip():
                raise InputError(self.tr("Row {0} has sounds-like hints but no word.").format(
                    row + 1), code=SHOWN)
            try:
                entry = make_entry(word, hints)
            except InputError as exc:
                raise InputError(self.tr("Row {0}: {1}").format(row + 1, error_words(exc)[0]),
                                 code=SHOWN) from None
            if entry.word in seen:
                raise InputError(self.tr("The word {0} is in rows {1} and {2}: keep one row "
                                         "and put all its hints there.").format(
                    entry.word, seen[entry.word] + 1, row + 1), code=SHOWN)
            seen[entry.word] = row
            result.append(entry)
        return result

    def _append(self, word: str, hints: str) -> None:
        row = self.rowCount()
        self.insertRow(row)
        self.setItem(row, 0, QTableWidgetItem(word))
        self.setItem(row, 1, QTableWidgetItem(hints))

    def _cell(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""
