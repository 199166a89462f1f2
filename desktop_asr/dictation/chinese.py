"""Simplified / Traditional Chinese conversion of dictated text (OpenCC).

Qwen3-ASR sometimes mixes simplified and traditional characters; a per-profile target
makes the output consistent:

* ``"none"``: unchanged;
* ``"simplified"``: OpenCC ``t2s``;
* ``"traditional"``: ``s2t`` (OpenCC's standard traditional characters, e.g. 裏, 麪, 臺);
* ``"taiwan"``: ``s2tw``, Taiwan's character forms (裡, 麵) *without* phrase conversion:
  ``s2twp`` also rewrites vocabulary (软件 -> 軟體, 鼠标 -> 滑鼠, 程序员 -> 程式設計師),
  which users found too eager for dictation (they said what they said);
* ``"hongkong"``: ``s2hk``, Hong Kong forms (台灣, 着).

Text without Han characters is returned as it is, and so is any sentence containing
Japanese kana (OpenCC would "simplify" the kanji of Japanese text). Latin letters, digits
and punctuation are never changed.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Literal

ChineseTarget = Literal["none", "simplified", "traditional", "taiwan", "hongkong"]

CONFIGS: dict[str, str] = {
    "simplified": "t2s",
    "traditional": "s2t",
    "taiwan": "s2tw",
    "hongkong": "s2hk",
}
TARGETS: tuple[str, ...] = ("none", *CONFIGS)

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
# A sentence: up to and including its end mark (CJK or Latin) or a line break.
_SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?\n]+|$)")


@functools.lru_cache(maxsize=len(CONFIGS))
def _converter(config: str) -> Any:
    import opencc  # imported on first use: loading its dictionaries takes a moment

    return opencc.OpenCC(f"{config}.json")


def convert_chinese(text: str, target: str) -> str:
    """``text`` with its Chinese characters in ``target``'s script (see the module doc).
    Raises ValueError for an unknown target."""
    if target == "none":
        return text
    if target not in CONFIGS:
        raise ValueError(f"unknown Chinese conversion {target!r}; expected one of "
                         f"{', '.join(TARGETS)}")
    if not _HAN.search(text):
        return text
    converter = _converter(CONFIGS[target])
    if not _KANA.search(text):
        return str(converter.convert(text))
    return "".join(
        sentence if _KANA.search(sentence) or not _HAN.search(sentence)
        else str(converter.convert(sentence))
        for sentence in _SENTENCE.findall(text)
    )
