"""``desktop-asr vocab ...``: vocabulary lists, their files, and post-correction."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_asr.errors import AsrError
from desktop_asr.stores.vocabulary_files import FORMATS, export_vocabulary, import_vocabulary
from desktop_asr.stores.vocabulary_store import VocabularyStore
from desktop_asr.text.vocabulary import VocabularyEntry, VocabularyList, make_entry


def add_parser(commands: Any) -> None:
    p: argparse.ArgumentParser = commands.add_parser(
        "vocab", help="vocabulary lists (words that bias recognition and fix transcripts)",
        description="Vocabulary lists: words sent to the server as context, and used to "
        "correct transcripts (a word replaces what it sounds like).",
    )
    p.set_defaults(run=lambda args: _help(p))
    sub = p.add_subparsers(dest="vocab_command", metavar="ACTION")

    c = sub.add_parser("list", help="the lists, with their sizes")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(run=_wrap(_list))

    c = sub.add_parser("show", help="the words of a list")
    c.add_argument("name", metavar="NAME")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(run=_wrap(_show))

    c = sub.add_parser("create", help="create an empty list")
    c.add_argument("name", metavar="NAME")
    c.set_defaults(run=_wrap(_create))

    c = sub.add_parser("import", help="add the words of a file to a list (created if missing)",
                       description="Add the words of a CSV, JSON, TXT or CapsWriter-Offline "
                       "hot-word file to a list; lines that cannot be used are reported.")
    c.add_argument("name", metavar="NAME")
    c.add_argument("file", metavar="FILE")
    c.add_argument("--format", choices=FORMATS,
                   help="the file's format (default: from its name; hot*.txt is capswriter)")
    c.add_argument("--create", action="store_true",
                   help="create the list if it is missing (always done; kept for scripts)")
    c.add_argument("--replace", action="store_true",
                   help="replace the list's words instead of adding to them")
    c.set_defaults(run=_wrap(_import))

    c = sub.add_parser("export", help="write a list to a file")
    c.add_argument("name", metavar="NAME")
    c.add_argument("file", metavar="FILE")
    c.add_argument("--format", choices=FORMATS, help="default: from the file name")
    c.set_defaults(run=_wrap(_export))

    c = sub.add_parser("add", help="add a word (or more hints to a word) to a list")
    c.add_argument("name", metavar="NAME")
    c.add_argument("word", metavar="WORD")
    c.add_argument("--sounds-like", action="append", default=[], metavar="HINT",
                   help="what the word sounds like or is misheard as; repeatable")
    c.set_defaults(run=_wrap(_add))

    c = sub.add_parser("remove", help="remove a word from a list")
    c.add_argument("name", metavar="NAME")
    c.add_argument("word", metavar="WORD")
    c.set_defaults(run=_wrap(_remove))

    c = sub.add_parser("delete", help="delete a list")
    c.add_argument("name", metavar="NAME")
    c.set_defaults(run=_wrap(_delete))

    c = sub.add_parser("correct", help="turn post-correction of transcripts with a list on "
                       "or off")
    c.add_argument("name", metavar="NAME")
    c.add_argument("state", choices=("on", "off"))
    c.set_defaults(run=_wrap(_correct))


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _wrap(action: Callable[[argparse.Namespace, VocabularyStore], int],
          ) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return action(args, VocabularyStore())
        except AsrError as exc:
            print(f"desktop-asr: {exc}", file=sys.stderr)
            return 1
    return run


def _words(n: int) -> str:
    return f"{n:,} word" + ("" if n == 1 else "s")


def _state(vlist: VocabularyList) -> str:
    return "correction on" if vlist.correct else "correction off"


def _list(args: argparse.Namespace, store: VocabularyStore) -> int:
    lists = store.lists()
    if args.json:
        print(json.dumps([{"name": v.name, "words": len(v.entries), "correct": v.correct}
                          for v in lists], ensure_ascii=False, indent=2))
    elif not lists:
        print("No vocabulary lists yet: create one with `desktop-asr vocab create NAME` or "
              "`desktop-asr vocab import NAME FILE`.")
    else:
        width = max(len(v.name) for v in lists)
        for v in lists:
            print(f"{v.name:<{width}}  {_words(len(v.entries))}, {_state(v)}")
    return 0


def _show(args: argparse.Namespace, store: VocabularyStore) -> int:
    vlist = store.get(args.name)
    if args.json:
        print(json.dumps({"name": vlist.name, "correct": vlist.correct,
                          "entries": [e.as_seed_dict() for e in vlist.entries]},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"{vlist.name}: {_words(len(vlist.entries))}, {_state(vlist)}")
    for entry in vlist.entries:
        hints = f"  (sounds like: {', '.join(entry.sounds_like)})" if entry.sounds_like else ""
        print(f"  {entry.word}{hints}")
    return 0


def _create(args: argparse.Namespace, store: VocabularyStore) -> int:
    vlist = store.create(args.name)
    print(f"Created vocabulary list {vlist.name}.")
    return 0


def _import(args: argparse.Namespace, store: VocabularyStore) -> int:
    path = Path(args.file)
    result = import_vocabulary(path, args.format)
    for problem in result.problems:
        where = f"{path}:{problem.line}" if problem.line else str(path)
        print(f"{where}: {problem.message}", file=sys.stderr)
    if not result.entries:
        print(f"desktop-asr: {path} holds no usable words; nothing was imported.",
              file=sys.stderr)
        return 1
    saved, created = store.import_entries(args.name, result.entries, replace_all=args.replace)
    if created:
        print(f"Created vocabulary list {saved.name}.")
    count = len(result.problems)
    problems = f"{count} problem" + ("" if count == 1 else "s")
    print(f"Imported {_words(len(result.entries))} into {saved.name} ({problems}).")
    return 0


def _export(args: argparse.Namespace, store: VocabularyStore) -> int:
    vlist = store.get(args.name)
    fmt = export_vocabulary(vlist.entries, Path(args.file), args.format)
    print(f"Exported {_words(len(vlist.entries))} from {vlist.name} to {args.file} ({fmt}).")
    return 0


def _add(args: argparse.Namespace, store: VocabularyStore) -> int:
    entry: VocabularyEntry = make_entry(args.word, args.sounds_like)
    stored = store.add(args.name, entry)
    hints = f" (sounds like: {', '.join(stored.sounds_like)})" if stored.sounds_like else ""
    print(f"{stored.word}{hints} is in {store.get(args.name).name}.")
    return 0


def _remove(args: argparse.Namespace, store: VocabularyStore) -> int:
    store.remove_word(args.name, args.word)
    print(f"Removed {' '.join(args.word.split())} from {store.get(args.name).name}.")
    return 0


def _delete(args: argparse.Namespace, store: VocabularyStore) -> int:
    deleted = store.delete(args.name)
    print(f"Deleted vocabulary list {deleted.name} ({_words(len(deleted.entries))}).")
    return 0


def _correct(args: argparse.Namespace, store: VocabularyStore) -> int:
    changed = store.set_correct(args.name, args.state == "on")
    print(f"Post-correction of transcripts with {changed.name} is now {args.state}.")
    return 0
