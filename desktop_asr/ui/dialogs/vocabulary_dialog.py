"""The vocabulary editor: the lists on the left (New, Delete), and for the selected list
"Correct transcripts with this list", the word + sounds-like table, Import... and Export....

Everything is saved through VocabularyStore: the table with Save (and after an import),
the correction switch at once. Lists cannot be renamed (the store has no rename; profiles
refer to lists by name).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_asr.errors import AsrError, InputError
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.vocabulary_files import ImportResult, export_vocabulary, import_vocabulary
from desktop_asr.stores.vocabulary_store import VocabularyStore
from desktop_asr.text.vocabulary import VocabularyList
from desktop_asr.ui.dialogs.confirm import ask_text, ask_yes_no
from desktop_asr.ui.dialogs.connection_test import alive
from desktop_asr.ui.dialogs.list_usage import ListUsage
from desktop_asr.ui.dialogs.vocabulary_table import VocabularyTable
from desktop_asr.ui.status.error_text import error_words
from desktop_asr.ui.widgets.error_details import ErrorPanel
from desktop_asr.ui.workers import Task, run_in_background

# A chooser returns (path, format) or None when cancelled; format None: from the file name.
ImportChooser = Callable[[QWidget], "tuple[str, str | None] | None"]
ExportChooser = Callable[[QWidget, str], "tuple[str, str | None] | None"]
_EXTENSIONS = {"csv": ".csv", "json": ".json", "txt": ".txt", "capswriter": ".txt"}


def _filters() -> list[tuple[str, str | None]]:
    """File dialog filters and the vocabulary format each one means."""
    translate = QCoreApplication.translate
    return [(translate("VocabularyDialog", "Vocabulary files (*.csv *.json *.txt)"), None),
            (translate("VocabularyDialog", "CSV: word,sounds_like (*.csv)"), "csv"),
            (translate("VocabularyDialog", "JSON (*.json)"), "json"),
            (translate("VocabularyDialog", "Text: one word per line (*.txt)"), "txt"),
            (translate("VocabularyDialog", "CapsWriter-Offline hot words (hot*.txt)"),
             "capswriter")]


def choose_import_file(parent: QWidget) -> tuple[str, str | None] | None:
    filters = _filters()
    title = QCoreApplication.translate("VocabularyDialog", "Import vocabulary")
    path, chosen = QFileDialog.getOpenFileName(parent, title, "",
                                               ";;".join(f for f, _ in filters))
    return (path, dict(filters).get(chosen)) if path else None


def choose_export_file(parent: QWidget, suggested: str) -> tuple[str, str | None] | None:
    filters = _filters()[1:]
    title = QCoreApplication.translate("VocabularyDialog", "Export vocabulary")
    path, chosen = QFileDialog.getSaveFileName(parent, title, suggested,
                                               ";;".join(f for f, _ in filters))
    fmt = dict(filters).get(chosen)
    if path and fmt and not Path(path).suffix:
        path += _EXTENSIONS[fmt]
    return (path, fmt) if path else None


class VocabularyDialog(QDialog):
    vocabularyChanged = Signal()

    def __init__(self, vocabulary: VocabularyStore, parent: QWidget | None = None, *,
                 choose_import: ImportChooser = choose_import_file,
                 choose_export: ExportChooser = choose_export_file,
                 profiles: ProfileStore | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Vocabulary"))
        self.vocabulary = vocabulary
        self.choose_import = choose_import
        self.choose_export = choose_export
        self.ask: Callable[[str], bool] = lambda question: ask_yes_no(self, question)
        self.ask_text: Callable[[str, str], str | None] = \
            lambda title, label: ask_text(self, title, label)
        self._current: str | None = None
        self._dirty = False
        self.import_task: Task | None = None

        self.list_widget = QListWidget()
        self.list_widget.currentItemChanged.connect(self._selected)
        self.new_button = QPushButton(self.tr("New..."))
        self.new_button.clicked.connect(self.new_list)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self.delete_list)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.list_widget, 1)
        left_layout.addWidget(self.new_button)
        left_layout.addWidget(self.delete_button)

        self.heading = QLabel()
        # A new list is attached to the default profile; which profiles use the list.
        self.profiles = profiles
        self.usage = ListUsage(profiles) if profiles is not None else None

        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # may hold outside text
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        self.correct_check = QCheckBox(self.tr("Correct transcripts with this list"))
        self.correct_check.setToolTip(self.tr(
            "After each transcription, replace what was heard (the sounds-like hints) with "
            "the word."))
        self.correct_check.toggled.connect(self._correct_toggled)
        self.table = VocabularyTable()
        self.table.edited.connect(self._edited)
        self.add_row_button = QPushButton(self.tr("Add word"))
        self.add_row_button.clicked.connect(self.table.add_row)
        self.remove_rows_button = QPushButton(self.tr("Remove selected"))
        self.remove_rows_button.clicked.connect(self.table.remove_selected)
        self.import_button = QPushButton(self.tr("Import..."))
        self.import_button.clicked.connect(self.import_file)
        self.export_button = QPushButton(self.tr("Export..."))
        self.export_button.clicked.connect(self.export_file)
        self.revert_button = QPushButton(self.tr("Revert"))
        self.revert_button.clicked.connect(lambda: self._show(self._current))
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self.message = ErrorPanel()
        rows = QHBoxLayout()
        for button in (self.add_row_button, self.remove_rows_button):
            rows.addWidget(button)
        rows.addStretch(1)
        for button in (self.import_button, self.export_button):
            rows.addWidget(button)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.revert_button)
        save_row.addWidget(self.save_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.heading)
        if self.usage is not None:
            self.usage.attached.connect(lambda _name: self.vocabularyChanged.emit())
            self.usage.failed.connect(self.message.show_error)
            right_layout.addWidget(self.usage)
        right_layout.addWidget(self.correct_check)
        right_layout.addWidget(self.table, 1)
        right_layout.addLayout(rows)
        right_layout.addWidget(self.message)
        right_layout.addLayout(save_row)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 620])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.load_problem = ErrorPanel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.load_problem)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.resize(820, 560)
        self.reload()

    # --- the lists ------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        self.load_problem.clear()
        try:
            names = self.vocabulary.names()
        except AsrError as exc:
            self.load_problem.show_error(*error_words(exc))
            names = []
        wanted = select or self._current
        self.list_widget.blockSignals(True)
        self.list_widget.clear()
        self.list_widget.addItems(names)
        matches = self.list_widget.findItems(wanted or "", Qt.MatchFlag.MatchExactly)
        current = matches[0] if wanted and matches else self.list_widget.item(0)
        self.list_widget.setCurrentItem(current)
        self.list_widget.blockSignals(False)
        self._show(current.text() if current is not None else None)

    def names(self) -> list[str]:
        return [self.list_widget.item(i).text() for i in range(self.list_widget.count())]

    def _selected(self, current: QListWidgetItem | None,
                  previous: QListWidgetItem | None) -> None:
        name = current.text() if current is not None else None
        if name == self._current:
            return
        if not self._discard_ok():
            self.list_widget.blockSignals(True)
            if previous is not None:
                self.list_widget.setCurrentItem(previous)
            self.list_widget.blockSignals(False)
            return
        self._show(name)

    def _show(self, name: str | None) -> None:
        vlist: VocabularyList | None = None
        if name is not None:
            try:
                vlist = self.vocabulary.get(name)
            except AsrError as exc:
                self.message.show_error(*error_words(exc))
        self._current = vlist.name if vlist is not None else None
        self.heading.setText(self.tr("The list {0}").format(vlist.name) if vlist
                             else self.tr("No vocabulary list yet: make one with New..., or "
                                          "import a file."))
        self.correct_check.blockSignals(True)
        self.correct_check.setChecked(vlist.correct if vlist else True)
        self.correct_check.blockSignals(False)
        self.table.set_entries(vlist.entries if vlist else ())
        if self.usage is not None:
            self.usage.show_list(self._current)
        for widget in (self.correct_check, self.table, self.add_row_button,
                       self.remove_rows_button, self.export_button, self.delete_button,
                       self.save_button):
            widget.setEnabled(vlist is not None)
        self._set_dirty(False)

    # --- actions ----------------------------------------------------------------------------
    def new_list(self) -> None:
        if not self._discard_ok():
            return
        name = self.ask_text(self.tr("New vocabulary list"), self.tr("Name of the new list:"))
        if name is None:
            return
        try:
            created = self.vocabulary.create(name)
        except AsrError as exc:
            self.message.show_error(*error_words(exc))
            return
        if self.usage is not None:  # made from the window: for the profile in use
            self.usage.list_name = created.name
            self.usage.use_with_default()
        self.reload(select=created.name)
        self.vocabularyChanged.emit()

    def delete_list(self) -> None:
        name = self._current
        if name is None or not self.ask(self.tr(
                "Delete the vocabulary list {0} with all its words?").format(name)):
            return
        try:
            self.vocabulary.delete(name)
        except AsrError as exc:
            self.message.show_error(*error_words(exc))
            return
        self._current = None
        self.reload()
        self.vocabularyChanged.emit()
        self.message.show_message(self.tr("Deleted the list {0}.").format(name))

    def save(self) -> bool:
        """Save the table into the list; False (the reason shown) when nothing was saved."""
        if self._current is None:
            return False
        try:
            entries = self.table.entries()
            saved = self.vocabulary.save(VocabularyList(
                self._current, tuple(entries), self.correct_check.isChecked()))
        except AsrError as exc:
            self.message.show_error(*error_words(exc))
            return False
        self.table.set_entries(saved.entries)
        self._set_dirty(False)
        self.vocabularyChanged.emit()
        self.message.show_message(self.tr("Saved %n word(s) in the list {0}.", "",
                                          len(saved.entries)).format(saved.name), "success")
        return True

    def import_file(self) -> None:
        """Read a file in the background, add its words to the selected list (a new list
        named after the file when there is none) and save; skipped lines are listed."""
        choice = self.choose_import(self)
        if not choice:
            return
        path, fmt = choice
        self.import_button.setEnabled(False)
        self.message.show_message(self.tr("Importing {0}...").format(Path(path).name))
        self.import_task = run_in_background(
            lambda: import_vocabulary(path, fmt),
            finished=lambda result: self._imported(Path(path), result),
            failed=self._import_failed)

    def _imported(self, path: Path, result: ImportResult) -> None:
        if not alive(self):
            return
        self.import_button.setEnabled(True)
        if self._current is None:
            try:
                self._current = self.vocabulary.create(self._free_name(path.stem)).name
            except AsrError as exc:
                self.message.show_error(*error_words(exc))
                return
            self.reload(select=self._current)
            self.vocabularyChanged.emit()
        self.table.merge(result.entries)
        if not self.save():
            return
        words = self.tr("Imported %n word(s) from {0}.", "", len(result.entries)).format(
            path.name)
        if not result.problems:
            self.message.show_message(words, "success")
            return
        lines = "\n".join(self.tr("Line {0}: {1}").format(p.line, p.message) if p.line
                          else p.message for p in result.problems)
        self.message.show_message(
            " ".join([words, self.tr("Some lines could not be used; the rest was imported.")]),
            "warning", lines, expanded=True)

    def _import_failed(self, message: str, details: str) -> None:
        if alive(self):
            self.import_button.setEnabled(True)
            self.message.show_error(message, details)

    def export_file(self) -> None:
        if self._current is None:
            return
        try:
            entries = self.table.entries()
        except InputError as exc:
            self.message.show_error(*error_words(exc))
            return
        choice = self.choose_export(self, f"{self._current}.csv")
        if not choice:
            return
        path, fmt = choice
        try:
            used = export_vocabulary(entries, path, fmt)
        except AsrError as exc:
            self.message.show_error(*error_words(exc))
            return
        self.message.show_message(self.tr("Exported %n word(s) to {0} ({1}).", "",
                                          len(entries)).format(path, used), "success")

    def _correct_toggled(self, on: bool) -> None:
        if self._current is None:
            return
        try:
            self.vocabulary.set_correct(self._current, on)
        except AsrError as exc:
            self.message.show_error(*error_words(exc))
            return
        self.vocabularyChanged.emit()

    # --- state ------------------------------------------------------------------------------
    def reject(self) -> None:
        if self._discard_ok():
            super().reject()

    def dirty(self) -> bool:
        return self._dirty

    def _edited(self) -> None:
        self._set_dirty(True)

    def _set_dirty(self, on: bool) -> None:
        self._dirty = on and self._current is not None
        self.revert_button.setEnabled(self._dirty)

    def _discard_ok(self) -> bool:
        if not self._dirty:
            return True
        if self.ask(self.tr("Discard the changes you made to the list {0}?").format(
                self._current)):
            self._set_dirty(False)
            return True
        return False

    def _free_name(self, stem: str) -> str:
        taken = {n.casefold() for n in self.names()}
        name, n = stem.strip() or self.tr("Imported"), 1
        base = name
        while name.casefold() in taken:
            n += 1
            name = f"{base} {n}"
        return name
