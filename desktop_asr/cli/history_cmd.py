"""``desktop-asr history ...``: list, search, show, export and delete past transcriptions,
and set how long recordings' audio is kept."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_asr.cli.common import fail
from desktop_asr.errors import AsrError
from desktop_asr.stores.history.entry import HistoryEntry, Retention
from desktop_asr.stores.history.search import Snippet, parse_query
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.text.export import FORMATS, export

LIST_LIMIT = 20
SUMMARY_CHARS = 60


def add_parser(commands: Any) -> None:
    p: argparse.ArgumentParser = commands.add_parser(
        "history", help="past transcriptions: list, search, show, export, delete",
        description="Every transcription, from this command line or the app, is kept in "
        "a database under the user data folder.",
    )
    p.set_defaults(run=lambda args: _usage(p))
    actions = p.add_subparsers(dest="history_action", metavar="ACTION")

    sp = actions.add_parser("list", help="the newest entries first")
    sp.add_argument("--limit", type=entry_count, default=LIST_LIMIT, metavar="N",
                    help=f"show at most N entries (default {LIST_LIMIT})")
    sp.add_argument("--json", action="store_true", help="one JSON array of entries")
    sp.set_defaults(run=with_store(_list))

    sp = actions.add_parser("search", help="entries whose text or source contain every word",
                            description="Find entries whose text or source name contains "
                            "every word of QUERY, ignoring case; Chinese needs no spaces. "
                            'Put "several words" in double quotes to find them together.')
    sp.add_argument("query", metavar="QUERY")
    sp.add_argument("--limit", type=entry_count, default=LIST_LIMIT, metavar="N",
                    help=f"show at most N entries (default {LIST_LIMIT})")
    sp.add_argument("--json", action="store_true", help="one JSON array of entries")
    sp.set_defaults(run=with_store(_search))

    sp = actions.add_parser("show", help="every field and the full text of one entry")
    sp.add_argument("id", type=entry_id, metavar="ID")
    sp.add_argument("--json", action="store_true", help="the entry as a JSON object")
    sp.set_defaults(run=with_store(_show))

    sp = actions.add_parser("export", help="write one transcript as text, SRT, VTT, JSON "
                            "or Markdown")
    sp.add_argument("id", type=entry_id, metavar="ID")
    sp.add_argument("--format", choices=FORMATS, default="text", help="default: text")
    sp.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    sp.set_defaults(run=with_store(_export))

    sp = actions.add_parser("delete", help="forget one entry and delete its kept audio")
    sp.add_argument("id", type=entry_id, metavar="ID")
    sp.set_defaults(run=with_store(_delete))

    sp = actions.add_parser("retention", help="show or set how long recordings' audio is "
                            "kept: all, none, or a number of days")
    sp.add_argument("value", nargs="?", metavar="all|none|DAYS")
    sp.set_defaults(run=with_store(_retention))

    sp = actions.add_parser("rerun", help="transcribe an entry's source again, as a new "
                            "entry", description="Transcribe the file, URL or kept recording "
                            "of entry ID again, with its profile or another one, and keep the "
                            "result as a new entry. The text goes to stdout.")
    sp.add_argument("id", type=entry_id, metavar="ID")
    sp.add_argument("--profile", metavar="NAME",
                    help="use this profile (default: the entry's, else the default profile)")
    sp.add_argument("--format", choices=FORMATS, default="text", help="default: text")
    sp.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    sp.set_defaults(run=with_store(_rerun))


# --- argument types and the shared frame ---------------------------------------------------
def entry_id(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"ID must be an entry number such as 12, not {text!r}")
    return int(text)


def entry_count(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"N must be a whole number of 1 or more, not {text!r}")
    return int(text)


def with_store(action: Callable[[HistoryStore, argparse.Namespace], int],
               ) -> Callable[[argparse.Namespace], int]:
    """Run ``action`` with the user's history open; an AsrError becomes one line, exit 1."""

    def run(args: argparse.Namespace) -> int:
        try:
            with HistoryStore() as store:
                return action(store, args)
        except AsrError as exc:
            return fail(str(exc))

    return run


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


# --- the actions ---------------------------------------------------------------------------
def _list(store: HistoryStore, args: argparse.Namespace) -> int:
    entries = store.list(limit=args.limit)
    if args.json:
        _print_json([e.to_dict() for e in entries])
    elif not entries:
        print("The history is empty.", file=sys.stderr)
    else:
        _print_table([_columns(e, _summary(e)) for e in entries])
    return 0


def _search(store: HistoryStore, args: argparse.Namespace) -> int:
    try:
        parse_query(args.query)
    except AsrError as exc:  # an empty query
        return fail(f"history search: {exc}", 2)
    hits = store.search(args.query, limit=args.limit, snippet_chars=SUMMARY_CHARS)
    if args.json:
        _print_json([{**h.entry.to_dict(), "snippet": h.snippet.text,
                      "highlights": [list(span) for span in h.snippet.highlights]}
                     for h in hits])
    elif not hits:
        print(f"No history entry matches {args.query}.", file=sys.stderr)
    else:
        bold = sys.stdout.isatty()
        _print_table([_columns(h.entry, _marked(h.snippet, bold)) for h in hits])
    return 0


def _show(store: HistoryStore, args: argparse.Namespace) -> int:
    entry = store.get(args.id)
    if args.json:
        _print_json(entry.to_dict())
        return 0
    fields = [
        ("Entry", str(entry.id)),
        ("Status", entry.status),
        ("Source", f"{entry.source} ({entry.source_kind})"),
        ("Profile", entry.profile or "-"),
        ("Time", entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")),
        ("Duration", "-" if entry.duration is None
         else f"{format_duration(entry.duration)} ({entry.duration:.1f} s)"),
        ("Language", entry.language or "-"),
        ("Segments", str(len(entry.segments))),
        ("Audio", str(entry.audio_path) if entry.audio_path else "not kept"),
    ]
    if entry.status == "failed":
        fields.append(("Error", entry.error))
    for name, value in fields:
        print(f"{name + ':':<10} {value}")
    if entry.text:
        print()
        print(entry.text)
    return 0


def _export(store: HistoryStore, args: argparse.Namespace) -> int:
    entry = store.get(args.id)
    if entry.status != "done":
        why = {"failed": f"it failed: {entry.error}", "cancelled": "it was cancelled",
               "recording": "it is still being recorded"}.get(entry.status,
                                                            "it is still pending")
        return fail(f"History entry {entry.id} has no transcript: {why}")
    text = export(entry.to_transcript(), args.format)
    if text and not text.endswith("\n"):
        text += "\n"
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            return fail(f"Cannot write {args.output}: {exc.strerror or exc}.")
    else:
        sys.stdout.write(text)
    return 0


def _delete(store: HistoryStore, args: argparse.Namespace) -> int:
    store.delete(args.id)
    print(f"Deleted history entry {args.id}.")
    return 0


def _retention(store: HistoryStore, args: argparse.Namespace) -> int:
    if args.value is None:
        print(f"Recordings' audio is {store.get_retention().describe()}.")
        return 0
    try:
        retention = Retention.parse(args.value)
    except AsrError as exc:
        return fail(f"history retention: {exc}", 2)
    store.set_retention(retention)
    removed = store.apply_retention()
    message = f"Recordings' audio is now {retention.describe()}."
    if removed:
        message += f" Deleted the audio of {removed} recording{'s' if removed != 1 else ''}."
    print(message)
    return 0


# --- formatting ----------------------------------------------------------------------------
def format_duration(seconds: float) -> str:
    """``0:05``, ``12:34``, ``1:02:03``."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _summary(entry: HistoryEntry) -> str:
    if entry.status == "failed":
        text = entry.error
    elif entry.status == "pending":
        text = entry.source
    elif entry.status in ("recording", "cancelled"):
        text = f"({entry.status}) {entry.source}"
    else:
        text = entry.text or "(no speech)"
    flat = " ".join(text.split())
    return flat if len(flat) <= SUMMARY_CHARS else flat[:SUMMARY_CHARS].rstrip() + "…"


def _marked(snippet: Snippet, bold: bool) -> str:
    return snippet.marked("\x1b[1m", "\x1b[0m") if bold else snippet.text


def _columns(entry: HistoryEntry, summary: str) -> list[str]:
    return [
        str(entry.id),
        entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        entry.status,
        "-" if entry.duration is None else format_duration(entry.duration),
        entry.profile or "-",
        summary,
    ]


def _print_table(rows: list[list[str]]) -> None:
    """Columns padded to their widest cell (the number and duration right-aligned)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.rjust(w) if i in (0, 3) else cell.ljust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=False))]
        print("  ".join([*cells, row[-1]]))


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _rerun(store: HistoryStore, args: argparse.Namespace) -> int:
    from desktop_asr.cli.batch import Input, Output, run_inputs
    from desktop_asr.stores.run_plan import Stores, plan_run

    entry = store.get(args.id)
    if entry.source_kind == "recording":
        if entry.audio_path is None or not entry.audio_path.exists():
            return fail(f"entry {entry.id} is a recording whose audio was not kept (see: "
                        "desktop-asr history retention), so it cannot be transcribed again.")
        item = Input(str(entry.audio_path), entry.source, "recording", entry.audio_path)
    else:
        item = Input(entry.source, entry.source, entry.source_kind)
    stores = Stores()
    profile_name = args.profile
    if profile_name is None and entry.profile in stores.profiles.names():
        profile_name = entry.profile  # the entry's own profile, while it still exists
    plan = plan_run(stores, profile_name=profile_name)
    for warning in plan.warnings:
        print(f"desktop-asr: warning: {warning}", file=sys.stderr)
    output = Output(args.format, Path(args.output) if args.output else None)
    outcomes = asyncio.run(run_inputs(plan, [item], output, store))
    done = outcomes[0]
    if done.transcript is None or done.error:
        return 1
    used = plan.profile_name or "the default profile"
    print(f"Kept as history entry {done.history_id} (profile {used}).", file=sys.stderr)
    return 0
