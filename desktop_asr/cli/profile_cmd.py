"""``desktop-asr profile ...``: server profiles, their API keys (keyring) and a connection
test. Never prints an API key."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_asr.cli.profile_show import run_list, run_show
from desktop_asr.errors import (
    AsrError,
    ConfigFileError,
    InputError,
    KeyringUnavailableError,
    NotFoundError,
)
from desktop_asr.stores.credentials import clean_api_key
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import API_STYLES, CHINESE_SCRIPTS, TRANSPORTS, Profile
from desktop_asr.stores.secrets import SecretStore, resolve_api_key

Runner = Callable[[argparse.Namespace], int]


def add_parser(commands: Any) -> None:
    p: argparse.ArgumentParser = commands.add_parser(
        "profile", help="manage server profiles (server, model, language, API key...)",
        description="Server profiles: each keeps a server address and how to use it. API "
        "keys are kept in the system keyring, never in the profiles file.")
    actions = p.add_subparsers(dest="profile_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add a profile",
                             description="Add a server profile.")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--server", required=True, action="append", metavar="URL",
                     help="server base URL, e.g. http://10.0.0.5:30101 (/v1 optional); "
                     "repeat it for several servers (one per GPU): chunks go to the one "
                     "with the most free capacity")
    _field_options(add)
    key = add.add_mutually_exclusive_group()
    _key_options(key)
    add.add_argument("--default", action="store_true", help="make it the default profile")
    add.set_defaults(run=_guard(_run_add))

    edit = actions.add_parser("edit", help="change a profile",
                              description="Change some settings of a profile; the others "
                              "stay. An empty value (--model '') goes back to the default.")
    edit.add_argument("name", metavar="NAME")
    edit.add_argument("--server", action="append", metavar="URL",
                      help="server base URL; repeat it for several servers (replaces the "
                      "profile's list)")
    _field_options(edit)
    edit.add_argument("--add-vocab-list", action="append", default=[], metavar="LIST",
                      help="attach one more vocabulary list; repeatable")
    edit.add_argument("--remove-vocab-list", action="append", default=[], metavar="LIST",
                      help="detach a vocabulary list; repeatable")
    edit.add_argument("--remove-header", action="append", default=[], metavar="NAME",
                      help="drop an extra HTTP header; repeatable")
    key = edit.add_mutually_exclusive_group()
    _key_options(key)
    key.add_argument("--clear-api-key", action="store_true",
                     help="forget the API key (deletes it from the keyring)")
    edit.add_argument("--default", action="store_true", help="make it the default profile")
    edit.set_defaults(run=_guard(_run_edit))

    listing = actions.add_parser("list", help="list the profiles (* marks the default)")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(run=_guard(run_list))

    show = actions.add_parser("show", help="show every setting of a profile")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(run=_guard(run_show))

    rename = actions.add_parser("rename", help="rename a profile (its API key follows)")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    rename.set_defaults(run=_guard(_run_rename))

    remove = actions.add_parser("remove", help="remove a profile and its API key")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(run=_guard(_run_remove))

    default = actions.add_parser("default", help="make a profile the default")
    default.add_argument("name", metavar="NAME")
    default.set_defaults(run=_guard(_run_default))

    test = actions.add_parser(
        "test", help="check that the profile's server answers",
        description="List the server's models, check the profile's model is served, send a "
        "one-second test tone and print the round-trip time and the reply.")
    test.add_argument("name", metavar="NAME")
    test.set_defaults(run=_guard(_run_test))


def _field_options(p: argparse.ArgumentParser) -> None:
    """The profile's settings; every default is None so edit knows what was given."""
    p.add_argument("--model", help="model name (default: the first model the server lists)")
    p.add_argument("--language",
                   help="auto (default), an ISO code (zh, en, yue, ja...) or a name (Chinese)")
    p.add_argument("--vocab-list", action="append", dest="vocab_lists", metavar="LIST",
                   help="attach a vocabulary list; repeatable (edit: replaces the lists)")
    p.add_argument("--api-style", choices=API_STYLES,
                   help="chat (/v1/chat/completions, default) or transcriptions "
                   "(/v1/audio/transcriptions)")
    p.add_argument("--context", metavar="TEXT", help="free text that biases recognition")
    p.add_argument("--chinese", choices=CHINESE_SCRIPTS,
                   help="convert dictated Chinese to this script (OpenCC; default: none)")
    p.add_argument("--transport", choices=TRANSPORTS,
                   help="inline: send the audio (default); url: let the server fetch "
                   "http(s) sources itself")
    p.add_argument("--max-chunk-seconds", type=float, metavar="S",
                   help="cut long audio into chunks of about S seconds (default 120)")
    p.add_argument("--concurrency", type=int, metavar="N",
                   help="requests in flight at once (default 4)")
    p.add_argument("--connect-timeout", type=float, metavar="S", help="default 5 seconds")
    p.add_argument("--read-timeout", type=float, metavar="S", help="default 30 seconds")
    p.add_argument("--asr-options", dest="send_asr_options", action="store_const",
                   const=True, help="send the asr_options field (default)")
    p.add_argument("--no-asr-options", dest="send_asr_options", action="store_const",
                   const=False, help="do not send the asr_options field")
    p.add_argument("--verify-tls", dest="verify_tls", action="store_const", const=True,
                   help="check the server's TLS certificate (default)")
    p.add_argument("--no-verify-tls", dest="verify_tls", action="store_const", const=False,
                   help="do not check the server's TLS certificate")
    p.add_argument("--ca-bundle", metavar="FILE", help="CA certificates to trust (PEM file)")
    p.add_argument("--header", action="append", dest="headers", metavar="'NAME: VALUE'",
                   help="an extra HTTP header for a gateway; repeatable (edit: replaces "
                   "them)")


def _key_options(group: Any) -> None:
    group.add_argument("--api-key-stdin", action="store_true",
                       help="read the API key from standard input and keep it in the "
                       "system keyring")
    group.add_argument("--api-key-env", metavar="VAR",
                       help="read the API key from this environment variable when used")


def _guard(run: Runner) -> Runner:
    """Store and validation errors: one line on stderr."""

    def guarded(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except (ConfigFileError, NotFoundError, KeyringUnavailableError) as exc:
            _error(str(exc))
            return 1
        except InputError as exc:  # a bad option value
            _error(str(exc))
            return 2
        except AsrError as exc:
            _error(str(exc))
            return 1

    return guarded


def _error(text: str) -> None:
    print(f"desktop-asr: {text}", file=sys.stderr)


# --- add and edit ---------------------------------------------------------------------------
_FIELDS = ("model", "language", "vocab_lists", "api_style", "context", "transport",
           "max_chunk_seconds", "concurrency", "connect_timeout", "read_timeout",
           "send_asr_options", "verify_tls", "chinese")


def _given_fields(args: argparse.Namespace) -> dict[str, Any]:
    given = {name: getattr(args, name) for name in _FIELDS if getattr(args, name) is not None}
    if args.ca_bundle is not None:
        given["ca_bundle"] = _ca_bundle(args.ca_bundle)
    if args.headers is not None:
        given["headers"] = tuple(_parse_header(h) for h in args.headers)
    if args.server is not None:
        given["server"] = args.server[0]
        given["servers"] = tuple(args.server)
    if args.api_key_env is not None:
        given["api_key_env"] = args.api_key_env
    return given


def _ca_bundle(value: str) -> str | None:
    if not value.strip():
        return None
    path = Path(value).expanduser()
    if not path.is_file():
        raise InputError(f"The CA bundle {value} is not a file.")
    return str(path.resolve())


def _parse_header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip():
        raise InputError(f"The header {text!r} must be written as 'Name: value'.")
    return name.strip(), value.strip()


def _read_api_key() -> str:
    if sys.stdin is None:
        raise InputError("There is no standard input to read the API key from.")
    key = getpass.getpass("API key: ") if sys.stdin.isatty() else sys.stdin.read()
    if not key.strip():
        raise InputError("No API key came on standard input: pipe it in, e.g. "
                         "printf %s \"$KEY\" | desktop-asr profile add NAME --server URL "
                         "--api-key-stdin.")
    if len(key.strip().splitlines()) > 1:
        raise InputError("The API key read from standard input has several lines: give the "
                         "key alone.")
    return clean_api_key(key, "read from standard input")


def _run_add(args: argparse.Namespace) -> int:
    key = _read_api_key() if args.api_key_stdin else None
    profile = Profile(name=args.name, **_given_fields(args))
    store, secrets = ProfileStore(), SecretStore()
    store.add(profile, make_default=args.default)
    is_default = store.default_name() == profile.name
    what = (f"Added profile {profile.name!r} for {profile.server}"
            f"{' (the default)' if is_default else ''}")
    if key is None:
        # A key left behind by an earlier profile of this name must not come back.
        with contextlib.suppress(KeyringUnavailableError):
            secrets.delete(profile.name)
        print(f"{what}; {_key_phrase(profile, secrets)}.")
        return 0
    return _store_key(secrets, profile, key, what)


def _store_key(secrets: SecretStore, profile: Profile, key: str, what: str) -> int:
    try:
        secrets.set(profile.name, key)
    except KeyringUnavailableError:
        print(f"{what}; the API key was NOT stored.")
        _error(f"{secrets.last_error.rstrip('.')}, so the API key was not stored anywhere. "
               "To use a key, put it in an environment variable and run: desktop-asr "
               f"profile edit {profile.name} --api-key-env VAR.")
        return 1
    print(f"{what}; API key {secrets.where(profile.name)}.")
    return 0


def _run_edit(args: argparse.Namespace) -> int:
    store, secrets = ProfileStore(), SecretStore()
    profile = store.get(args.name)
    changes = _given_fields(args)
    lists = list(changes.get("vocab_lists", profile.vocab_lists))
    lists += args.add_vocab_list
    for name in args.remove_vocab_list:
        if name not in lists:
            raise InputError(f"The profile {profile.name!r} has no vocabulary list {name!r}.")
        lists.remove(name)
    if args.add_vocab_list or args.remove_vocab_list:
        changes["vocab_lists"] = tuple(lists)
    if args.remove_header:
        headers = list(changes.get("headers", profile.headers))
        for name in args.remove_header:
            kept = [h for h in headers if h[0].lower() != name.strip().lower()]
            if len(kept) == len(headers):
                raise InputError(f"The profile {profile.name!r} has no header {name!r}.")
            headers = kept
        changes["headers"] = tuple(headers)
    key = _read_api_key() if args.api_key_stdin else None
    if key is not None or args.clear_api_key:
        changes["api_key_env"] = None  # the keyring (or nothing) from now on
    if not changes and not args.default and key is None and not args.clear_api_key:
        raise InputError("Nothing to change: give at least one option "
                         "(see desktop-asr profile edit --help).")
    updated = dataclasses.replace(profile, **changes)
    store.update(updated)
    if args.default:
        store.set_default(updated.name)
    what = f"Updated profile {updated.name!r}"
    if key is not None:
        return _store_key(secrets, updated, key, what)
    if args.clear_api_key:
        secrets.delete(updated.name)
    print(f"{what}; {_key_phrase(updated, secrets)}.")
    return 0


def _key_phrase(profile: Profile, secrets: SecretStore) -> str:
    if profile.api_key_env:
        return f"API key read from ${profile.api_key_env} when used"
    where = secrets.where(profile.name)
    return "no API key" if where == "none stored" else f"API key {where}"


# --- rename, remove, default -------------------------------------------------------------------
def _run_rename(args: argparse.Namespace) -> int:
    store, secrets = ProfileStore(), SecretStore()
    renamed = store.rename(args.old, args.new)
    try:
        moved = secrets.move(args.old, renamed.name)
    except KeyringUnavailableError as exc:
        _error(f"The profile {args.old!r} was renamed to {renamed.name!r}, but its API key "
               f"was not moved: {exc.message}")
        return 1
    print(f"Renamed profile {args.old!r} to {renamed.name!r}"
          f"{'; its API key moved with it' if moved else ''}.")
    return 0


def _run_remove(args: argparse.Namespace) -> int:
    store, secrets = ProfileStore(), SecretStore()
    store.remove(args.name)
    default = store.default_name()
    after = f"; the default is now {default!r}" if default else ""
    try:
        deleted = secrets.delete(args.name)
    except KeyringUnavailableError as exc:
        _error(f"The profile {args.name!r} was removed, but its API key was not: "
               f"{exc.message}")
        return 1
    print(f"Removed profile {args.name!r}{' and its API key' if deleted else ''}{after}.")
    return 0


def _run_default(args: argparse.Namespace) -> int:
    store = ProfileStore()
    store.set_default(args.name)
    print(f"{args.name!r} is now the default profile.")
    return 0


# --- test ---------------------------------------------------------------------------------------
def _run_test(args: argparse.Namespace) -> int:
    store, secrets = ProfileStore(), SecretStore()
    profile = store.get(args.name)
    try:
        from desktop_asr.engine.connection_check import check_connection

        key = resolve_api_key(profile, secrets, os.environ)
        report = asyncio.run(check_connection(
            profile.server_config(key), model=profile.model, api_style=profile.api_style,
            language=profile.language))
    except AsrError as exc:
        why = f" (no API key was sent: {secrets.last_error})" if secrets.last_error else ""
        _error(f"profile test {profile.name}: {exc}{why}")
        return 1
    print(f"OK: {profile.server} serves {report.model} (models: {', '.join(report.models)}); "
          f"a 1-second test tone took {report.round_trip_seconds:.2f} s; "
          f"reply: {report.reply_text!r}")
    return 0
