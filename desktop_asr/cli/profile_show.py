"""``desktop-asr profile list`` and ``profile show``: the profiles as a table, one profile's
every setting, or either as JSON. Says where an API key is kept, never the key."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.stores.secrets import SecretStore


def _key_code(profile: Profile, secrets: SecretStore) -> str:
    if profile.api_key_env:
        return f"env:{profile.api_key_env}"
    return secrets.source(profile.name)


def _as_json(profile: Profile, default: str | None, secrets: SecretStore) -> dict[str, Any]:
    return {**profile.to_dict(), "default": profile.name == default,
            "api_key": _key_code(profile, secrets)}


def run_list(args: argparse.Namespace) -> int:
    store, secrets = ProfileStore(), SecretStore()
    profiles, default = store.list(), store.default_name()
    if args.json:
        print(json.dumps([_as_json(p, default, secrets) for p in profiles],
                         ensure_ascii=False, indent=2))
        return 0
    if not profiles:
        print("No profiles yet: add one with desktop-asr profile add NAME --server URL.",
              file=sys.stderr)
        return 0
    rows = [("", "NAME", "SERVER", "MODEL", "LANGUAGE")]
    rows += [("*" if p.name == default else "", p.name, p.server, p.model or "(first served)",
              p.language) for p in profiles]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4]))
              + "  " + row[4])
    return 0


def run_show(args: argparse.Namespace) -> int:
    store, secrets = ProfileStore(), SecretStore()
    profile = store.get(args.name)
    default = store.default_name()
    if args.json:
        print(json.dumps(_as_json(profile, default, secrets), ensure_ascii=False, indent=2))
        return 0
    yes = {True: "yes", False: "no"}
    if profile.api_key_env:
        state = "set" if os.environ.get(profile.api_key_env) else "not set now"
        key = f"read from the environment variable ${profile.api_key_env} ({state})"
    else:
        key = secrets.where(profile.name)
    lines = [
        ("name", profile.name),
        ("default", yes[profile.name == default]),
        ("server" if len(profile.servers) == 1 else "servers", ", ".join(profile.servers)),
        ("model", profile.model or "(the first model the server lists)"),
        ("api style", profile.api_style),
        ("language", profile.language),
        ("vocabulary lists", ", ".join(profile.vocab_lists) or "(none)"),
        ("context", profile.context or "(none)"),
        ("transport", profile.transport),
        ("dictated Chinese", profile.chinese),
        ("max chunk seconds", f"{profile.max_chunk_seconds:g}"),
        ("concurrency", str(profile.concurrency)),
        ("connect timeout", f"{profile.connect_timeout:g} s"),
        ("read timeout", f"{profile.read_timeout:g} s"),
        ("send asr_options", yes[profile.send_asr_options]),
        ("verify TLS", yes[profile.verify_tls]),
        ("CA bundle", profile.ca_bundle or "(the system's)"),
        ("headers", "; ".join(f"{n}: {v}" for n, v in profile.headers) or "(none)"),
        ("API key", key),
    ]
    width = max(len(label) for label, _ in lines) + 1
    for label, value in lines:
        print(f"{label + ':':<{width}} {value}")
    return 0
