"""Simplified / Traditional conversion of dictated text. Expected texts were written by hand
from the characters' standard forms, not copied from OpenCC's output."""

from __future__ import annotations

import pytest

from desktop_asr.dictation.chinese import TARGETS, convert_chinese

pytest.importorskip("opencc")


@pytest.mark.parametrize(("text", "expected"), [
    ("汉字简体转换", "漢字簡體轉換"),
    # One simplified character, two traditional ones, chosen by the word:
    ("头发和发展", "頭髮和發展"),  # hair / develop
    ("干净地干活", "乾淨地幹活"),  # clean / work
    ("后面的皇后", "後面的皇后"),  # behind / queen (stays 后)
    ("你好，世界！", "你好，世界！"),  # no simplified characters: unchanged, punctuation kept
])
def test_traditional(text, expected):
    assert convert_chinese(text, "traditional") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("頭髮和發展", "头发和发展"),
    ("乾淨地幹活", "干净地干活"),
    ("這裡的麵條", "这里的面条"),  # Taiwan forms
    ("這裏的麪條", "这里的面条"),  # the standard traditional forms
    ("漢字簡體轉換", "汉字简体转换"),
    ("已经是简体", "已经是简体"),
])
def test_simplified(text, expected):
    assert convert_chinese(text, "simplified") == expected


def test_taiwan_uses_taiwan_forms():
    assert convert_chinese("这里的面条", "taiwan") == "這裡的麵條"
    assert convert_chinese("这里的面条", "traditional") == "這裏的麪條"  # the standard forms


def test_taiwan_does_not_rewrite_words():
    # s2twp would give 軟體, 滑鼠, 程式設計師: other words than the user said.
    assert convert_chinese("软件、鼠标、程序员", "taiwan") == "軟件、鼠標、程序員"


def test_hong_kong_forms():
    assert convert_chinese("台湾", "hongkong") == "台灣"
    assert convert_chinese("台湾", "traditional") == "臺灣"


@pytest.mark.parametrize("target", TARGETS)
def test_non_chinese_text_is_untouched(target):
    for text in ("Hello, world! 123", "naïve café — “quotes” ok?", "", "  \n"):
        assert convert_chinese(text, target) == text


def test_mixed_text_keeps_latin_and_digits():
    assert convert_chinese("Hello 软件 123 OK.", "traditional") == "Hello 軟件 123 OK."
    assert convert_chinese("我用 Python 3.11 写代码", "taiwan") == "我用 Python 3.11 寫代碼"


def test_japanese_sentences_are_left_alone():
    japanese = "日本語のテキストです。"
    assert convert_chinese(japanese, "simplified") == japanese
    assert convert_chinese(japanese + "汉语很好！", "traditional") == japanese + "漢語很好！"


def test_none_changes_nothing():
    assert convert_chinese("汉字 漢字", "none") == "汉字 漢字"


def test_unknown_target_is_refused():
    with pytest.raises(ValueError, match="unknown Chinese conversion"):
        convert_chinese("汉字", "cantonese")
