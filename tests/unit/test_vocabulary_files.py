"""Vocabulary files (vocabulary_files.py): the four formats, problems by line, round-trips."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_asr.errors import InputError
from desktop_asr.stores import vocabulary_files
from desktop_asr.stores.vocabulary_files import (
    FORMATS,
    ImportProblem,
    export_vocabulary,
    format_vocabulary,
    import_vocabulary,
)
from desktop_asr.text.vocabulary import VocabularyEntry, clean_text

E = VocabularyEntry


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(result) -> list[str]:
    return [str(p) for p in result.problems]


# --- csv -----------------------------------------------------------------------------------
def test_csv_imports_the_rest_and_reports_problems_by_line(tmp_path):
    path = write(tmp_path, "v.csv", "\n".join([
        "word,sounds_like",                                   # 1 header
        "Kubernetes,kuber netes",                             # 2
        ",orphan hint",                                       # 3 no word
        "# a comment,with a comma",                           # 4
        '"Qwen, the model","kwen;chwen",extra hint',          # 5 extra column = more hints
        "Kubernetes,k8s",                                     # 6 repeats line 2
        '"multi',                                             # 7 a quoted field over
        'line",x',                                            # 8 two lines
        "ctl\x01,x",                                          # 9 control character
        "Kubernetes",                                         # 10 repeats, nothing new
    ]) + "\n")
    result = import_vocabulary(path)
    assert result.format == "csv"
    assert result.entries == [
        E("Kubernetes", ("kuber netes", "k8s")),
        E("Qwen, the model", ("kwen", "chwen", "extra hint")),
        E("multi line", ("x",)),
    ]
    assert problems(result)[:2] == [
        "line 3: no word before the hints; skipped",
        "line 6: 'Kubernetes' repeats line 2; hints merged",
    ]
    assert result.problems[2].line == 9
    assert "control characters; skipped" in result.problems[2].message
    assert result.problems[3] == ImportProblem(10, "'Kubernetes' repeats line 2; skipped")
    assert len(result.problems) == 4


def test_csv_backslash_escapes_and_kept_backslashes(tmp_path):
    path = write(tmp_path, "v.csv", "\\#tag,a\\;b;c\nC:\\Users,x\n")
    assert import_vocabulary(path).entries == [E("#tag", ("a;b", "c")), E("C:\\Users", ("x",))]


def test_csv_first_row_is_a_header_only_when_it_looks_like_one(tmp_path):
    path = write(tmp_path, "v.csv", "Word,wurd\nword\n")
    assert import_vocabulary(path).entries == [E("Word", ("wurd",)), E("word")]


# --- json ----------------------------------------------------------------------------------
def test_json_problems_name_the_item_and_its_line(tmp_path):
    path = write(tmp_path, "v.json", "\n".join([
        "[",                                                          # 1
        '  {"word": "不二家", "sounds_like": ["bu er jia"]},',         # 2 item 1
        '  "vLLM",',                                                  # 3 item 2
        '  {"text": "oops"},',                                        # 4 item 3
        '  {"word": "不二家", "sounds_like": "fujiya"},',              # 5 item 4
        '  {"word": "Qwen", "sounds_like": ["kwen", 7]},',            # 6 item 5
        '  {"word": "Qwen2", "sounds_like": {"a": 1}},',              # 7 item 6
        '  "  "',                                                     # 8 item 7
        "]",
    ]))
    result = import_vocabulary(path)
    assert result.entries == [E("不二家", ("bu er jia", "fujiya")), E("vLLM"),
                              E("Qwen", ("kwen",)), E("Qwen2")]
    assert problems(result) == [
        'line 4: item 3 is neither a word nor a {"word": ...} object; skipped',
        "line 5: '不二家' repeats item 1 (line 2); hints merged",
        'line 6: item 5: a "sounds_like" value that is not text was skipped',
        'line 7: item 6: "sounds_like" is not a list of text; its hints were skipped',
        "line 8: The word '  ' cannot be used: it is empty; skipped",
    ]


def test_json_lines_inside_a_wrapping_object(tmp_path):
    path = write(tmp_path, "v.json",
                 '{\n  "note": "x",\n  "words": [\n    "a",\n    5\n  ]\n}\n')
    result = import_vocabulary(path)
    assert result.entries == [E("a")]
    assert [p.line for p in result.problems] == [5]
    assert "item 2" in result.problems[0].message


def test_json_seed_request_shape_and_syntax_errors(tmp_path):
    seed = write(tmp_path, "seed.json",
                 '{"custom_vocabulary_word": [{"word": "不二家", "sounds_like": ["bu er jia"]}]}')
    assert import_vocabulary(seed).entries == [E("不二家", ("bu er jia",))]
    broken = write(tmp_path, "broken.json", '[\n  "a",\n  "b"\n  "c"\n]')
    with pytest.raises(InputError, match=r"broken\.json is not valid JSON \(line 4"):
        import_vocabulary(broken)


# --- txt -----------------------------------------------------------------------------------
def test_txt_words_hints_separators_and_problems(tmp_path):
    path = write(tmp_path, "v.txt", "\n".join([
        "# my words",                          # 1
        "不二家: bu er jia, 步二家",              # 2
        "Kubernetes：kuber netes，k8s",          # 3 full-width colon and comma
        "std::vector",                         # 4 no ': ' -> one word
        "10:30 meeting",                       # 5
        "Re: Zero",                            # 6 ': ' splits
        ": orphan",                            # 7
        "",                                    # 8
        "C\\: drive: see drive",               # 9 escaped colon
        "不二家: fujiya",                        # 10 repeat
        "trailing:",                           # 11 ':' ending the line
    ]))
    result = import_vocabulary(path)
    assert result.format == "txt"
    assert result.entries == [
        E("不二家", ("bu er jia", "步二家", "fujiya")),
        E("Kubernetes", ("kuber netes", "k8s")),
        E("std::vector"), E("10:30 meeting"), E("Re", ("Zero",)),
        E("C: drive", ("see drive",)), E("trailing"),
    ]
    assert problems(result) == ["line 7: no word before the ':'; skipped",
                                "line 10: '不二家' repeats line 2; hints merged"]


def test_txt_with_rule_lines_is_read_as_capswriter_unless_forced(tmp_path):
    path = write(tmp_path, "mine.txt", "Qwen\n千问 = Qwen\n")
    assert import_vocabulary(path).format == "capswriter"
    assert import_vocabulary(path).entries == [E("Qwen", ("千问",))]
    forced = import_vocabulary(path, "txt")
    assert forced.entries == [E("Qwen"), E("千问 = Qwen")]


# --- CapsWriter-Offline --------------------------------------------------------------------
HOT_RULE = "\n".join([
    "# 在此文件放置自定义规则，每行一条正则表达式，",   # 1
    "# 左边是查找模式，右边是替换式",                  # 2
    "",                                              # 3
    "毫安时     =      mAh",                          # 4
    "赫兹      =      Hz",                            # 5
    r"(艾特)\s*(QQ)\s*点\s*    =     @qq.",            # 6 a regex
    "欧拉玛   =  Ollama",                              # 7
    r"\/sil   =   ",                                 # 8 empty replacement
    "负一      =    -1",                              # 9
    "伏特 = V",                                       # 10
    r"伏特二 = \1",                                   # 11 a group reference
    "毫安时 = mAh",                                   # 12 same rule again: silent
    "IP",                                            # 13 a hot word
    "IP",                                            # 14 repeated
    " = nothing",                                    # 15
    r"C\+\+ = C++",                                  # 16 escaped metacharacters: literal
])


def test_capswriter_rules_become_hints_and_regexes_are_reported(tmp_path):
    result = import_vocabulary(write(tmp_path, "hot-rule.txt", HOT_RULE))
    assert result.format == "capswriter"
    assert result.entries == [
        E("mAh", ("毫安时",)), E("Hz", ("赫兹",)), E("Ollama", ("欧拉玛",)), E("-1", ("负一",)),
        E("V", ("伏特",)), E("IP"), E("C++"),
    ]
    assert problems(result) == [
        "line 6: regular-expression rules are not supported; skipped",
        "line 8: a rule with an empty replacement deletes text, which a vocabulary cannot "
        "do; skipped",
        "line 11: regular-expression rules are not supported; skipped",
        "line 14: 'IP' repeats line 13; skipped",
        "line 15: the rule has nothing before ' = '; skipped",
    ]


def test_capswriter_hot_word_file_by_name_or_forced(tmp_path):
    words = "# 热词\n# Put hot words here, one per line.\n\nVS Code\nApple Watch\nRe: Zero\n"
    assert import_vocabulary(write(tmp_path, "hot-en.txt", words)).entries == [
        E("VS Code"), E("Apple Watch"), E("Re: Zero")]
    other = write(tmp_path, "list.txt", words)
    assert import_vocabulary(other, "capswriter").entries[2] == E("Re: Zero")
    assert import_vocabulary(other).entries[2] == E("Re", ("Zero",))  # read as txt


def _capswriter_substitute(rules_text: str, sentence: str) -> str:
    """CapsWriter-Offline's own rule algorithm (util/tools/hot_sub_rule.py, restated)."""
    for line in rules_text.splitlines():
        if not line or line.startswith("#"):
            continue
        key_value = line.split(" = ")
        if len(key_value) == 2:
            sentence = re.sub(key_value[0].strip(), key_value[1].strip(), sentence)
    return sentence


def test_capswriter_export_works_in_capswriter_itself():
    text = format_vocabulary([E("C++", ("see plus plus",)), E("Kubernetes", ("k.8.s",)),
                              E("a\\b", ("a (b)",))], "capswriter")
    assert _capswriter_substitute(text, "I use see plus plus") == "I use C++"
    assert _capswriter_substitute(text, "run k.8.s and kx8xs") == "run Kubernetes and kx8xs"
    assert _capswriter_substitute(text, "say a (b) now") == "say a\\b now"


# --- exact exported text -------------------------------------------------------------------
SMALL = [E("不二家", ("bu er jia",)), E("C++: the language", ("see plus plus", "a, b")),
         E("#hashtag"), E("O'Reilly", ("o reilly",))]


@pytest.mark.parametrize(("fmt", "expected"), [
    ("csv", "word,sounds_like\n不二家,bu er jia\n"
            'C++: the language,"see plus plus;a, b"\n\\#hashtag\nO\'Reilly,o reilly\n'),
    ("txt", "不二家: bu er jia\nC++\\: the language: see plus plus, a\\, b\n\\#hashtag\n"
            "O'Reilly: o reilly\n"),
    ("capswriter", "不二家\nbu er jia = 不二家\nC++: the language\n"
                   "see plus plus = C++: the language\na, b = C++: the language\n"
                   "\\#hashtag = #hashtag\nO'Reilly\no reilly = O'Reilly\n"),
])
def test_exported_text(fmt, expected):
    text = format_vocabulary(SMALL, fmt)
    body = "".join(line + "\n" for line in text.splitlines() if not line.startswith("# "))
    assert body == expected


def test_exported_json_is_the_seed_shape(tmp_path):
    path = tmp_path / "out.json"
    assert export_vocabulary(SMALL[:1], path) == "json"
    assert path.read_text(encoding="utf-8") == (
        '[\n  {\n    "word": "不二家",\n    "sounds_like": [\n      "bu er jia"\n    ]\n  }\n]\n')


# --- round trips ---------------------------------------------------------------------------
AWKWARD = [
    E("不二家", ("bu er jia", "步二家")), E("Kubernetes", ("kuber netes", "koo ber net ees")),
    E("C++: the language", ("see plus plus", "a, b; c")), E("a = b", ("x = y", "\\:")),
    E("O'Reilly", ("o reilly",)), E("Son of"), E('"quoted"', ("it's",)),
    E("std::vector", ("x:",)), E("end:"), E("全角：冒号", ("a，b",)), E("#tag", ("# x",)),
    E("back\\slash\\", ("\\#x", "(a|b).*")), E("="), E("= x", ("=",)), E("x =", ("==",)),
    E("word"), E("sounds_like"),
]
NAMES = {"csv": "v.csv", "json": "v.json", "txt": "v.txt", "capswriter": "hot.txt"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_awkward_words_round_trip_by_file_name(tmp_path, fmt):
    path = tmp_path / NAMES[fmt]
    assert export_vocabulary(AWKWARD, path) == fmt
    result = import_vocabulary(path)
    assert result.problems == []
    assert result.entries == AWKWARD


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_with_a_forced_format_and_a_neutral_name(tmp_path, fmt):
    path = tmp_path / "list.txt"
    export_vocabulary(AWKWARD, path, fmt)
    assert import_vocabulary(path, fmt).entries == AWKWARD


AWKWARD_CHARS = [*":：,，;#=\\ '\"()|*.+?[]{}^$-_不二家é\t\n", "\u3000", "\u2028"]
TEXT = st.text(
    alphabet=st.one_of(st.characters(blacklist_categories=("Cc", "Cs")),
                       st.sampled_from(AWKWARD_CHARS)),
    min_size=1, max_size=16,
).map(clean_text).filter(bool)


@st.composite
def entry_lists(draw) -> list[VocabularyEntry]:
    words = draw(st.lists(TEXT, max_size=8, unique=True))
    entries = []
    for word in words:
        hints = draw(st.lists(TEXT.filter(lambda h, w=word: h != w), max_size=3, unique=True))
        entries.append(E(word, tuple(hints)))
    return entries


@settings(max_examples=80, deadline=None)
@given(entries=entry_lists())
def test_any_text_round_trips_in_every_format(entries):
    with tempfile.TemporaryDirectory() as folder:
        for fmt in FORMATS:
            path = Path(folder) / f"list-{fmt}.txt"
            export_vocabulary(entries, path, fmt)
            # csv and json need the format named; txt and capswriter are told by the header
            result = import_vocabulary(path, fmt if fmt in ("csv", "json") else None)
            assert (fmt, result.format, result.problems) == (fmt, fmt, [])
            assert result.entries == entries


# --- file errors ---------------------------------------------------------------------------
def test_file_errors_are_input_errors_in_words(tmp_path):
    with pytest.raises(InputError, match=r"missing\.csv does not exist"):
        import_vocabulary(tmp_path / "missing.csv")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(b"ok\ncaf\xe9\n")
    with pytest.raises(InputError, match=r"latin1\.txt is not UTF-8 text \(line 2\)"):
        import_vocabulary(latin1)
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        import_vocabulary(tmp_path / "folder.csv")
    with pytest.raises(InputError, match=r"format of .*words\.xlsx.*csv, json, txt, capswriter"):
        import_vocabulary(write(tmp_path, "words.xlsx", "x"))
    with pytest.raises(InputError, match="Unknown vocabulary format 'yaml'"):
        import_vocabulary(write(tmp_path, "words.txt", "x"), "yaml")


def test_export_to_an_unwritable_place_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="Cannot write"):
        export_vocabulary(SMALL, tmp_path / "no" / "such" / "folder.csv")


# --- only regular files are read ------------------------------------------------------------
def _import_in_a_subprocess(tmp_path: Path, path: Path, *args: str
                            ) -> subprocess.CompletedProcess[str]:
    """``desktop-asr vocab import`` as a user runs it, with a timeout (a read that hangs
    fails the test instead of hanging it) and a memory cap (an endless read fails fast
    instead of eating the machine)."""

    def cap_memory() -> None:
        import resource  # POSIX only, like the tests that use this

        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "desktop_asr", "vocab", "import", "work", str(path), *args],
        cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True,
        timeout=30, preexec_fn=cap_memory, stdin=subprocess.DEVNULL, check=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe_is_refused_at_once_not_waited_on(tmp_path):
    fifo = tmp_path / "words.txt"
    os.mkfifo(fifo)  # nobody ever writes to it: opening it to read would wait forever
    result = _import_in_a_subprocess(tmp_path, fifo)
    assert result.returncode != 0
    assert result.stderr == (f"desktop-asr: {fifo} is a named pipe (FIFO), not a vocabulary "
                             "file: import a saved file.\n")
    with pytest.raises(InputError, match="named pipe"):
        import_vocabulary(fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_at_once_not_read_forever(tmp_path):
    result = _import_in_a_subprocess(tmp_path, Path("/dev/zero"), "--format", "txt")
    assert result.returncode != 0
    assert result.stderr == ("desktop-asr: /dev/zero is a device, not a vocabulary file: "
                             "import a saved file.\n")
    with pytest.raises(InputError, match="is a device"):
        import_vocabulary("/dev/zero", "txt")


def test_at_most_the_size_cap_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(vocabulary_files, "_MAX_FILE_BYTES", 1000)
    big = tmp_path / "words.txt"
    big.write_text("word\n" * 300)
    with pytest.raises(InputError, match="larger than"):
        import_vocabulary(big)
    big.write_text("word\n" * 200)
    assert [e.word for e in import_vocabulary(big).entries] == ["word"]
