"""Which vocabulary lists a profile uses: the lists attached to the default profile, and
attaching or detaching one. A list is kept in the vocabulary store; a profile names it."""

from __future__ import annotations

from dataclasses import replace

from desktop_asr.stores.run_plan import Stores


def default_profile_lists(stores: Stores) -> list[tuple[str, bool]]:
    """Every list, and whether the default profile uses it (no default: none is used)."""
    names = stores.vocabulary.names()
    profile = stores.profiles.default()
    attached = set(profile.vocab_lists) if profile is not None else set()
    return [(name, name in attached) for name in names]


def attach_list(stores: Stores, name: str, active: bool) -> bool:
    """Attach list ``name`` to the default profile, or detach it. False when there is no
    default profile (nothing changed)."""
    profile = stores.profiles.default()
    if profile is None:
        return False
    lists = [n for n in profile.vocab_lists if n != name]
    if active:
        lists.append(name)
    stores.profiles.update(replace(profile, vocab_lists=tuple(lists)))
    return True
