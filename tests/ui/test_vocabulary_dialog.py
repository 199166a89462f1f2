"""The vocabulary editor (desktop_asr/ui/dialogs/vocabulary_dialog.py): lists, the word +
sounds-like table, import with problems by line number, export/import round trips; the
store is read back with a fresh VocabularyStore."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_asr.stores.vocabulary_store import VocabularyStore
from desktop_asr.text.vocabulary import VocabularyEntry, VocabularyList
from desktop_asr.ui.dialogs.vocabulary_dialog import VocabularyDialog
from desktop_asr.ui.dialogs.vocabulary_table import join_hints, split_hints

ENTRIES = (
    VocabularyEntry("不二家", ("bu er jia",)),
    VocabularyEntry("Kubernetes", ("koo ber net ees", "k8s")),
    VocabularyEntry("Son of", ()),
    VocabularyEntry("O'Brien", ("oh brian",)),
)


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "vocabulary.json"


def open_dialog(qtbot, store_path, **kwargs) -> VocabularyDialog:
    dialog = VocabularyDialog(VocabularyStore(store_path), **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.asked = []
    dialog.answer = True

    def ask(question: str) -> bool:
        dialog.asked.append(question)
        return dialog.answer

    dialog.ask = ask
    return dialog


def fill(dialog: VocabularyDialog, rows: list[tuple[str, str]]) -> None:
    for word, hints in rows:
        dialog.add_row_button.click()
        row = dialog.table.rowCount() - 1
        dialog.table.item(row, 0).setText(word)
        dialog.table.item(row, 1).setText(hints)


def table_rows(dialog: VocabularyDialog) -> list[tuple[str, str]]:
    return [(dialog.table.item(r, 0).text(), dialog.table.item(r, 1).text())
            for r in range(dialog.table.rowCount())]


# --- lists --------------------------------------------------------------------------------
def test_a_new_list_filled_and_saved_is_in_the_store_exactly(qtbot, store_path):
    dialog = open_dialog(qtbot, store_path)
    assert dialog.names() == []
    assert not dialog.save_button.isEnabled()
    dialog.ask_text = lambda title, label: "  medical "
    with qtbot.waitSignal(dialog.vocabularyChanged, timeout=1000):
        dialog.new_button.click()
    assert dialog.names() == ["medical"]
    fill(dialog, [("不二家", "bu er jia"), ("", ""), ("Kubernetes", "koo ber net ees，k8s"),
                  ("Son of", ""), ("O'Brien", " oh brian , ")])
    assert dialog.dirty()
    with qtbot.waitSignal(dialog.vocabularyChanged, timeout=1000):
        dialog.save_button.click()
    assert VocabularyStore(store_path).lists() == [VocabularyList("medical", ENTRIES, True)]
    assert dialog.message.message() == "Saved 4 word(s) in the list medical."
    assert not dialog.dirty()
    assert table_rows(dialog) == [("不二家", "bu er jia"), ("Kubernetes", "koo ber net ees, k8s"),
                                  ("Son of", ""), ("O'Brien", "oh brian")]


def test_a_duplicate_list_name_is_refused(qtbot, store_path):
    VocabularyStore(store_path).create("Tech")
    dialog = open_dialog(qtbot, store_path)
    dialog.ask_text = lambda title, label: "tech"
    dialog.new_button.click()
    assert dialog.message.message() == "A vocabulary list named 'Tech' already exists."
    assert VocabularyStore(store_path).names() == ["Tech"]


def test_hints_with_commas_survive_the_table(qtbot):
    hints = ["one, two", "三，四", "plain"]
    assert split_hints(join_hints(hints)) == hints


@pytest.mark.parametrize(("rows", "words"), [
    # row 1 of the table is the word already in the list
    ([("ok", "x"), ("", "orphan hint")], "Row 3 has sounds-like hints but no word."),
    ([("a" * 201, "")], "Row 2: The word"),
    ([("Kubernetes", "k8s"), ("x", ""), ("Kubernetes", "kube")],
     "The word Kubernetes is in rows 2 and 4"),
])
def test_wrong_rows_are_refused_in_words_and_nothing_is_saved(qtbot, store_path, rows, words):
    VocabularyStore(store_path).save(VocabularyList("tech", (VocabularyEntry("old"),)))
    before = store_path.read_text()
    dialog = open_dialog(qtbot, store_path)
    fill(dialog, rows)
    dialog.save_button.click()
    assert words in dialog.message.message()
    assert dialog.message.kind == "error"
    assert store_path.read_text() == before
    assert dialog.dirty()


def test_the_correction_switch_is_saved_at_once(qtbot, store_path):
    VocabularyStore(store_path).save(VocabularyList("tech", (VocabularyEntry("k8s"),)))
    dialog = open_dialog(qtbot, store_path)
    assert dialog.correct_check.isChecked()
    with qtbot.waitSignal(dialog.vocabularyChanged, timeout=1000):
        dialog.correct_check.click()
    assert VocabularyStore(store_path).get("tech").correct is False
    assert VocabularyStore(store_path).get("tech").entries == (VocabularyEntry("k8s"),)


def test_delete_asks_first(qtbot, store_path):
    store = VocabularyStore(store_path)
    store.create("a")
    store.create("b")
    dialog = open_dialog(qtbot, store_path)
    dialog.answer = False
    dialog.delete_button.click()
    assert dialog.asked == ["Delete the vocabulary list a with all its words?"]
    assert VocabularyStore(store_path).names() == ["a", "b"]
    dialog.answer = True
    dialog.delete_button.click()
    assert VocabularyStore(store_path).names() == ["b"]
    assert dialog.names() == ["b"]
    assert dialog.heading.text() == "The list b"


def test_switching_lists_with_unsaved_changes_asks(qtbot, store_path):
    store = VocabularyStore(store_path)
    store.create("a")
    store.create("b")
    dialog = open_dialog(qtbot, store_path)
    fill(dialog, [("word", "")])
    dialog.answer = False
    dialog.list_widget.setCurrentRow(1)
    assert dialog.asked == ["Discard the changes you made to the list a?"]
    assert dialog.heading.text() == "The list a"
    assert dialog.list_widget.currentItem().text() == "a"
    dialog.answer = True
    dialog.list_widget.setCurrentRow(1)
    assert dialog.heading.text() == "The list b"
    assert VocabularyStore(store_path).get("a").entries == ()


# --- import and export --------------------------------------------------------------------
def test_importing_a_csv_with_a_bad_line_imports_the_rest_and_names_the_line(qtbot, store_path,
                                                                              tmp_path):
    VocabularyStore(store_path).save(VocabularyList("tech", (VocabularyEntry("k8s", ("kay",)),)))
    csv_file = tmp_path / "words.csv"
    csv_file.write_text("word,sounds_like\n"
                        "不二家,bu er jia\n"
                        ",an orphan hint\n"
                        "k8s,kates\n"
                        "Kubernetes,koo ber net ees;k8s\n", encoding="utf-8")
    dialog = open_dialog(qtbot, store_path, choose_import=lambda parent: (str(csv_file), None))
    with qtbot.waitSignal(dialog.vocabularyChanged, timeout=5000):
        dialog.import_button.click()
    assert VocabularyStore(store_path).get("tech").entries == (
        VocabularyEntry("k8s", ("kay", "kates")),
        VocabularyEntry("不二家", ("bu er jia",)),
        VocabularyEntry("Kubernetes", ("koo ber net ees", "k8s")),
    )
    message = dialog.message
    assert message.kind == "warning"
    assert message.message() == ("Imported 3 word(s) from words.csv. Some lines could not be "
                                 "used; the rest was imported.")
    assert message.details() == "Line 3: no word before the hints; skipped"
    assert message.details_text.isVisibleTo(dialog)  # shown, not hidden behind a click
    assert dialog.import_button.isEnabled()


def test_importing_with_no_list_makes_one_named_after_the_file(qtbot, store_path, tmp_path):
    source = tmp_path / "names.txt"
    source.write_text("Dr. Wong: doctor wong\nKowloon\n", encoding="utf-8")
    dialog = open_dialog(qtbot, store_path, choose_import=lambda parent: (str(source), None))
    with qtbot.waitSignal(dialog.vocabularyChanged, timeout=5000):
        dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.message.kind == "success", timeout=5000)
    assert VocabularyStore(store_path).lists() == [VocabularyList("names", (
        VocabularyEntry("Dr. Wong", ("doctor wong",)), VocabularyEntry("Kowloon")))]
    assert dialog.message.message() == "Imported 2 word(s) from names.txt."


def test_an_unreadable_file_is_reported_in_words(qtbot, store_path, tmp_path):
    VocabularyStore(store_path).create("tech")
    bad = tmp_path / "broken.json"
    bad.write_text("[{", encoding="utf-8")
    dialog = open_dialog(qtbot, store_path, choose_import=lambda parent: (str(bad), None))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.message.kind == "error", timeout=5000)
    assert dialog.message.message().startswith(f"Vocabulary file {bad} is not valid JSON")
    assert VocabularyStore(store_path).get("tech").entries == ()


@pytest.mark.parametrize(("name", "fmt"), [("out.csv", None), ("out.json", None),
                                           ("out.txt", None), ("hot.txt", None),
                                           ("rules.txt", "capswriter"), ("words", "csv")])
def test_export_then_import_round_trips(qtbot, store_path, tmp_path, name, fmt):
    VocabularyStore(store_path).save(VocabularyList("source", ENTRIES))
    VocabularyStore(store_path).create("target")
    target = tmp_path / name
    dialog = open_dialog(qtbot, store_path,
                         choose_export=lambda parent, suggested: (str(target), fmt),
                         choose_import=lambda parent: (str(target), fmt))
    dialog.export_button.click()
    assert dialog.message.kind == "success", dialog.message.message()
    assert target.is_file()
    dialog.list_widget.setCurrentRow(1)
    assert dialog.heading.text() == "The list target"
    with qtbot.waitSignal(dialog.vocabularyChanged, timeout=5000):
        dialog.import_button.click()
    assert VocabularyStore(store_path).get("target").entries == ENTRIES
    assert dialog.message.kind == "success", dialog.message.message()


def test_export_refuses_a_table_with_a_wrong_row(qtbot, store_path, tmp_path):
    VocabularyStore(store_path).create("tech")
    chosen = []
    dialog = open_dialog(qtbot, store_path,
                         choose_export=lambda parent, suggested: chosen.append(suggested))
    fill(dialog, [("", "hint")])
    dialog.export_button.click()
    assert dialog.message.message() == "Row 1 has sounds-like hints but no word."
    assert chosen == []  # no file was asked for


def test_the_table_shows_the_words_of_the_selected_list(qtbot, store_path):
    VocabularyStore(store_path).save(VocabularyList("source", ENTRIES, correct=False))
    dialog = open_dialog(qtbot, store_path)
    assert table_rows(dialog) == [("不二家", "bu er jia"), ("Kubernetes", "koo ber net ees, k8s"),
                                  ("Son of", ""), ("O'Brien", "oh brian")]
    assert not dialog.correct_check.isChecked()
    assert dialog.list_widget.currentItem().data(Qt.ItemDataRole.DisplayRole) == "source"
