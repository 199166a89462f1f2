"""The Windows and macOS icons made at build time from resources/icons/app.svg
(packaging/icons.py), read back by Qt's own .ico and .icns readers: every size is there,
and each is the drawing, not an empty square."""

from __future__ import annotations

import struct

from PySide6.QtGui import QImageReader

from tests.unit.test_bundle_plan import PACKAGING, load

icons = load(PACKAGING / "icons.py", "icons_under_test")


def read_all(path) -> list:
    reader = QImageReader(str(path))
    images = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        images.append(image)
    return images


def drawn_share(image) -> float:
    """The share of pixels that are not transparent."""
    seen = [image.pixelColor(x, y).alpha() > 0
            for x in range(0, image.width(), max(1, image.width() // 32))
            for y in range(0, image.height(), max(1, image.height() // 32))]
    return sum(seen) / len(seen)


def test_the_ico_and_icns_hold_every_size_of_the_drawing(qapp, tmp_path):
    ico, icns = icons.write_icons(tmp_path)
    assert ico.name == "desktop-asr.ico"
    assert icns.name == "desktop-asr.icns"
    assert QImageReader(str(ico)).format() == b"ico"
    ico_images = read_all(ico)
    assert sorted(i.width() for i in ico_images) == [16, 24, 32, 48, 64, 128, 256]
    assert QImageReader(str(icns)).format() == b"icns"
    icns_images = read_all(icns)
    assert {i.width() for i in icns_images} == {16, 32, 64, 128, 256, 512, 1024}
    for image in ico_images + icns_images:
        assert image.width() == image.height()
        assert drawn_share(image) > 0.2, f"{image.width()} px is (nearly) empty"


def test_the_files_are_laid_out_as_their_formats_say():
    pngs = {16: b"\x89PNG-16", 256: b"\x89PNG-256"}
    ico = icons.ico_bytes(pngs)
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, 2)
    first = struct.unpack("<BBBBHHII", ico[6:22])
    second = struct.unpack("<BBBBHHII", ico[22:38])
    assert first[:2] == (16, 16)
    assert second[:2] == (0, 0)
    assert ico[first[7]:first[7] + first[6]] == b"\x89PNG-16"
    assert ico[second[7]:second[7] + second[6]] == b"\x89PNG-256"
    icns = icons.icns_bytes(pngs)
    assert icns[:4] == b"icns"
    assert struct.unpack(">I", icns[4:8])[0] == len(icns)
    entries, at = [], 8
    while at < len(icns):
        kind, length = icns[at:at + 4], struct.unpack(">I", icns[at + 4:at + 8])[0]
        entries.append((kind, icns[at + 8:at + length]))
        at += length
    assert entries == [(b"icp4", b"\x89PNG-16"), (b"ic08", b"\x89PNG-256"),
                       (b"ic13", b"\x89PNG-256")]
