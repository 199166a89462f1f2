"""Key combinations: parsing what users and Qt write, the canonical and pynput forms, and
every reason a combination is refused."""

from __future__ import annotations

import sys

import pytest

from desktop_asr.dictation.keys import (
    MESSAGES,
    HotkeyError,
    KeyCombination,
    KeyKind,
    KeyProblem,
    Role,
    check_combination,
    check_hotkeys,
    find_problems,
    parse_combination,
)

LINUX = "linux"
MAC = "darwin"


def parse(text: str, platform: str = LINUX) -> KeyCombination:
    return parse_combination(text, platform=platform)


def refusal(text: str, role: Role = Role.TOGGLE, platform: str = LINUX) -> HotkeyError:
    with pytest.raises(HotkeyError) as caught:
        check_combination(text, role, platform=platform)
    return caught.value


# --- parsing ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "canonical"), [
    ("Ctrl+Alt+D", "Ctrl+Alt+D"),
    ("ctrl+alt+d", "Ctrl+Alt+D"),
    ("  Ctrl + Alt + d  ", "Ctrl+Alt+D"),
    ("Alt+Ctrl+D", "Ctrl+Alt+D"),  # order does not matter
    ("Control+Option+D", "Ctrl+Alt+D"),
    ("<ctrl>+<alt>+d", "Ctrl+Alt+D"),  # pynput's own syntax
    ("Ctrl+Shift+F9", "Ctrl+Shift+F9"),
    ("shift+ctrl+f9", "Ctrl+Shift+F9"),
    ("F8", "F8"),
    ("<f8>", "F8"),
    ("Meta+Space", "Meta+Space"),
    ("Super+space", "Meta+Space"),
    ("Win+F8", "Meta+F8"),
    ("Cmd+D", "Meta+D"),  # the Windows/Super key outside macOS
    ("Meta+Ctrl+Alt+Shift+D", "Meta+Ctrl+Alt+Shift+D"),  # Qt's modifier order
    ("Shift+Alt+Ctrl+Meta+D", "Meta+Ctrl+Alt+Shift+D"),
    ("Pause", "Pause"),
    ("Break", "Pause"),
    ("Scroll Lock", "ScrollLock"),
    ("scroll_lock", "ScrollLock"),
    ("Page Up", "PgUp"),
    ("Ctrl+Escape", "Ctrl+Esc"),
    ("Ctrl+Enter", "Ctrl+Return"),
    ("Print Screen", "Print"),
    ("Right Ctrl", "Right Ctrl"),
    ("RCtrl", "Right Ctrl"),
    ("ctrl_r", "Right Ctrl"),
    ("<ctrl_r>", "Right Ctrl"),
    ("Control_R", "Right Ctrl"),
    ("AltGr", "Right Alt"),
    ("Right Shift", "Right Shift"),
    ("Ctrl+Alt+1", "Ctrl+Alt+1"),
    ("Ctrl+,", "Ctrl+,"),
    # Characters typed with Shift (US layout) become Shift + their key.
    ("Ctrl+!", "Ctrl+Shift+1"),
    ("Ctrl+Shift+!", "Ctrl+Shift+1"),
    ("Ctrl++", "Ctrl+Shift+="),
    ("Alt+?", "Alt+Shift+/"),
])
def test_canonical_form(text, canonical):
    assert str(parse(text)) == canonical


def test_canonical_form_is_what_qt_writes():
    """The canonical text is Qt's PortableText: QKeySequence reads it back unchanged."""
    qt = pytest.importorskip("PySide6.QtGui")
    for text in ("Ctrl+Alt+D", "Meta+Ctrl+Alt+Shift+D", "Ctrl+Shift+F9", "F8", "Pause",
                 "ScrollLock", "Meta+Space", "Ctrl+PgUp", "Alt+Ins", "Ctrl+Return",
                 "Ctrl+Shift+1"):
        canonical = str(parse(text))
        assert qt.QKeySequence(canonical).toString() == canonical


def test_cmd_means_qt_ctrl_on_macos():
    # On macOS Qt's "Ctrl" is the Command key: "Cmd+D" typed there is Qt's "Ctrl+D".
    assert str(parse("Cmd+D", MAC)) == "Ctrl+D"
    assert str(parse("<cmd>+d", MAC)) == "Ctrl+D"


@pytest.mark.parametrize(("text", "pynput"), [
    ("Ctrl+Alt+D", "<ctrl>+<alt>+d"),
    ("Ctrl+Shift+F9", "<ctrl>+<shift>+<f9>"),
    ("F8", "<f8>"),
    ("Meta+Space", "<cmd>+<space>"),
    ("Meta+Ctrl+Alt+Shift+D", "<ctrl>+<alt>+<shift>+<cmd>+d"),
    ("Pause", "<pause>"),
    ("ScrollLock", "<scroll_lock>"),
    ("Ctrl+PgDown", "<ctrl>+<page_down>"),
    ("Right Ctrl", "<ctrl_r>"),
    ("Ctrl+Alt+1", "<ctrl>+<alt>+1"),
])
def test_pynput_form(text, pynput):
    assert parse(text).to_pynput(LINUX) == pynput


def test_pynput_form_on_macos_swaps_ctrl_and_meta():
    assert parse("Ctrl+Alt+D", MAC).to_pynput(MAC) == "<cmd>+<alt>+d"
    assert parse("Meta+F9", MAC).to_pynput(MAC) == "<ctrl>+<f9>"
    assert parse("Right Ctrl", MAC).to_pynput(MAC) == "<cmd_r>"


def test_pynput_form_is_accepted_by_pynput(monkeypatch):
    """pynput's own parser reads every part we write. (Its dummy backend needs no display;
    there all keys compare equal, so the parts are parsed one by one.)"""
    loaded = {name for name in sys.modules if name.startswith("pynput")}
    for name in loaded:  # the backend is chosen on import: start from scratch (restored after)
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setenv("PYNPUT_BACKEND", "dummy")
    try:
        keyboard = pytest.importorskip("pynput.keyboard")
        for text in ("Ctrl+Alt+D", "Ctrl+Shift+F9", "F20", "Meta+Space", "Pause",
                     "ScrollLock", "Right Ctrl", "Ctrl+Alt+1", "Ctrl+Shift+=", "Alt+Ins",
                     "Ctrl+Menu", "Ctrl+PgUp", "Alt+Esc+Shift"):
            parts = parse(text).to_pynput(LINUX).split("+")
            assert len(parts) == len(parse(text).modifiers) + 1
            for part in parts:
                assert keyboard.HotKey.parse(part), part
    finally:  # leave no dummy backend behind for the tests that listen for real
        for name in [n for n in sys.modules if n.startswith("pynput")]:
            del sys.modules[name]


def test_kinds():
    assert parse("Ctrl+D").kind is KeyKind.CHARACTER
    assert parse("Ctrl+Space").kind is KeyKind.TYPING
    assert parse("F9").kind is KeyKind.FUNCTION
    assert parse("Right Alt").kind is KeyKind.SIDE_MODIFIER
    assert parse("Ctrl+Shift").kind is None


# --- refusals: syntax ------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   "])
def test_empty_is_refused(text):
    error = refusal(text)
    assert error.code is KeyProblem.EMPTY
    assert str(error) == "No key combination was given."


def test_a_sequence_is_refused():
    error = refusal("Ctrl+K, Ctrl+D")
    assert error.code is KeyProblem.SEQUENCE
    assert "Ctrl+K, Ctrl+D" in str(error)


@pytest.mark.parametrize(("text", "name"), [("Ctrl+Foo", "Foo"), ("Hyper+D", "Hyper"),
                                            ("Ctrl+Media Play", "Media Play")])
def test_unknown_key_names_are_refused_naming_the_key(text, name):
    error = refusal(text)
    assert error.code is KeyProblem.UNKNOWN_KEY
    assert f"“{name}”" in str(error)
    assert error.role is Role.TOGGLE


def test_function_keys_beyond_f20_are_refused():
    error = refusal("F24")
    assert error.code is KeyProblem.UNSUPPORTED_KEY
    assert "F20" in str(error)


def test_two_ordinary_keys_are_refused():
    error = refusal("Ctrl+A+B")
    assert error.code is KeyProblem.TWO_KEYS
    assert (error.values["first"], error.values["second"]) == ("A", "B")


# --- refusals: rules -------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["Ctrl+Shift", "Ctrl", "Alt+Shift", "Ctrl+Alt+Shift", "Shift"])
def test_only_modifiers_are_refused(text):
    error = refusal(text)
    assert error.code is KeyProblem.ONLY_MODIFIERS
    assert "only modifier keys" in str(error)


@pytest.mark.parametrize("text", ["d", "D", "1", ",", "Shift+D", "Shift+1", "Space", "Return",
                                  "Shift+Tab", "Backspace", "Esc", "Del", "Left", "Shift+End"])
@pytest.mark.parametrize("role", list(Role))
def test_keys_used_while_typing_need_ctrl_alt_or_meta(text, role):
    error = refusal(text, role)
    assert error.code is KeyProblem.TYPES_TEXT
    assert "while you type" in str(error)


@pytest.mark.parametrize("text", ["Ctrl+Alt+Del", "Ctrl+Alt+Delete", "Alt+F4", "Alt+Tab",
                                  "Alt+Shift+Tab", "Ctrl+Shift+Esc", "Ctrl+Esc", "Meta",
                                  "Super", "Right Meta", "Meta+L", "Ctrl+Alt+F2",
                                  "Ctrl+Alt+Backspace", "Alt+Space"])
def test_combinations_the_system_reserves_are_refused(text):
    error = refusal(text)
    assert error.code is KeyProblem.RESERVED
    assert "reserved by the system" in str(error)


@pytest.mark.parametrize("text", ["Ctrl+Space", "Meta+Space", "Ctrl+Shift+F", "Ctrl+."])
def test_input_method_switches_are_refused(text):
    assert refusal(text).code is KeyProblem.INPUT_METHOD


@pytest.mark.parametrize("text", ["CapsLock", "Ctrl+CapsLock", "NumLock"])
def test_lock_keys_are_refused(text):
    error = refusal(text, Role.PUSH_TO_TALK)
    assert error.code is KeyProblem.LOCK_KEY


@pytest.mark.parametrize("text", ["Print", "Ctrl+Print", "Shift+Print"])
def test_print_is_refused(text):
    assert refusal(text).code is KeyProblem.SCREENSHOT


def test_a_lone_right_modifier_is_push_to_talk_only():
    assert str(check_combination("Right Ctrl", Role.PUSH_TO_TALK, platform=LINUX)) == \
        "Right Ctrl"
    assert str(check_combination("Right Shift", Role.PUSH_TO_TALK, platform=LINUX)) == \
        "Right Shift"
    assert refusal("Right Ctrl", Role.TOGGLE).code is KeyProblem.LONE_MODIFIER
    assert refusal("Left Ctrl", Role.PUSH_TO_TALK).code is KeyProblem.LONE_MODIFIER
    assert refusal("Alt+Right Ctrl", Role.PUSH_TO_TALK).code is KeyProblem.LONE_MODIFIER


@pytest.mark.parametrize("text", ["F8", "F9", "F1", "F20", "Pause", "ScrollLock", "Menu",
                                  "Shift+F9", "Ctrl+Alt+D", "Meta+Ctrl+Alt+Shift+D",
                                  "Ctrl+Return", "Alt+Shift+1"])
@pytest.mark.parametrize("role", list(Role))
def test_allowed_combinations(text, role):
    assert str(check_combination(text, role, platform=LINUX)) == str(parse(text))


# --- the pair ------------------------------------------------------------------------------
def test_the_same_combination_for_both_is_a_conflict():
    problems = find_problems("Ctrl+Alt+D", "ctrl+alt+d", platform=LINUX)
    assert list(problems) == [Role.PUSH_TO_TALK]
    error = problems[Role.PUSH_TO_TALK]
    assert error.code is KeyProblem.SAME_COMBINATION
    assert "Ctrl+Alt+D" in str(error)
    with pytest.raises(HotkeyError, match="both use Ctrl\\+Alt\\+D"):
        check_hotkeys("Ctrl+Alt+D", "<ctrl>+<alt>+d", platform=LINUX)


def test_push_to_talk_modifier_inside_the_toggle_is_a_conflict():
    problems = find_problems("Ctrl+Alt+D", "Right Ctrl", platform=LINUX)
    assert problems[Role.PUSH_TO_TALK].code is KeyProblem.OVERLAP
    assert find_problems("Alt+Shift+D", "Right Ctrl", platform=LINUX) == {}


def test_problems_are_reported_per_role():
    problems = find_problems("Ctrl+Shift", "d", platform=LINUX)
    assert problems[Role.TOGGLE].code is KeyProblem.ONLY_MODIFIERS
    assert problems[Role.PUSH_TO_TALK].code is KeyProblem.TYPES_TEXT
    assert problems[Role.PUSH_TO_TALK].role is Role.PUSH_TO_TALK


def test_check_hotkeys_returns_both_and_none_means_off():
    toggle, ptt = check_hotkeys("ctrl+alt+d", "F9", platform=LINUX)
    assert (str(toggle), str(ptt)) == ("Ctrl+Alt+D", "F9")
    assert check_hotkeys(None, "", platform=LINUX) == (None, None)
    assert check_hotkeys("Ctrl+Alt+D", None, platform=LINUX)[1] is None


def test_check_hotkeys_raises_the_toggle_problem_first():
    with pytest.raises(HotkeyError) as caught:
        check_hotkeys("Ctrl+Shift", "d", platform=LINUX)
    assert caught.value.role is Role.TOGGLE


def test_every_problem_has_a_sentence():
    assert set(MESSAGES) == set(KeyProblem)
    for template in MESSAGES.values():
        assert template[0].isupper() or template[0] in "{“"
        assert template.endswith(".")
