"""The languages Qwen3-ASR knows, by the model's own English names, and their ISO codes."""

from __future__ import annotations

# (model name, ISO 639 codes and common aliases). Names follow SUPPORTED_LANGUAGES of
# QwenLM/Qwen3-ASR qwen_asr/inference/utils.py.
_LANGUAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Chinese", ("zh", "zh-cn", "zh-hans", "zh-tw", "zh-hant", "cmn", "mandarin", "中文")),
    ("English", ("en", "en-us", "en-gb", "eng")),
    ("Cantonese", ("yue", "zh-hk", "粤语")),
    ("Arabic", ("ar",)),
    ("German", ("de",)),
    ("French", ("fr",)),
    ("Spanish", ("es",)),
    ("Portuguese", ("pt", "pt-br")),
    ("Indonesian", ("id",)),
    ("Italian", ("it",)),
    ("Korean", ("ko",)),
    ("Russian", ("ru",)),
    ("Thai", ("th",)),
    ("Vietnamese", ("vi",)),
    ("Japanese", ("ja", "jp")),
    ("Turkish", ("tr",)),
    ("Hindi", ("hi",)),
    ("Malay", ("ms",)),
    ("Dutch", ("nl",)),
    ("Swedish", ("sv",)),
    ("Danish", ("da",)),
    ("Finnish", ("fi",)),
    ("Polish", ("pl",)),
    ("Czech", ("cs",)),
    ("Filipino", ("fil", "tl")),
    ("Persian", ("fa",)),
    ("Greek", ("el",)),
    ("Romanian", ("ro",)),
    ("Hungarian", ("hu",)),
    ("Macedonian", ("mk",)),
)

SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(name for name, _ in _LANGUAGES)
_BY_KEY: dict[str, str] = {}
for _name, _codes in _LANGUAGES:
    _BY_KEY[_name.lower()] = _name
    for _code in _codes:
        _BY_KEY[_code.lower()] = _name

AUTO = "auto"


def resolve_language(value: str | None) -> str | None:
    """Map ``auto``/empty to None and an ISO code or a name to the model's name.

    Raises ValueError with a message in words for an unknown language.
    """
    if value is None:
        return None
    key = value.strip().lower().replace("_", "-")
    if key in ("", AUTO):
        return None
    name = _BY_KEY.get(key)
    if name is None:
        raise ValueError(
            f"Unknown language {value!r}. Use auto, an ISO code such as zh, en, yue or ja, "
            f"or one of: {', '.join(SUPPORTED_LANGUAGES)}."
        )
    return name


def normalize_language_name(value: str) -> str:
    """Title-case a language name the way the model reports it ('cHINese' -> 'Chinese')."""
    s = value.strip()
    return s[:1].upper() + s[1:].lower()


def merge_languages(languages: list[str]) -> str:
    """Per-chunk languages -> one string: empty ones dropped, consecutive repeats merged,
    joined with commas (as the official ``merge_languages`` does)."""
    merged: list[str] = []
    for lang in languages:
        lang = (lang or "").strip()
        if lang and (not merged or merged[-1] != lang):
            merged.append(lang)
    return ",".join(merged)
