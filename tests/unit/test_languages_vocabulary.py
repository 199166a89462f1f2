"""Language names and codes (languages.py); vocabulary files and context (vocabulary.py)."""

from __future__ import annotations

import json

import pytest

from desktop_asr.errors import InputError
from desktop_asr.stores.vocabulary_files import read_vocabulary_file
from desktop_asr.text.languages import (
    SUPPORTED_LANGUAGES,
    merge_languages,
    normalize_language_name,
    resolve_language,
)
from desktop_asr.text.vocabulary import (
    DEFAULT_CONTEXT_BUDGET,
    ContextText,
    VocabularyEntry,
    VocabularyList,
    build_context,
    context_text,
    dedupe,
    make_entry,
)


# --- languages ------------------------------------------------------------------------------
def test_the_model_knows_30_languages_by_english_name():
    # SUPPORTED_LANGUAGES of QwenLM/Qwen3-ASR (PROTOCOL.md: "30 in SUPPORTED_LANGUAGES").
    assert len(SUPPORTED_LANGUAGES) == 30
    assert len(set(SUPPORTED_LANGUAGES)) == 30
    for name in ("Chinese", "English", "Cantonese", "Japanese", "Korean", "French", "German",
                 "Arabic", "Macedonian"):
        assert name in SUPPORTED_LANGUAGES
    assert all(name == name.strip().title() for name in SUPPORTED_LANGUAGES)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("auto", None), ("AUTO", None), (None, None), ("", None), ("  ", None),
        ("zh", "Chinese"), ("ZH", "Chinese"), ("zh-CN", "Chinese"), ("zh_CN", "Chinese"),
        ("en", "English"), ("yue", "Cantonese"), ("ja", "Japanese"), ("ko", "Korean"),
        ("Chinese", "Chinese"), ("chinese", "Chinese"), (" English ", "English"),
    ],
)
def test_resolve_language(value, expected):
    assert resolve_language(value) == expected


@pytest.mark.parametrize("name", SUPPORTED_LANGUAGES)
def test_every_supported_name_resolves_to_itself(name):
    assert resolve_language(name) == name
    assert resolve_language(name.lower()) == name
    assert resolve_language(name.upper()) == name


@pytest.mark.parametrize("value", ["klingon", "xx", "zh-xx-yy"])
def test_unknown_language_is_a_value_error_naming_it(value):
    with pytest.raises(ValueError, match=value) as info:
        resolve_language(value)
    assert "auto" in str(info.value)  # says what would work


def test_normalize_language_name():
    assert normalize_language_name("cHINese") == "Chinese"
    assert normalize_language_name(" english ") == "English"


def test_merge_languages():
    assert merge_languages(["Chinese", "English", "English"]) == "Chinese,English"
    assert merge_languages(["", "English", "", "English", "Chinese"]) == "English,Chinese"
    assert merge_languages([]) == ""


# --- vocabulary files -----------------------------------------------------------------------
def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_header_and_hints(tmp_path):
    path = write(tmp_path, "vocab.csv",
                 "word,sounds_like\n不二家,bu er jia;bu er jia ya\nKubernetes,koo ber net ees\n"
                 "vLLM\n")
    assert read_vocabulary_file(path) == [
        VocabularyEntry("不二家", ("bu er jia", "bu er jia ya")),
        VocabularyEntry("Kubernetes", ("koo ber net ees",)),
        VocabularyEntry("vLLM", ()),
    ]


def test_csv_without_header_comments_and_blank_lines(tmp_path):
    path = write(tmp_path, "vocab.CSV", "# my words\n\nQwen, kwen ; chwen\n  ,ignored\n")
    assert read_vocabulary_file(path) == [VocabularyEntry("Qwen", ("kwen", "chwen"))]


def test_csv_duplicates_are_merged(tmp_path):
    path = write(tmp_path, "v.csv", "不二家,bu er jia\nQwen,kwen\n不二家,fujiya;bu er jia\n")
    assert read_vocabulary_file(path) == [
        VocabularyEntry("不二家", ("bu er jia", "fujiya")),
        VocabularyEntry("Qwen", ("kwen",)),
    ]


def test_json_in_the_seed_shape(tmp_path):
    seed = [{"word": "不二家", "sounds_like": ["bu er jia"]}, {"word": "vLLM"}]
    path = write(tmp_path, "v.json", json.dumps(seed, ensure_ascii=False))
    assert read_vocabulary_file(path) == [VocabularyEntry("不二家", ("bu er jia",)),
                                          VocabularyEntry("vLLM", ())]


def test_json_under_custom_vocabulary_word(tmp_path):
    data = {"custom_vocabulary_word": [{"word": "不二家", "sounds_like": ["bu er jia"]}]}
    path = write(tmp_path, "v.json", json.dumps(data))
    assert read_vocabulary_file(path) == [VocabularyEntry("不二家", ("bu er jia",))]


def test_json_list_of_strings_and_duplicates(tmp_path):
    path = write(tmp_path, "v.json", '["Qwen", " vLLM ", "Qwen", ""]')
    assert read_vocabulary_file(path) == [VocabularyEntry("Qwen"), VocabularyEntry("vLLM")]


def test_json_duplicates_merge_their_hints(tmp_path):
    data = [{"word": "Qwen", "sounds_like": ["kwen"]}, {"word": "Qwen", "sounds_like": "chwen"}]
    path = write(tmp_path, "v.json", json.dumps(data))
    assert read_vocabulary_file(path) == [VocabularyEntry("Qwen", ("kwen", "chwen"))]


def test_invalid_json_is_an_input_error_naming_the_line(tmp_path):
    path = write(tmp_path, "broken.json", '[\n  {"word": "a"},\n  {"word": }\n]\n')
    with pytest.raises(InputError) as info:
        read_vocabulary_file(path)
    message = str(info.value)
    assert "line 3" in message
    assert "broken.json" in message
    assert "Traceback" not in message


def test_json_that_is_not_a_list_is_an_input_error(tmp_path):
    path = write(tmp_path, "v.json", '"just a string"')
    with pytest.raises(InputError, match=r"v\.json"):
        read_vocabulary_file(path)


@pytest.mark.parametrize("content", [
    '{"model": "qwen3-asr", "asr_options": {"custom_vocabulary_word": [{"word": "x"}]}}',
    '{"vocabulary": ["Qwen"]}',
    '[1, 2, {"text": "Qwen"}]',
])
def test_json_without_any_word_is_an_input_error(tmp_path, content):
    path = write(tmp_path, "mine.json", content)
    with pytest.raises(InputError, match=r"mine\.json"):
        read_vocabulary_file(path)


@pytest.mark.parametrize(("name", "content"), [("v.json", "[]"), ("v.txt", "# only a comment\n\n"),
                                               ("v.csv", "word,sounds_like\n")])
def test_a_file_without_words_is_an_input_error_for_transcribe_vocab(tmp_path, name, content):
    with pytest.raises(InputError, match="holds no usable words"):
        read_vocabulary_file(write(tmp_path, name, content))


def test_txt_one_word_per_line(tmp_path):
    path = write(tmp_path, "v.txt", "# comment\n不二家\n\n  Kubernetes  \nvLLM\n不二家\n")
    assert read_vocabulary_file(path) == [VocabularyEntry("不二家"), VocabularyEntry("Kubernetes"),
                                          VocabularyEntry("vLLM")]


def test_utf8_bom_is_ignored(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffQwen\n".encode())
    assert read_vocabulary_file(path) == [VocabularyEntry("Qwen")]


def test_missing_or_unreadable_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match=r"missing\.csv"):
        read_vocabulary_file(tmp_path / "missing.csv")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(b"caf\xe9\n")
    with pytest.raises(InputError, match=r"latin1\.txt"):
        read_vocabulary_file(latin1)


def test_seed_dict_shape():
    assert VocabularyEntry("不二家", ("bu er jia",)).as_seed_dict() == {
        "word": "不二家", "sounds_like": ["bu er jia"]}
    assert VocabularyEntry("x").as_seed_dict() == {"word": "x", "sounds_like": []}


def test_dedupe_is_case_sensitive_and_keeps_order():
    entries = [VocabularyEntry("b"), VocabularyEntry("A", ("1",)), VocabularyEntry("a"),
               VocabularyEntry("A", ("2", "1"))]
    assert dedupe(entries) == [VocabularyEntry("b"), VocabularyEntry("A", ("1", "2")),
                               VocabularyEntry("a")]


# --- context text -------------------------------------------------------------------------
def test_context_is_the_words_space_separated():
    entries = [VocabularyEntry("不二家"), VocabularyEntry("Kubernetes"), VocabularyEntry("vLLM")]
    assert context_text(entries) == "不二家 Kubernetes vLLM"


def test_context_drops_duplicates_and_appends_free_text():
    entries = [VocabularyEntry("交易"), VocabularyEntry("停滞"), VocabularyEntry("交易")]
    assert context_text(entries, "  A call about the stock market.  ") == (
        "交易 停滞 A call about the stock market.")


def test_context_of_nothing_is_empty():
    assert context_text([]) == ""
    assert context_text([], "   ") == ""
    assert context_text([], "only text") == "only text"


# --- context budget -------------------------------------------------------------------------
def test_the_default_budget_is_2000_characters_and_context_text_uses_it():
    assert DEFAULT_CONTEXT_BUDGET == 2000
    entries = [VocabularyEntry(f"w{i:04d}") for i in range(5000)]  # 5 characters each
    # n words take 5n + (n - 1) characters: 333 -> 1997 fit, 334 -> 2003 do not
    context = build_context(entries)
    assert (context.words_used, context.words_dropped) == (333, 4667)
    assert context.text == " ".join(f"w{i:04d}" for i in range(333))
    assert context_text(entries) == context.text
    assert context.warning == ("The vocabulary is too long for one request: 333 of 5,000 "
                               "words were sent.")


def test_budget_boundaries_and_the_free_text_is_kept_first():
    entries = [VocabularyEntry("aaaa"), VocabularyEntry("bbbb"), VocabularyEntry("cccc")]
    assert build_context(entries, budget=14) == ContextText("aaaa bbbb cccc", 3, 0)
    assert build_context(entries, budget=13) == ContextText("aaaa bbbb", 2, 1)
    # "xy" and its space take 3 of 12 characters; the words fill the other 9
    assert build_context(entries, " xy ", budget=12) == ContextText("aaaa bbbb xy", 2, 1)
    assert build_context(entries, "a long free text", budget=10) == ContextText(
        "a long free text", 0, 3)
    assert build_context(entries).warning == ""


def test_context_duplicates_ignore_case_and_keep_the_first_spelling():
    entries = [VocabularyEntry("Qwen"), VocabularyEntry("vLLM"), VocabularyEntry("QWEN")]
    assert build_context(entries, "qwen") == ContextText("Qwen vLLM", 2, 0)


# --- entries and lists ----------------------------------------------------------------------
def test_make_entry_cleans_words_and_hints():
    assert make_entry("  Kuber\tnetes ", ["kuber  netes", "", "Kuber netes", "kuber netes",
                                          "k8s"]) == VocabularyEntry("Kuber netes",
                                                                     ("kuber netes", "k8s"))
    with pytest.raises(InputError, match="empty"):
        make_entry("  ")
    with pytest.raises(InputError, match="control characters"):
        make_entry("a\x00b")
    with pytest.raises(InputError, match="longer than 200"):
        make_entry("x", ["y" * 201])


def test_a_list_corrects_by_default():
    assert VocabularyList("tech").correct is True
    assert VocabularyList("tech").entries == ()
