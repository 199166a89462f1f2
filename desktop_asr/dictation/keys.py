"""Key combinations for the global hotkeys: parsing, a canonical form, validation.

A combination is written the way Qt's ``QKeySequence.toString()`` writes it ("Ctrl+Alt+D",
"Meta+Ctrl+Alt+Shift+F9", "Pause"), and users may type it loosely ("ctrl + alt + d",
"Control+Option+D", "Win+F8", "<ctrl>+<alt>+d" as pynput writes it). `parse_combination`
turns any of these into a `KeyCombination`; ``str()`` of it is the canonical form (Qt's
PortableText, so ``QKeySequence(str(combination))`` round-trips), `to_pynput` gives
pynput's form ("<ctrl>+<alt>+d").

Modifier names follow Qt: on macOS Qt's "Ctrl" is the Command key and "Meta" the Control
key; "Cmd" typed on a Mac therefore means "Ctrl", elsewhere it means "Meta" (the Super or
Windows key). Characters that need Shift on a US layout are stored as Shift plus their base
key ("Ctrl+!" and "Ctrl+Shift+!" both become "Ctrl+Shift+1"); on other layouts prefer
letters and F-keys, which match on any Latin layout.

Rules (`check_combination`, `check_hotkeys`), each refusal a `HotkeyError` with a code and a
sentence saying why:

* empty text, a sequence of several combinations ("Ctrl+K, Ctrl+D"), two ordinary keys,
  unknown key names, F21 and above (pynput stops at F20);
* only modifiers ("Ctrl+Shift", "Alt"): they would fire during every ordinary shortcut;
* a character, Space, Enter, Tab, Backspace, Esc, Del, Ins or a navigation key without
  Ctrl, Alt or Meta (alone or with Shift only): they would fire while the user types;
* combinations the system or input methods take: Ctrl+Alt+Del, Ctrl+Shift+Esc, Ctrl+Esc,
  Alt+Tab (and Shift/Ctrl/Meta variants), Alt+Esc, Alt+F4, Alt+Space, Ctrl+Alt+Backspace,
  Ctrl+Alt+F1..F12, Meta+L, Meta+D, Meta alone, any Print combination (screenshots),
  Ctrl+Space, Meta+Space, Ctrl+Period and Ctrl+Shift+F (input method switches);
* Caps Lock and Num Lock: we only listen, so the key would still switch its lock;
* a lone modifier key: only Right Ctrl, Right Alt or Right Shift, and only as the
  push-to-talk key (a toggle on it would fire whenever it is used for a shortcut; left-hand
  modifiers are used for shortcuts all the time; Meta alone opens the launcher);
* the same combination for toggle and push-to-talk, or a right-hand push-to-talk modifier
  that is part of the toggle combination.

Allowed alone (no modifier): F1-F20, Pause, ScrollLock, Menu, and for push-to-talk Right
Ctrl / Right Alt / Right Shift. The listener does not swallow keys: the focused application
also receives the hotkey, so pick a combination it does not use.

Messages are English sentences; a Qt UI translates them by `HotkeyError.code` with
`HotkeyError.values` as arguments.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import Enum

from desktop_asr.errors import AsrError

MODIFIERS = ("Meta", "Ctrl", "Alt", "Shift")  # Qt's order in QKeySequence.toString()
TYPING_MODIFIERS = frozenset({"Ctrl", "Alt", "Meta"})  # Shift alone still types

# Typed names of the four modifiers (lower case, spaces and underscores removed).
_MODIFIER_ALIASES = {
    "ctrl": "Ctrl", "control": "Ctrl", "ctl": "Ctrl", "strg": "Ctrl",
    "alt": "Alt", "option": "Alt", "opt": "Alt",
    "shift": "Shift",
    "meta": "Meta", "super": "Meta", "win": "Meta", "windows": "Meta", "logo": "Meta",
}
_CMD_ALIASES = {"cmd", "command"}  # Qt's "Ctrl" on macOS, "Meta" elsewhere


class KeyKind(Enum):
    CHARACTER = "character"  # types a character: needs Ctrl, Alt or Meta
    TYPING = "typing"  # used while typing (Space, Return, arrows...): same rule
    FUNCTION = "function"  # may be used alone (F-keys, Pause, ScrollLock, Menu)
    LOCK = "lock"  # Caps Lock, Num Lock: refused
    SCREENSHOT = "screenshot"  # Print: refused
    SIDE_MODIFIER = "side modifier"  # Right Ctrl...: push-to-talk, alone


@dataclass(frozen=True)
class KeyInfo:
    name: str  # canonical (Qt) name
    pynput: str  # pynput's name of the key, in pynput's combination syntax
    kind: KeyKind
    modifier: str = ""  # for SIDE_MODIFIER: the modifier it is ("Ctrl")


def _named_keys() -> dict[str, KeyInfo]:
    table: list[tuple[str, str, KeyKind, tuple[str, ...]]] = [
        ("Space", "space", KeyKind.TYPING, ()),
        ("Tab", "tab", KeyKind.TYPING, ()),
        ("Backspace", "backspace", KeyKind.TYPING, ()),
        ("Return", "enter", KeyKind.TYPING, ("enter",)),
        ("Esc", "esc", KeyKind.TYPING, ("escape",)),
        ("Del", "delete", KeyKind.TYPING, ("delete",)),
        ("Ins", "insert", KeyKind.TYPING, ("insert",)),
        ("Home", "home", KeyKind.TYPING, ()),
        ("End", "end", KeyKind.TYPING, ()),
        ("PgUp", "page_up", KeyKind.TYPING, ("pageup", "prior")),
        ("PgDown", "page_down", KeyKind.TYPING, ("pagedown", "pgdn", "next")),
        ("Left", "left", KeyKind.TYPING, ()),
        ("Right", "right", KeyKind.TYPING, ()),
        ("Up", "up", KeyKind.TYPING, ()),
        ("Down", "down", KeyKind.TYPING, ()),
        ("Pause", "pause", KeyKind.FUNCTION, ("break",)),
        ("ScrollLock", "scroll_lock", KeyKind.FUNCTION, ("scrlk", "scroll")),
        ("Menu", "menu", KeyKind.FUNCTION, ("apps", "application", "contextmenu")),
        ("CapsLock", "caps_lock", KeyKind.LOCK, ("caps",)),
        ("NumLock", "num_lock", KeyKind.LOCK, ()),
        ("Print", "print_screen", KeyKind.SCREENSHOT, ("printscreen", "prtsc", "prtscn")),
    ]
    keys: dict[str, KeyInfo] = {}
    for name, pynput, kind, aliases in table:
        info = KeyInfo(name, f"<{pynput}>", kind)
        for alias in (name, pynput, *aliases):
            keys[_squash(alias)] = info
    for number in range(1, 21):
        keys[f"f{number}"] = KeyInfo(f"F{number}", f"<f{number}>", KeyKind.FUNCTION)
    for modifier, pynput in (("Ctrl", "ctrl"), ("Alt", "alt"), ("Shift", "shift"),
                             ("Meta", "cmd")):
        for side, short in (("Right", "r"), ("Left", "l")):
            info = KeyInfo(f"{side} {modifier}", f"<{pynput}_{short}>",
                           KeyKind.SIDE_MODIFIER, modifier)
            for alias in {modifier.lower(), pynput, *(
                    a for a, m in _MODIFIER_ALIASES.items() if m == modifier)}:
                keys[_squash(f"{side}{alias}")] = info
                keys[_squash(f"{short}{alias}")] = info
                keys[_squash(f"{alias}_{short}")] = info
    keys["altgr"] = keys["rightalt"]
    return keys


def _squash(name: str) -> str:
    return name.lower().replace(" ", "").replace("_", "").replace("-", "")


_NAMED_KEYS = _named_keys()

# Characters typed with Shift on a US layout, and the key they are on.
US_SHIFTED = dict(zip('~!@#$%^&*()_+{}|:"<>?', "`1234567890-=[]\\;',./", strict=True))


class KeyProblem(Enum):
    EMPTY = "empty"
    SEQUENCE = "sequence"
    UNKNOWN_KEY = "unknown key"
    UNSUPPORTED_KEY = "unsupported key"
    TWO_KEYS = "two keys"
    ONLY_MODIFIERS = "only modifiers"
    TYPES_TEXT = "types text"
    RESERVED = "reserved"
    INPUT_METHOD = "input method"
    LOCK_KEY = "lock key"
    SCREENSHOT = "screenshot"
    LONE_MODIFIER = "lone modifier"
    SAME_COMBINATION = "same combination"
    OVERLAP = "overlap"


MESSAGES = {
    KeyProblem.EMPTY: "No key combination was given.",
    KeyProblem.SEQUENCE: "“{text}” is several combinations one after the other; a hotkey "
                         "is a single combination, such as Ctrl+Alt+D.",
    KeyProblem.UNKNOWN_KEY: "“{key}” is not a key name this app knows; use names such as "
                            "Ctrl, Alt, Shift, Meta, A to Z, 0 to 9, F1 to F20, Space, "
                            "Pause or ScrollLock.",
    KeyProblem.UNSUPPORTED_KEY: "{key} cannot be used for a hotkey; use F1 to F20.",
    KeyProblem.TWO_KEYS: "“{text}” has two ordinary keys, {first} and {second}; a hotkey "
                         "is modifiers plus one key.",
    KeyProblem.ONLY_MODIFIERS: "{combination} has only modifier keys, so it would fire "
                               "during ordinary shortcuts; add a key, such as "
                               "{combination}+D.",
    KeyProblem.TYPES_TEXT: "{combination} would fire while you type; add Ctrl, Alt or Meta, "
                           "or use a key such as F9 or Pause.",
    KeyProblem.RESERVED: "{combination} is reserved by the system; choose another "
                         "combination.",
    KeyProblem.INPUT_METHOD: "{combination} switches the input method or its modes on many "
                             "desktops; choose another combination.",
    KeyProblem.LOCK_KEY: "{key} would still switch its lock on and off each time you use "
                         "it; choose another key.",
    KeyProblem.SCREENSHOT: "{combination} takes screenshots on most desktops; choose "
                           "another combination.",
    KeyProblem.LONE_MODIFIER: "{key} alone can only be the push-to-talk key, and only Right "
                              "Ctrl, Right Alt or Right Shift: other modifiers alone fire "
                              "during ordinary shortcuts.",
    KeyProblem.SAME_COMBINATION: "Toggle and push-to-talk both use {combination}; give "
                                 "them different keys.",
    KeyProblem.OVERLAP: "The push-to-talk key {key} is a modifier of the toggle "
                        "combination {combination}, so toggling with it would also start "
                        "push-to-talk; choose another push-to-talk key.",
}


class Role(Enum):
    TOGGLE = "toggle"
    PUSH_TO_TALK = "push_to_talk"


class HotkeyError(AsrError, ValueError):
    """A combination that cannot be used. ``str()`` is the reason in words; ``code`` and
    ``values`` let a UI translate it (``MESSAGES[code]`` is the English template)."""

    code: KeyProblem  # type: ignore[assignment]  # its own codes, translated by the UI

    def __init__(self, code: KeyProblem, role: Role | None = None, **values: str) -> None:
        super().__init__(MESSAGES[code].format(**values))
        self.code = code
        self.role = role
        self.values = values


@dataclass(frozen=True)
class KeyCombination:
    """Modifiers ("Ctrl", "Alt", "Shift", "Meta") plus at most one key (a `KeyInfo` name,
    or a character in upper case)."""

    modifiers: frozenset[str]
    key: str = ""

    def __str__(self) -> str:
        parts = [m for m in MODIFIERS if m in self.modifiers]
        return "+".join([*parts, self.key] if self.key else parts)

    @property
    def info(self) -> KeyInfo | None:
        """The named key's description; None for a character key or no key."""
        return _NAMED_KEYS.get(_squash(self.key)) if len(self.key) > 1 else None

    @property
    def kind(self) -> KeyKind | None:
        if not self.key:
            return None
        info = self.info
        return info.kind if info else KeyKind.CHARACTER

    def to_pynput(self, platform: str = sys.platform) -> str:
        """pynput's form, e.g. "<ctrl>+<alt>+d" (macOS: Qt's Ctrl is <cmd>, Meta <ctrl>)."""
        names = {"Ctrl": "ctrl", "Alt": "alt", "Shift": "shift", "Meta": "cmd"}
        if platform == "darwin":
            names.update(Ctrl="cmd", Meta="ctrl")
        order = ("Ctrl", "Alt", "Shift", "Meta")
        parts = [f"<{names[m]}>" for m in order if m in self.modifiers]
        info = self.info
        if info is not None:
            key = info.pynput
            if info.kind is KeyKind.SIDE_MODIFIER and platform == "darwin":
                side = key[-3:]  # "_r>"
                key = f"<{names[info.modifier]}{side}"
            parts.append(key)
        elif self.key:
            parts.append(self.key.lower())
        return "+".join(parts)


def _split(text: str) -> list[str]:
    """"Ctrl++" -> ["Ctrl", "+"]; "Ctrl + Alt + D" -> ["Ctrl", "Alt", "D"]."""
    parts: list[str] = []
    current = ""
    for char in text:
        if char == "+" and current.strip():
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip() or current)
    return [p for p in parts if p]


def _key_of(part: str, platform: str) -> tuple[str, str]:
    """(modifier, "") or ("", key name) for one typed part; raises HotkeyError."""
    name = part.strip()
    if len(name) > 2 and name.startswith("<") and name.endswith(">"):
        name = name[1:-1]  # pynput's <ctrl>
    squashed = _squash(name)
    if squashed in _CMD_ALIASES:
        return ("Ctrl" if platform == "darwin" else "Meta"), ""
    if squashed in _MODIFIER_ALIASES:
        return _MODIFIER_ALIASES[squashed], ""
    if len(name) == 1 and name.isprintable() and not name.isspace():
        return "", name
    info = _NAMED_KEYS.get(squashed)
    if info is not None:
        return "", info.name
    if squashed.startswith("f") and squashed[1:].isdigit() and 20 < int(squashed[1:]) <= 35:
        raise HotkeyError(KeyProblem.UNSUPPORTED_KEY, key=name.upper())
    raise HotkeyError(KeyProblem.UNKNOWN_KEY, key=name)


def fold_character(char: str) -> tuple[str, bool]:
    """A typed character as the key it is on: ("D", False) for "d", ("1", True) for "!"
    (True: Shift is part of it, on a US layout)."""
    if char in US_SHIFTED:
        return US_SHIFTED[char], True
    upper = char.upper()
    return (upper if len(upper) == 1 else char), False


def parse_combination(text: str, *, platform: str = sys.platform) -> KeyCombination:
    """Read one combination as users and Qt write it; raises HotkeyError on bad syntax."""
    text = text.strip()
    if not text:
        raise HotkeyError(KeyProblem.EMPTY)
    if ", " in text:
        raise HotkeyError(KeyProblem.SEQUENCE, text=text)
    modifiers: set[str] = set()
    key = ""
    for part in _split(text):
        modifier, name = _key_of(part, platform)
        if modifier:
            modifiers.add(modifier)
            continue
        if len(name) == 1:
            name, shifted = fold_character(name)
            if shifted:
                modifiers.add("Shift")
        if key and key != name:
            raise HotkeyError(KeyProblem.TWO_KEYS, text=text, first=key, second=name)
        key = name
    return KeyCombination(frozenset(modifiers), key)


_RESERVED = {
    "Ctrl+Alt+Del", "Ctrl+Shift+Esc", "Ctrl+Esc", "Alt+Esc", "Alt+F4", "Alt+Space",
    "Alt+Tab", "Alt+Shift+Tab", "Ctrl+Alt+Tab", "Meta+Tab", "Meta+Shift+Tab",
    "Ctrl+Alt+Backspace", "Meta+L", "Meta+D", "Meta",
    *(f"Ctrl+Alt+F{n}" for n in range(1, 13)),
}
_INPUT_METHOD = {"Ctrl+Space", "Meta+Space", "Ctrl+.", "Ctrl+Shift+F", "Ctrl+Shift+Space"}


def check_combination(text: str | KeyCombination, role: Role, *,
                      platform: str = sys.platform) -> KeyCombination:
    """Parse (if needed) and apply the rules above for one role; raises HotkeyError."""
    try:
        combination = (text if isinstance(text, KeyCombination)
                       else parse_combination(text, platform=platform))
    except HotkeyError as error:
        error.role = role
        raise
    shown = str(combination)
    kind = combination.kind
    info = combination.info
    problem: KeyProblem | None = None
    values = {"combination": shown, "key": combination.key}
    if kind is KeyKind.SCREENSHOT:
        problem = KeyProblem.SCREENSHOT
    elif kind is KeyKind.LOCK:
        problem = KeyProblem.LOCK_KEY
    elif shown in _RESERVED or (info is not None and info.modifier == "Meta"):
        problem = KeyProblem.RESERVED
    elif shown in _INPUT_METHOD:
        problem = KeyProblem.INPUT_METHOD
    elif kind is None:
        problem = KeyProblem.ONLY_MODIFIERS
    elif kind is KeyKind.SIDE_MODIFIER:
        if (role is not Role.PUSH_TO_TALK or combination.modifiers
                or combination.key.startswith("Left")):
            problem = KeyProblem.LONE_MODIFIER
    elif kind in (KeyKind.CHARACTER, KeyKind.TYPING) and not (
            combination.modifiers & TYPING_MODIFIERS):
        problem = KeyProblem.TYPES_TEXT
    if problem is not None:
        raise HotkeyError(problem, role, **values)
    return combination


def _check_pair(toggle: str | None, push_to_talk: str | None, platform: str,
                ) -> tuple[dict[Role, KeyCombination], dict[Role, HotkeyError]]:
    found: dict[Role, KeyCombination] = {}
    problems: dict[Role, HotkeyError] = {}
    for role, text in ((Role.TOGGLE, toggle), (Role.PUSH_TO_TALK, push_to_talk)):
        if text is None or not text.strip():
            continue
        try:
            found[role] = check_combination(text, role, platform=platform)
        except HotkeyError as error:
            problems[role] = error
    if len(found) == 2:
        toggle_combo, ptt = found[Role.TOGGLE], found[Role.PUSH_TO_TALK]
        if toggle_combo == ptt:
            problems[Role.PUSH_TO_TALK] = HotkeyError(
                KeyProblem.SAME_COMBINATION, Role.PUSH_TO_TALK, combination=str(ptt))
        elif ptt.info is not None and ptt.info.modifier in toggle_combo.modifiers:
            problems[Role.PUSH_TO_TALK] = HotkeyError(
                KeyProblem.OVERLAP, Role.PUSH_TO_TALK, key=ptt.key,
                combination=str(toggle_combo))
    return found, problems


def find_problems(toggle: str | None, push_to_talk: str | None, *,
                  platform: str = sys.platform) -> dict[Role, HotkeyError]:
    """Every problem of a pair of settings, by role (for a settings dialog). None or ""
    means the hotkey is off."""
    return _check_pair(toggle, push_to_talk, platform)[1]


def check_hotkeys(toggle: str | None, push_to_talk: str | None, *,
                  platform: str = sys.platform,
                  ) -> tuple[KeyCombination | None, KeyCombination | None]:
    """Both settings checked together; None or "" turns a hotkey off. Raises the first
    HotkeyError (toggle's first); returns the (toggle, push_to_talk) combinations."""
    found, problems = _check_pair(toggle, push_to_talk, platform)
    for role in Role:
        if role in problems:
            raise problems[role]
    return found.get(Role.TOGGLE), found.get(Role.PUSH_TO_TALK)
