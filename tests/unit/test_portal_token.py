"""The RemoteDesktop portal's restore token kept between runs (stores/portal_token.py)."""

from __future__ import annotations

from desktop_asr.stores.portal_token import PortalTokenStore


def test_the_token_comes_back_from_a_private_file(tmp_path):
    PortalTokenStore(tmp_path / "d" / "token").save("a1b2-c3")
    assert PortalTokenStore(tmp_path / "d" / "token").load() == "a1b2-c3"
    assert (tmp_path / "d" / "token").stat().st_mode & 0o777 == 0o600


def test_no_file_or_a_strange_one_gives_no_token(tmp_path):
    store = PortalTokenStore(tmp_path / "token")
    assert store.load() == ""
    (tmp_path / "token").write_bytes(b"\x1b[2J\n")
    assert store.load() == ""
    store.save("bad token\nwith lines")
    assert store.load() == ""
