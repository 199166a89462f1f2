"""Post-correction of transcripts (correction.py): Latin hints on word boundaries, Chinese
by toneless pinyin. Every Chinese example was checked by hand against pypinyin; the first
test pins the readings the others rely on."""

from __future__ import annotations

import random

import pytest
from pypinyin import Style, lazy_pinyin, pinyin

from desktop_asr.text.correction import Change, Corrector
from desktop_asr.text.vocabulary import VocabularyEntry

E = VocabularyEntry
FUJIYA = E("不二家", ("bu er jia",))


def readings(text: str) -> list[set[str]]:
    return [set(pinyin(c, style=Style.NORMAL, heteronym=True)[0]) for c in text]


def test_the_pinyin_the_examples_rely_on():
    assert lazy_pinyin("不二家", style=Style.NORMAL) == ["bu", "er", "jia"]
    # the planted errors read the same
    assert lazy_pinyin("步二家", style=Style.NORMAL) == ["bu", "er", "jia"]
    assert lazy_pinyin("不耳家", style=Style.NORMAL) == ["bu", "er", "jia"]
    # the lookalikes differ in one syllable, under every reading of every character
    assert "bei" in readings("北二家")[0]
    assert "bu" not in readings("北二家")[0]
    assert "er" not in readings("不是家")[1]  # shi, ti
    assert "er" not in readings("布朗家")[1]  # lang
    assert "jia" not in readings("不二法门")[2]  # fa
    # polyphones: the default reading of 行 is xing, 银行 reads hang; 长 is zhang or chang
    assert lazy_pinyin("音行", style=Style.NORMAL) == ["yin", "xing"]
    assert "hang" in readings("音行")[1]
    assert lazy_pinyin("银行", style=Style.NORMAL) == ["yin", "hang"]
    assert lazy_pinyin("长诚", style=Style.NORMAL) == ["zhang", "cheng"]
    assert lazy_pinyin("长城", style=Style.NORMAL) == ["chang", "cheng"]
    assert lazy_pinyin("欧啦嘛", style=Style.NORMAL) == ["ou", "la", "ma"]


# --- Chinese -------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("步二家", "不二家"),
    ("不耳家", "不二家"),
    ("我们去步二家买糖，好吗？", "我们去不二家买糖，好吗？"),
    ("步二家和不耳家", "不二家和不二家"),
])
def test_chinese_spans_with_the_same_pinyin_become_the_word(text, expected):
    assert Corrector([FUJIYA]).apply(text) == expected


@pytest.mark.parametrize("text", [
    "北二家",        # bei er jia
    "不是家",        # bu shi jia
    "布朗家",        # bu lang jia
    "不二法门",      # bu er fa men: only two syllables agree
    "不二",          # shorter than the word
    "步 二 家",      # not one run of characters
    "不二家",        # the word itself stays, and is not reported as a change
])
def test_lookalikes_and_the_word_itself_are_left_alone(text):
    assert Corrector([FUJIYA]).apply_with_changes(text) == (text, [])


def test_the_words_own_pinyin_is_enough_without_a_hint():
    assert Corrector([E("不二家")]).apply("步二家") == "不二家"


@pytest.mark.parametrize("hint", ["步二家", "bù èr jiā", "bu4 er4 jia1", "Bu'er'jia", "BU ER JIA"])
def test_hints_in_characters_or_any_pinyin_spelling(hint):
    assert Corrector([E("不二家", (hint,))]).apply("不耳家") == "不二家"


def test_a_pinyin_hint_can_differ_from_the_words_reading():
    # the word reads "bu er jia"; the hint adds what the model tends to hear instead
    corrector = Corrector([E("不二家", ("bo er jia",))])
    assert lazy_pinyin("波尔家", style=Style.NORMAL) == ["bo", "er", "jia"]
    assert corrector.apply("波尔家") == "不二家"


def test_polyphonic_characters_match_under_any_reading():
    assert Corrector([E("银行")]).apply("去音行取钱") == "去银行取钱"
    assert Corrector([E("长城")]).apply("长诚很长") == "长城很长"


def test_a_latin_word_with_a_chinese_hint_catches_homophones():
    corrector = Corrector([E("Ollama", ("欧拉玛",))])
    assert corrector.apply("我用欧啦嘛跑模型") == "我用Ollama跑模型"
    assert corrector.apply("欧拉") == "欧拉"


def test_single_characters_are_not_matched_by_pinyin():
    # 是 and 事 both read "shi": a one-syllable word would change every homophone
    assert Corrector([E("事", ("shi",))]).apply("是的") == "是的"


def test_an_exact_word_keeps_its_span_against_a_homophone_entry():
    corrector = Corrector([FUJIYA, E("布尔加")])
    assert lazy_pinyin("布尔加", style=Style.NORMAL) == ["bu", "er", "jia"]
    assert corrector.apply("布尔加") == "布尔加"
    assert corrector.apply("不二家") == "不二家"
    assert corrector.apply("步二家") == "不二家"  # the first entry wins a tie


# --- Latin script --------------------------------------------------------------------------
KUBE = E("Kubernetes", ("kuber netes",))


@pytest.mark.parametrize(("text", "expected"), [
    ("kuber netes", "Kubernetes"),
    ("We run KUBER  Netes daily.", "We run Kubernetes daily."),
    ("(kuber netes), kuber\nnetes!", "(Kubernetes), Kubernetes!"),
    ("'kuber netes'", "'Kubernetes'"),
])
def test_latin_hints_match_ignoring_case_and_spacing(text, expected):
    assert Corrector([KUBE]).apply(text) == expected


@pytest.mark.parametrize("text", [
    "kuber netes2",          # a longer word
    "xkuber netes",
    "kuber netesy",
    "kuber netes's",         # an apostrophe keeps the word going
    "kubernetes",            # the word without the hint's space
    "kuber-netes",
])
def test_latin_hints_do_not_match_inside_longer_words(text):
    assert Corrector([KUBE]).apply(text) == text


def test_a_hint_inside_a_longer_word_is_not_matched():
    assert Corrector([E("NETES", ("netes",))]).apply("kubernetes2 netes") == "kubernetes2 NETES"


def test_son_of_stays_unless_it_is_a_hint():
    assert Corrector([E("Shinobi", ("shin obi",))]).apply("Son of a gun") == "Son of a gun"
    assert Corrector([E("Shinobi", ("son of",))]).apply("Son of a gun") == "Shinobi a gun"


def test_apostrophes_are_kept_and_respected():
    corrector = Corrector([E("O'Reilly", ("o reilly",)), E("Reilly Co", ("reilly",))])
    assert corrector.apply("Talk to o reilly now") == "Talk to O'Reilly now"
    assert corrector.apply("O'Reilly books") == "O'Reilly books"  # "reilly" inside it
    assert Corrector([E("don't", ("dont",))]).apply("I dont know") == "I don't know"


def test_the_word_itself_is_not_a_hint():
    assert Corrector([E("Word", ("werd",))]).apply("a word and a werd") == "a word and a Word"


def test_mixed_chinese_and_english():
    corrector = Corrector([FUJIYA, KUBE])
    assert corrector.apply("我用kuber netes部署步二家的网站") == "我用Kubernetes部署不二家的网站"


# --- overlaps ------------------------------------------------------------------------------
def test_longer_matches_win():
    corrector = Corrector([KUBE, E("Kubernetes Engine", ("kuber netes engine",))])
    assert corrector.apply("kuber netes engine and kuber netes") == (
        "Kubernetes Engine and Kubernetes")


def test_nothing_is_replaced_inside_a_replaced_span_or_its_result():
    corrector = Corrector([E("AlphaBeta", ("alpha beta",)), E("BetaGamma", ("beta gamma",))])
    assert corrector.apply("alpha beta gamma") == "AlphaBeta gamma"
    chained = Corrector([E("foo bar", ("fubar",)), E("FOO", ("foo bar",))])
    assert chained.apply("fubar") == "foo bar"


def test_changes_report_positions_in_the_input():
    text, changes = Corrector([FUJIYA, KUBE]).apply_with_changes("去步二家 and kuber netes")
    assert text == "去不二家 and Kubernetes"
    assert changes == [Change(1, 4, "步二家", "不二家"), Change(9, 20, "kuber netes", "Kubernetes")]


def test_no_entries_change_nothing():
    assert not Corrector([])
    assert Corrector([]).apply("步二家 kuber netes") == "步二家 kuber netes"


# --- size ----------------------------------------------------------------------------------
@pytest.mark.timeout(30)
def test_three_hours_of_transcript_with_a_thousand_entries():
    rng = random.Random(7)
    common = "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生"
    entries = [E("".join(rng.choice(common) for _ in range(3)) + "科技", ()) for _ in range(500)]
    entries += [E(f"Product{i}", (f"prod uct {i}",)) for i in range(500)]
    entries.append(FUJIYA)
    sentence = "今天我们去步二家开会，讨论prod uct 42的发布。"
    text = sentence * (50_000 // len(sentence))
    corrected, changes = Corrector(entries).apply_with_changes(text)
    repeats = text.count(sentence)
    assert corrected == "今天我们去不二家开会，讨论Product42的发布。" * repeats
    assert len(changes) == 2 * repeats
