"""The app settings file (desktop_asr/core/app_settings.py): defaults, round trip, and every
way a hand-edited file can be wrong, reported with the file and the line."""

from __future__ import annotations

import json
import stat
from dataclasses import fields

import pytest

from desktop_asr.errors import ConfigFileError, InputError
from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore


@pytest.fixture
def path(tmp_path):
    return tmp_path / "conf" / "settings.json"


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_no_file_gives_the_defaults(path):
    settings = AppSettingsStore(path).load()
    assert settings == AppSettings(input_device=None, auto_copy=True, auto_save_dir=None,
                                   auto_save_format="text", start_at_login=False,
                                   interface_language="system", notify_when_hidden=True,
                                   recent_count=5)
    assert not path.exists()  # loading never writes


def test_the_default_file_is_in_the_config_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert AppSettingsStore().path == tmp_path / "xdg" / "desktop-asr" / "settings.json"


def test_save_then_load_round_trips_privately(path):
    settings = AppSettings(input_device="USB 麦克风", auto_copy=False, auto_save_dir="/data/t",
                           auto_save_format="srt", start_at_login=True,
                           interface_language="zh_CN", notify_when_hidden=False,
                           recent_count=20, dictation_toggle="Ctrl+Shift+F9",
                           dictation_push_to_talk="F8", dictation_output="type",
                           dictation_ending="newline", auto_stop_silence=2.5,
                           show_indicator=True, play_sounds=True)
    AppSettingsStore(path).save(settings)
    assert AppSettingsStore(path).load() == settings
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"schema_version": 1, "input_device": "USB 麦克风", "auto_copy": False,
                    "auto_save_dir": "/data/t", "auto_save_format": "srt",
                    "start_at_login": True, "interface_language": "zh_CN",
                    "notify_when_hidden": False, "recent_count": 20,
                    "dictation_toggle": "Ctrl+Shift+F9", "dictation_push_to_talk": "F8",
                    "dictation_output": "type", "dictation_ending": "newline",
                    "auto_stop_silence": 2.5, "show_indicator": True, "play_sounds": True,
                    "last_save_dir": None, "last_save_format": "text"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "麦克风" in path.read_text(encoding="utf-8")  # readable, not \u-escaped


def test_unknown_keys_are_ignored_and_null_means_the_default(path):
    write(path, json.dumps({"schema_version": 1, "future_option": [1, 2], "auto_copy": None,
                            "recent_count": 3}))
    assert AppSettingsStore(path).load() == AppSettings(recent_count=3)


def test_a_file_without_schema_version_is_read(path):
    write(path, '{"auto_copy": false}')
    assert AppSettingsStore(path).load() == AppSettings(auto_copy=False)


def test_broken_json_names_the_file_and_line(path):
    write(path, '{\n  "auto_copy": true,\n  "recent_count": 5,,\n}\n')
    with pytest.raises(ConfigFileError) as caught:
        AppSettingsStore(path).load()
    assert str(path) in str(caught.value)
    assert caught.value.line == 3
    assert "line 3" in str(caught.value)


@pytest.mark.parametrize(("key", "value", "words"), [
    ("input_device", 3, "'input_device' must be text, not 3"),
    ("auto_copy", "yes", "'auto_copy' must be true or false, not \"yes\""),
    ("auto_save_dir", False, "'auto_save_dir' must be text, not false"),
    ("auto_save_format", ["srt"], "'auto_save_format' must be text"),
    ("start_at_login", 1, "'start_at_login' must be true or false, not 1"),
    ("interface_language", {}, "'interface_language' must be text"),
    ("notify_when_hidden", "false", "'notify_when_hidden' must be true or false"),
    ("recent_count", 2.5, "'recent_count' must be a whole number, not 2.5"),
    ("recent_count", True, "'recent_count' must be a whole number, not true"),
    ("auto_save_format", "docx", "Unknown auto-save format 'docx'"),
    ("interface_language", "fr", "Unknown interface language 'fr'"),
    ("recent_count", 21, "from 0 to 20, not 21"),
    ("recent_count", -1, "from 0 to 20, not -1"),
])
def test_a_wrong_value_names_the_file_the_key_and_the_line(path, key, value, words):
    write(path, '{\n  "schema_version": 1,\n  "auto_copy": true,\n  '
                f'"{key}": {json.dumps(value)}\n}}\n')
    with pytest.raises(ConfigFileError) as caught:
        AppSettingsStore(path).load()
    message = str(caught.value)
    assert words in message
    line = 3 if key == "auto_copy" else 4
    assert message.startswith(f"The settings file {path}, line {line}: '{key}'")
    assert caught.value.line == line
    assert caught.value.path == str(path)


def test_every_field_has_a_type_check(path):
    # each field given a JSON value of the wrong kind is refused (none is forgotten)
    for f in fields(AppSettings):
        wrong = [] if f.name != "input_device" else {}
        write(path, json.dumps({f.name: wrong}))
        with pytest.raises(ConfigFileError, match=f"'{f.name}' must be"):
            AppSettingsStore(path).load()


@pytest.mark.parametrize("text", ["[]", '"x"', "3"])
def test_a_file_that_is_not_an_object_is_refused(path, text):
    write(path, text)
    with pytest.raises(ConfigFileError, match="must hold a JSON object"):
        AppSettingsStore(path).load()


def test_a_newer_file_asks_for_an_update(path):
    write(path, '{"schema_version": 2}')
    with pytest.raises(ConfigFileError, match="comes from a newer desktop-asr"):
        AppSettingsStore(path).load()


def test_saving_over_a_broken_file_keeps_a_copy(path):
    write(path, "{not json")
    AppSettingsStore(path).save(AppSettings(recent_count=7))
    assert AppSettingsStore(path).load() == AppSettings(recent_count=7)
    assert path.with_name("settings.json.bak").read_text() == "{not json"


def test_values_are_normalised_and_checked():
    assert AppSettings(input_device="  ", auto_save_dir=" /x ").input_device is None
    assert AppSettings(auto_save_dir=" /x ").auto_save_dir == "/x"
    with pytest.raises(InputError, match="Unknown auto-save format"):
        AppSettings(auto_save_format="txt")  # the export format is "text"
    with pytest.raises(InputError, match="whole number"):
        AppSettings(recent_count=True)


def test_dictation_defaults_and_refusals():
    defaults = AppSettings()
    assert defaults.dictation_toggle == "Ctrl+Alt+D"  # the default
    assert defaults.dictation_push_to_talk is None  # off until the user picks a key
    assert defaults.dictation_output == "paste"  # typing breaks under Chinese input methods
    assert AppSettings(dictation_toggle="  ").dictation_toggle is None
    for wrong, words in (({"dictation_output": "shout"}, "dictation output"),
                         ({"dictation_ending": "tab"}, "text ending"),
                         ({"auto_stop_silence": 0.1}, "0.5 to 60 seconds")):
        with pytest.raises(InputError, match=words):
            AppSettings(**wrong)


def test_a_dictation_key_turned_off_stays_off(path):
    AppSettingsStore(path).save(AppSettings(dictation_toggle=None, dictation_push_to_talk="F8"))
    assert json.loads(path.read_text(encoding="utf-8"))["dictation_toggle"] is None
    loaded = AppSettingsStore(path).load()
    assert loaded.dictation_toggle is None  # not the default Ctrl+Alt+D again
    assert loaded.dictation_push_to_talk == "F8"
    write(path, "{}")
    assert AppSettingsStore(path).load().dictation_toggle == "Ctrl+Alt+D"  # absent: default
