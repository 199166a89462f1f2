"""One run's settings: a profile (named, or the default one) with the run's explicit choices
on top, the API key from the keyring or the environment, and the vocabulary of the active
lists. The command line and the app both start a transcription from a RunPlan.

A profile's key goes only to the profile's own server: when the run's server has another
scheme, host or port, no key of the profile is sent, and a warning says so (a key given for
the run itself, ``api_key_env``, is sent)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from desktop_asr.engine.client import ServerConfig
from desktop_asr.engine.transcribe import TranscriptionSettings
from desktop_asr.errors import InputError
from desktop_asr.stores.credentials import (
    check_server_url,
    clean_api_key,
    key_withheld_warning,
    same_server,
)
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.stores.secrets import SecretStore, resolve_api_key
from desktop_asr.stores.vocabulary_store import VocabularyStore
from desktop_asr.text.languages import resolve_language
from desktop_asr.text.vocabulary import VocabularyEntry, build_context, dedupe


@dataclass
class Stores:
    """The user's stores; tests and the app pass their own, the CLI takes the defaults."""

    profiles: ProfileStore = field(default_factory=ProfileStore)
    secrets: SecretStore = field(default_factory=SecretStore)
    vocabulary: VocabularyStore = field(default_factory=VocabularyStore)


@dataclass(frozen=True)
class RunOptions:
    """Choices made for this run only; None (or empty) means "as the profile says"."""

    server: str | None = None
    more_servers: tuple[str, ...] = ()  # further --server URLs: one run on several servers
    model: str | None = None
    api_key_env: str | None = None
    language: str | None = None
    vocab_lists: tuple[str, ...] = ()  # in addition to the profile's lists
    vocab_entries: tuple[VocabularyEntry, ...] = ()  # words from files, for this run
    context: str | None = None
    api_style: str | None = None
    transport: str | None = None
    concurrency: int | None = None
    max_chunk_seconds: float | None = None
    send_asr_options: bool | None = None
    stream: bool = False
    audio_format: str = "flac"
    correct: bool = True  # post-correct the transcript with the lists that allow it


@dataclass(frozen=True)
class RunPlan:
    profile_name: str | None  # None: an ad-hoc --server run
    config: ServerConfig
    settings: TranscriptionSettings
    warnings: tuple[str, ...] = ()  # sentences to show before starting
    servers: tuple[str, ...] = ()  # every server of the run (empty: config's alone)

    @property
    def configs(self) -> tuple[ServerConfig, ...]:
        """One ServerConfig per server (the same settings and key, other addresses)."""
        if not self.servers:
            return (self.config,)
        return tuple(replace(self.config, base_url=url) for url in self.servers)


class NoServerError(InputError):
    """Neither a profile nor a server was given, and there is no default profile."""

    code = "no_server"


NO_SERVER = ("No server given and no default profile: use --server URL, or add a profile "
             "with: desktop-asr profile add NAME --server URL")


def plan_run(stores: Stores, *, profile_name: str | None = None,
             options: RunOptions | None = None,
             environ: Mapping[str, str] | None = None) -> RunPlan:
    """The plan for one run. Without ``profile_name`` and without ``options.server``, the
    default profile is used. Raises InputError/NotFoundError/ConfigFileError in words."""
    options = options or RunOptions()
    env = os.environ if environ is None else environ
    profile: Profile | None = None
    if profile_name is not None:
        profile = stores.profiles.get(profile_name)
    elif options.server is None:
        profile = stores.profiles.default()
        if profile is None:
            raise NoServerError(NO_SERVER)
    base = profile if profile is not None else _adhoc_profile(options)
    servers = base.servers
    warnings: list[str] = []
    if options.server is not None:
        try:
            servers = tuple(dict.fromkeys(check_server_url(url) for url in
                                          (options.server, *options.more_servers)))
        except InputError as exc:
            raise InputError(f"--server: {exc}") from None
    server = servers[0]

    api_key = _api_key(options, profile, stores, env)
    strangers = [url for url in servers if profile is not None
                 and not any(same_server(url, own) for own in profile.servers)]
    if api_key is not None and not options.api_key_env and profile is not None and strangers:
        api_key = None  # the profile's key never goes to another server
        warnings.append(key_withheld_warning(profile.name, profile.server, strangers[0]))
    config = replace(base.server_config(api_key), base_url=server)

    language_text = options.language if options.language is not None else base.language
    try:
        language = resolve_language(language_text)
    except ValueError as exc:
        raise InputError(str(exc)) from None

    lists = tuple(dict.fromkeys([*base.vocab_lists, *options.vocab_lists]))
    list_entries = stores.vocabulary.entries_for(lists) if lists else []
    entries = _dedupe_ignoring_case([*list_entries, *options.vocab_entries])
    free_text = options.context if options.context is not None else base.context
    context = build_context(entries, free_text)
    if context.warning:
        warnings.append(context.warning)
    corrections: list[VocabularyEntry] = []
    if options.correct:
        corrections = dedupe([
            *(stores.vocabulary.correction_entries(lists) if lists else []),
            *options.vocab_entries,
        ])

    settings = TranscriptionSettings(
        model=options.model or base.model,
        language=language,
        vocabulary=tuple(entries[: context.words_used]),  # what fits the budget
        context=free_text,
        concurrency=options.concurrency or base.concurrency,
        max_chunk_seconds=options.max_chunk_seconds or base.max_chunk_seconds,
        audio_format=options.audio_format,
        stream=options.stream,
        send_asr_options=(base.send_asr_options if options.send_asr_options is None
                          else options.send_asr_options),
        api_style=options.api_style or base.api_style,
        transport=options.transport or base.transport,
        corrections=tuple(corrections),
    )
    return RunPlan(profile.name if profile is not None else None, config, settings,
                   tuple(warnings), servers)


def _adhoc_profile(options: RunOptions) -> Profile:
    """A nameless profile for ``--server URL`` runs: the defaults plus the options."""
    assert options.server is not None
    try:
        return Profile(name="command line", server=options.server)
    except InputError as exc:
        raise InputError(f"--server: {exc}") from None


def _api_key(options: RunOptions, profile: Profile | None, stores: Stores,
             env: Mapping[str, str]) -> str | None:
    if options.api_key_env:
        value = env.get(options.api_key_env, "")
        if not value.strip():
            raise InputError(f"--api-key-env: the environment variable "
                             f"{options.api_key_env} is not set or empty.")
        return clean_api_key(value, f"in ${options.api_key_env}")
    if profile is None:
        return None
    return resolve_api_key(profile, stores.secrets, env)


def _dedupe_ignoring_case(entries: list[VocabularyEntry]) -> list[VocabularyEntry]:
    """Merged entries, one per word ignoring case, so that the context (which drops case
    duplicates) and the entries sent in asr_options stay the same words."""
    first: dict[str, str] = {}
    for entry in entries:
        first.setdefault(entry.word.casefold(), entry.word)
    return dedupe(replace(e, word=first[e.word.casefold()]) for e in entries)
