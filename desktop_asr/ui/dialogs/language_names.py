"""The languages of the model, translatable for display (the stored value stays the
model's English name, see desktop_asr/core/languages.py)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

# The same names as core.languages.SUPPORTED_LANGUAGES (a test checks it), marked for lupdate.
NAMES = (
    QT_TRANSLATE_NOOP("Languages", "Chinese"),
    QT_TRANSLATE_NOOP("Languages", "English"),
    QT_TRANSLATE_NOOP("Languages", "Cantonese"),
    QT_TRANSLATE_NOOP("Languages", "Arabic"),
    QT_TRANSLATE_NOOP("Languages", "German"),
    QT_TRANSLATE_NOOP("Languages", "French"),
    QT_TRANSLATE_NOOP("Languages", "Spanish"),
    QT_TRANSLATE_NOOP("Languages", "Portuguese"),
    QT_TRANSLATE_NOOP("Languages", "Indonesian"),
    QT_TRANSLATE_NOOP("Languages", "Italian"),
    QT_TRANSLATE_NOOP("Languages", "Korean"),
    QT_TRANSLATE_NOOP("Languages", "Russian"),
    QT_TRANSLATE_NOOP("Languages", "Thai"),
    QT_TRANSLATE_NOOP("Languages", "Vietnamese"),
    QT_TRANSLATE_NOOP("Languages", "Japanese"),
    QT_TRANSLATE_NOOP("Languages", "Turkish"),
    QT_TRANSLATE_NOOP("Languages", "Hindi"),
    QT_TRANSLATE_NOOP("Languages", "Malay"),
    QT_TRANSLATE_NOOP("Languages", "Dutch"),
    QT_TRANSLATE_NOOP("Languages", "Swedish"),
    QT_TRANSLATE_NOOP("Languages", "Danish"),
    QT_TRANSLATE_NOOP("Languages", "Finnish"),
    QT_TRANSLATE_NOOP("Languages", "Polish"),
    QT_TRANSLATE_NOOP("Languages", "Czech"),
    QT_TRANSLATE_NOOP("Languages", "Filipino"),
    QT_TRANSLATE_NOOP("Languages", "Persian"),
    QT_TRANSLATE_NOOP("Languages", "Greek"),
    QT_TRANSLATE_NOOP("Languages", "Romanian"),
    QT_TRANSLATE_NOOP("Languages", "Hungarian"),
    QT_TRANSLATE_NOOP("Languages", "Macedonian"),
)


def language_label(name: str) -> str:
    """The model language ``name`` in the interface language."""
    return QCoreApplication.translate("Languages", name)
