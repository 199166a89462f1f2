"""The real ``desktop-asr vocab`` command in subprocesses, with its own config dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_asr.cli import main
from tests.integration.conftest import assert_one_clean_error_line

pytestmark = pytest.mark.integration

EXPECTED = [
    {"word": "不二家", "sounds_like": ["bu er jia", "步二家"]},
    {"word": "Kubernetes", "sounds_like": ["kuber netes"]},
    {"word": "O'Reilly, Inc.", "sounds_like": ["o reilly"]},
]

SOURCES = {
    "csv": ("src.csv", "word,sounds_like\n不二家,bu er jia;步二家\nKubernetes,kuber netes\n"
                       ',orphan\n"O\'Reilly, Inc.",o reilly\n',
            "4: no word before the hints; skipped"),
    "json": ("src.json", '[\n  {"word": "不二家", "sounds_like": ["bu er jia", "步二家"]},\n'
                         '  {"word": "Kubernetes", "sounds_like": ["kuber netes"]},\n'
                         '  {"text": "orphan"},\n'
                         '  {"word": "O\'Reilly, Inc.", "sounds_like": ["o reilly"]}\n]\n',
             '4: item 3 is neither a word nor a {"word": ...} object; skipped'),
    "txt": ("src.txt", "# my words\n不二家: bu er jia, 步二家\nKubernetes: kuber netes\n"
                       ": orphan\nO'Reilly, Inc.: o reilly\n",
            "4: no word before the ':'; skipped"),
    "capswriter": ("hot-rule.txt", "# rules\n不二家\nbu er jia = 不二家\n步二家 = 不二家\n"
                                   "kuber netes = Kubernetes\n(艾特)\\s*点 = @.\n"
                                   "o reilly = O'Reilly, Inc.\n",
                   "6: regular-expression rules are not supported; skipped"),
}
EXPORT_NAMES = {"csv": "out.csv", "json": "out.json", "txt": "out.txt",
                "capswriter": "exported.txt"}


def stored_lists(tmp_path: Path, config: str = "config") -> dict[str, dict]:
    path = tmp_path / config / "desktop-asr" / "vocabulary.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    return {vlist["name"]: vlist for vlist in data["lists"]}


def _round_trip(run_cli, tmp_path: Path, fmt: str) -> None:
    """Import the hand-written file, export the list, import the export into a new list."""
    env = {"XDG_CONFIG_HOME": str(tmp_path / f"config-{fmt}")}
    name, text, problem = SOURCES[fmt]
    folder = tmp_path / fmt
    folder.mkdir()
    source = folder / name
    source.write_text(text, encoding="utf-8")

    result = run_cli("vocab", "import", "src", str(source), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("Created vocabulary list src.\n"
                             "Imported 3 words into src (1 problem).\n")
    assert result.stderr == f"{source}:{problem}\n"

    exported = folder / EXPORT_NAMES[fmt]
    extra = ["--format", "capswriter"] if fmt == "capswriter" else []
    result = run_cli("vocab", "export", "src", str(exported), *extra, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Exported 3 words from src to {exported} ({fmt}).\n"

    result = run_cli("vocab", "import", "copy", str(exported), *extra, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("Imported 3 words into copy (0 problems).\n")
    assert result.stderr == ""

    lists = stored_lists(tmp_path, f"config-{fmt}")
    assert lists["src"]["entries"] == EXPECTED, fmt
    assert lists["copy"]["entries"] == EXPECTED, fmt
    assert lists["copy"]["correct"] is True


@pytest.mark.parametrize("fmt", list(SOURCES))
def test_import_export_and_reimport_each_format(run_cli, tmp_path, fmt):
    _round_trip(run_cli, tmp_path, fmt)


# --- the other actions, in process (same main(), same store; faster than a process each) ---
@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("DESKTOP_ASR_DEBUG", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_managing_a_list(cli, tmp_path):
    assert cli("vocab", "create", "tech") == (0, "Created vocabulary list tech.\n", "")
    assert cli("vocab", "add", "tech", "Kubernetes", "--sounds-like", "kuber netes",
               "--sounds-like", "koo ber") == (
        0, "Kubernetes (sounds like: kuber netes, koo ber) is in tech.\n", "")
    cli("vocab", "add", "tech", "vLLM")
    assert cli("vocab", "correct", "tech", "off") == (
        0, "Post-correction of transcripts with tech is now off.\n", "")

    code, out, _ = cli("vocab", "list", "--json")
    assert json.loads(out) == [{"name": "tech", "words": 2, "correct": False}]
    assert cli("vocab", "show", "tech")[1] == (
        "tech: 2 words, correction off\n"
        "  Kubernetes  (sounds like: kuber netes, koo ber)\n"
        "  vLLM\n")
    code, out, _ = cli("vocab", "show", "tech", "--json")
    assert json.loads(out) == {"name": "tech", "correct": False, "entries": [
        {"word": "Kubernetes", "sounds_like": ["kuber netes", "koo ber"]},
        {"word": "vLLM", "sounds_like": []}]}

    assert cli("vocab", "remove", "tech", "vLLM")[0] == 0
    assert cli("vocab", "remove", "tech", "vLLM") == (
        1, "", "desktop-asr: The vocabulary list 'tech' has no word 'vLLM'.\n")
    assert cli("vocab", "delete", "tech") == (
        0, "Deleted vocabulary list tech (1 word).\n", "")
    code, out, err = cli("vocab", "show", "tech")
    assert code == 1
    assert "no vocabulary list named 'tech'" in assert_one_clean_error_line(err)
    assert stored_lists(tmp_path) == {}


def test_import_merges_into_an_existing_list_or_replaces_it(cli, tmp_path):
    source = tmp_path / "more.txt"
    source.write_text("Kubernetes: k8s\nQwen\n", encoding="utf-8")
    cli("vocab", "create", "tech")
    cli("vocab", "add", "tech", "Kubernetes", "--sounds-like", "kuber netes")
    assert cli("vocab", "import", "tech", str(source)) == (
        0, "Imported 2 words into tech (0 problems).\n", "")
    assert stored_lists(tmp_path)["tech"]["entries"] == [
        {"word": "Kubernetes", "sounds_like": ["kuber netes", "k8s"]},
        {"word": "Qwen", "sounds_like": []}]
    cli("vocab", "import", "tech", str(source), "--replace")
    assert stored_lists(tmp_path)["tech"]["entries"] == [
        {"word": "Kubernetes", "sounds_like": ["k8s"]}, {"word": "Qwen", "sounds_like": []}]


def test_an_import_without_usable_words_fails_and_creates_nothing(cli, tmp_path):
    source = tmp_path / "rules.txt"
    source.write_text("(a|b) = c\n", encoding="utf-8")
    code, out, err = cli("vocab", "import", "empty", str(source))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{source}:1: regular-expression rules are not supported; skipped",
        f"desktop-asr: {source} holds no usable words; nothing was imported.",
    ]
    assert cli("vocab", "list", "--json")[1].strip() == "[]"
    code, _, err = cli("vocab", "import", "x", str(tmp_path / "missing.csv"))
    assert code == 1
    assert "missing.csv does not exist" in assert_one_clean_error_line(err)


def test_a_corrupt_store_is_reported_and_kept(cli, run_cli, tmp_path):
    path = tmp_path / "config" / "desktop-asr" / "vocabulary.json"
    path.parent.mkdir(parents=True)
    path.write_text('{\n  "lists": [\n', encoding="utf-8")
    result = run_cli("vocab", "create", "x")  # the real command, once
    assert result.returncode == 1
    line = assert_one_clean_error_line(result.stderr)
    assert str(path) in line
    assert "line 3" in line
    code, _, err = cli("vocab", "list")
    assert code == 1
    assert assert_one_clean_error_line(err) == line
    assert path.read_text(encoding="utf-8") == '{\n  "lists": [\n'


def test_usage_errors_exit_2(cli):
    assert cli("vocab")[0] == 2
    with pytest.raises(SystemExit) as info:
        cli("vocab", "correct", "x", "maybe")
    assert info.value.code == 2
