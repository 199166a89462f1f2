"""The vocabulary store (vocabulary_store.py): one JSON file of named lists."""

from __future__ import annotations

import json
import stat

import pytest

from desktop_asr.errors import ConfigFileError, InputError, NotFoundError
from desktop_asr.stores.vocabulary_store import VocabularyStore
from desktop_asr.text.vocabulary import VocabularyEntry, VocabularyList

E = VocabularyEntry


@pytest.fixture
def path(tmp_path):
    return tmp_path / "config" / "vocabulary.json"


@pytest.fixture
def store(path):
    return VocabularyStore(path)


def test_default_path_is_under_xdg_config_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert VocabularyStore().path == tmp_path / "xdg" / "desktop-asr" / "vocabulary.json"


def test_no_file_means_no_lists_and_nothing_is_written(store, path):
    assert store.lists() == []
    assert store.names() == []
    assert not path.exists()


def test_the_file_is_the_seed_shape_private_and_versioned(store, path):
    store.create("food")
    store.add("food", E("不二家", ("bu er jia",)))
    store.add("food", E("vLLM"))
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "schema_version": 1,
        "lists": [{"name": "food", "correct": True, "entries": [
            {"word": "不二家", "sounds_like": ["bu er jia"]},
            {"word": "vLLM", "sounds_like": []},
        ]}],
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "不二家" in path.read_text(encoding="utf-8")  # readable, not \\u escapes


def test_create_get_names_and_duplicates(store):
    created = store.create("  Tech  ")
    assert created == VocabularyList("Tech")
    store.create("food")
    assert store.names() == ["Tech", "food"]
    assert store.get("Tech") == VocabularyList("Tech")
    assert store.get("tech").name == "Tech"  # case is forgiven when unambiguous
    with pytest.raises(InputError, match="'Tech' already exists"):
        store.create("TECH")


@pytest.mark.parametrize("name", ["", "   ", "a\nb", "tab\there", "x" * 81, "nul\x00"])
def test_bad_list_names_are_refused(store, name):
    with pytest.raises(InputError):
        store.create(name)
    assert store.names() == []


def test_an_unknown_list_is_named_with_the_existing_ones(store):
    with pytest.raises(NotFoundError, match="no lists yet"):
        store.get("nope")
    store.create("food")
    store.create("tech")
    with pytest.raises(NotFoundError) as info:
        store.get("nope")
    assert str(info.value) == ("There is no vocabulary list named 'nope'; the lists are: "
                               "'food', 'tech'.")
    for action in (lambda: store.delete("nope"), lambda: store.add("nope", E("x")),
                   lambda: store.set_correct("nope", False),
                   lambda: store.entries_for(["food", "nope"])):
        with pytest.raises(NotFoundError, match="'nope'"):
            action()


def test_add_merges_hints_and_remove_word(store):
    store.create("tech")
    store.add("tech", E("Kubernetes", ("kuber netes",)))
    stored = store.add("tech", E("Kubernetes", ("k8s", "kuber netes")))
    assert stored == E("Kubernetes", ("kuber netes", "k8s"))
    store.add("tech", E("  vLLM  "))
    assert store.get("tech").entries == (E("Kubernetes", ("kuber netes", "k8s")), E("vLLM"))
    store.remove_word("tech", "Kubernetes")
    assert store.get("tech").entries == (E("vLLM"),)
    with pytest.raises(NotFoundError, match="has no word 'Kubernetes'"):
        store.remove_word("tech", "Kubernetes")
    with pytest.raises(InputError):
        store.add("tech", E("bad\x07word"))


def test_save_creates_or_replaces_and_delete(store):
    store.save(VocabularyList("tech", (E("a"), E("b", ("bee",)), E("a", ("ay",)))))
    assert store.get("tech") == VocabularyList("tech", (E("a", ("ay",)), E("b", ("bee",))))
    store.save(VocabularyList("TECH", (E("c"),), correct=False))
    assert store.lists() == [VocabularyList("TECH", (E("c"),), correct=False)]
    deleted = store.delete("tech")
    assert deleted.name == "TECH"
    assert store.lists() == []


def test_entries_for_merges_the_lists_in_order(store):
    store.save(VocabularyList("a", (E("Qwen", ("kwen",)), E("vLLM"))))
    store.save(VocabularyList("b", (E("不二家"), E("Qwen", ("chwen",)))))
    assert store.entries_for(["b", "a"]) == [E("不二家"), E("Qwen", ("chwen", "kwen")),
                                             E("vLLM")]
    assert store.entries_for([]) == []


def test_correction_entries_come_only_from_lists_with_correction_on(store):
    store.save(VocabularyList("on", (E("Kubernetes", ("kuber netes",)),)))
    store.save(VocabularyList("off", (E("不二家", ("bu er jia",)),)))
    changed = store.set_correct("off", False)
    assert changed.correct is False
    assert store.get("off").correct is False
    assert store.correction_entries(["on", "off"]) == [E("Kubernetes", ("kuber netes",))]
    assert store.entries_for(["on", "off"]) == [E("Kubernetes", ("kuber netes",)),
                                                E("不二家", ("bu er jia",))]
    store.set_correct("off", True)
    assert len(store.correction_entries(["on", "off"])) == 2


def test_every_change_rereads_the_file(path):
    first, second = VocabularyStore(path), VocabularyStore(path)
    first.create("a")
    second.create("b")  # must not lose "a"
    first.add("b", E("x"))
    assert second.get("b").entries == (E("x"),)
    assert first.names() == ["a", "b"]


# --- broken and newer files ----------------------------------------------------------------
def test_a_corrupt_file_names_its_line_and_is_never_overwritten(store, path):
    path.parent.mkdir(parents=True)
    text = '{\n  "schema_version": 1,\n  "lists": [\n    {"name": "a",}\n  ]\n}\n'
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigFileError) as info:
        store.lists()
    assert info.value.line == 4
    assert str(path) in str(info.value)
    assert "line 4" in str(info.value)
    for change in (lambda: store.create("b"), lambda: store.save(VocabularyList("c")),
                   lambda: store.delete("a")):
        with pytest.raises(ConfigFileError):
            change()
    assert path.read_text(encoding="utf-8") == text


def test_a_file_of_the_wrong_shape_names_the_line_of_the_bad_entry(store, path):
    path.parent.mkdir(parents=True)
    data = {"schema_version": 1, "lists": [
        {"name": "ok", "entries": [{"word": "a", "sounds_like": []}]},
        {"name": "bad", "entries": [{"word": "b"}, {"word": 5, "sounds_like": []}]},
    ]}
    text = json.dumps(data, indent=2)
    path.write_text(text, encoding="utf-8")
    # counted by hand in the indent-2 dump: the entry {"word": 5, ...} opens on line 19
    assert text.splitlines()[18:20] == ["        {", '          "word": 5,']
    with pytest.raises(ConfigFileError) as info:
        store.lists()
    assert info.value.line == 19
    assert "(line 19)" in str(info.value)
    assert "list 'bad', entry 2" in str(info.value)
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("data", [
    {"lists": {"name": "x"}},
    {"lists": [{"entries": []}]},
    {"lists": [{"name": "a"}, {"name": "A"}]},
    {"lists": [{"name": "a", "correct": "yes"}]},
    {"lists": [{"name": "a", "entries": [{"word": "x", "sounds_like": "y"}]}]},
    {"schema_version": "one", "lists": []},
])
def test_wrong_shapes_are_config_file_errors(store, path, data):
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigFileError, match=r"vocabulary\.json"):
        store.lists()


def test_a_newer_schema_is_refused_and_kept(store, path):
    path.parent.mkdir(parents=True)
    text = json.dumps({"schema_version": 2, "lists": [], "future": True})
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigFileError, match="newer desktop-asr"):
        store.lists()
    with pytest.raises(ConfigFileError):
        store.create("x")
    assert path.read_text(encoding="utf-8") == text


def test_a_hand_written_file_without_version_or_flags_is_read(store, path):
    path.parent.mkdir(parents=True)
    path.write_text('{"lists": [{"name": "mine", "entries": [{"word": "Qwen"}]}]}',
                    encoding="utf-8")
    assert store.lists() == [VocabularyList("mine", (E("Qwen"),), correct=True)]
