"""What the pretend model "hears": DTMF words rendered as a Qwen3-ASR transcript.

- a word of digits is those digits ("123");
- a word starting with '*' is the rest in Chinese numerals ("*12" -> "一二"), a Chinese word;
- "#k" is the k-th whitespace-separated term of the context (system message), or "<unk>";
- a word of only 'A' is "la" * 60 (a repetition loop for the client to repair);
- anything else is the symbols verbatim.
The language is Chinese when Chinese words outnumber the others, else English. Consecutive
Chinese words are joined with nothing, all others with one space. A forced Chinese turns
digit words into Chinese numerals; a forced English turns '*' words into plain digits.
"""

from __future__ import annotations

from dataclasses import dataclass

CHINESE_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")
REPEATED = "la" * 60


@dataclass(frozen=True)
class Word:
    text: str
    chinese: bool


def is_cjk(text: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def render_word(word: str, terms: list[str], forced: str | None) -> Word:
    """One DTMF word as text, following the rules in the module docstring."""
    if word.isdigit():
        if forced == "Chinese":
            return Word(word.translate(CHINESE_DIGITS), True)
        return Word(word, False)
    if word.startswith("*"):
        rest = word[1:]
        if forced == "English":
            return Word(rest, False)
        return Word(rest.translate(CHINESE_DIGITS), True)
    if word.startswith("#") and word[1:].isdigit():
        index = int(word[1:])
        term = terms[index - 1] if 1 <= index <= len(terms) else "<unk>"
        return Word(term, is_cjk(term))
    if set(word) == {"A"}:
        return Word(REPEATED, False)
    return Word(word, False)


def join_words(words: list[Word]) -> str:
    """Consecutive Chinese words touch; anything else is separated by one space."""
    out = ""
    previous: Word | None = None
    for word in words:
        if previous is not None and not (previous.chinese and word.chinese):
            out += " "
        out += word.text
        previous = word
    return out


def transcribe(words: list[str], context: str, forced: str | None = None) -> tuple[str, str]:
    """(language, text) for the detected words; language "None" when nothing was heard.

    On silence with a non-empty context the model's known bug is emulated: it "hears" the
    context itself (QwenLM/Qwen3-ASR#106).
    """
    context = context.strip()
    if not words:
        return ("English", context) if context else ("None", "")
    rendered = [render_word(w, context.split(), forced) for w in words]
    chinese = sum(w.chinese for w in rendered)
    language = "Chinese" if chinese > len(rendered) - chinese else "English"
    return language, join_words(rendered)


def message_content(words: list[str], context: str, forced: str | None) -> str:
    """The assistant message: `language X<asr_text>text`, or only the text when forced."""
    language, text = transcribe(words, context, forced)
    if forced is not None:
        return text
    return f"language {language}<asr_text>{text}"
