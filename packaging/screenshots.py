"""Take the README's screenshots from the real app, in English and Simplified Chinese.

    dbus-run-session -- sh -c 'eval "$(printf pw | gnome-keyring-daemon --unlock \
        --components=secrets)"; .venv/bin/python packaging/screenshots.py'

Starts its own X display (Xvfb) with a tray host (trayer), a private PulseAudio with a
virtual microphone, and the project's reference server; shows the window and the first-run
dialog as a new user meets them (no server yet; a failed connection test); fills private
stores with a demo profile, vocabulary list and history; transcribes two files for real
(and a broken one); then captures the main window, the transcript of a meeting playing
from a clicked segment (searched with Ctrl+F), the tray menu, and the profile,
vocabulary and settings dialogs. ``--scale 2`` takes them at 200% (QT_SCALE_FACTOR), named
NAME@2x.png. Needs the test
tools (bash tests/run.sh installs them) and imagemagick; run inside a D-Bus session with a
keyring (as above) so that the profile dialog shows a working keyring.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHOTS = ("welcome", "first-run", "first-run-failed", "window", "transcript", "tray",
         "profiles", "vocabulary", "settings", "settings-dictation")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "packaging" / "screenshots")
    parser.add_argument("--lang", action="append", help="en, zh_CN (default: both)")
    parser.add_argument("--scale", type=int, choices=(1, 2), default=1)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return take(args.child, args.out, "" if args.scale == 1 else f"@{args.scale}x")
    sys.path.insert(0, str(REPO))
    from tests.e2e.conftest import VirtualMicrophone, XDisplay

    args.out.mkdir(parents=True, exist_ok=True)
    display = XDisplay(137)
    microphone = VirtualMicrophone(Path(tempfile.mkdtemp(prefix="shots-pulse-")))
    server = subprocess.Popen([sys.executable, "-m", "tests.refserver"], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    try:
        display.start()
        microphone.start()
        ready = server.stdout.readline().split() if server.stdout else []
        url = ready[1] if len(ready) == 2 and ready[0] == "READY" else ""
        if not url:
            print("the reference server did not start", file=sys.stderr)
            return 1
        for lang in args.lang or ["en", "zh_CN"]:
            env = {**os.environ, **display.env, **microphone.env, "DESKTOP_ASR_LANG": lang,
                   "SHOTS_SERVER": url, "PYTHONPATH": str(REPO),
                   "QT_SCALE_FACTOR": str(args.scale)}
            subprocess.run([sys.executable, __file__, "--child", lang, "--out", str(args.out),
                            "--scale", str(args.scale)], env=env, check=True, timeout=240)
    finally:
        server.terminate()
        server.wait(timeout=10)
        microphone.stop()
        display.stop()
    for path in sorted(args.out.glob("*.png")):
        print(path)
    return 0


def take(lang: str, out: Path, suffix: str = "") -> int:
    """In a process of its own per language (the translation is installed at start)."""
    home = Path(tempfile.mkdtemp(prefix="shots-"))
    os.environ.update(XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
                      DESKTOP_ASR_INSTANCE_NAME=f"shots-{lang}")
    from PySide6.QtCore import QEventLoop, QLocale, QPoint, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_asr.ui import app as ui_app

    app = QApplication(["desktop-asr"])
    QLocale.setDefault(QLocale(lang))
    ui_app.install_translators(app, lang)

    from desktop_asr.ui.desktop import DesktopApp, default_services

    services, problems = default_services()
    desktop = DesktopApp(app, services, problems=problems)
    window = desktop.window
    window.resize(1100, 640)
    window.move(40, 60)

    def pause(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    # As a new user meets it: no server yet, then the first-run dialog.
    window.show()
    pause(600)
    shoot(out / f"{lang}-welcome{suffix}.png", window)
    from desktop_asr.ui.dialogs.first_run_dialog import FirstRunDialog

    stores = desktop.controller.stores
    welcome = FirstRunDialog(stores.profiles, stores.secrets, window)
    welcome.show()
    pause(600)
    shoot(out / f"{lang}-first-run{suffix}.png", welcome)
    welcome.server_edit.setText("http://127.0.0.1:9")  # nothing listens there
    welcome.tester.start()
    deadline = time.monotonic() + 20
    while welcome.tester.running and time.monotonic() < deadline:
        pause(100)
    pause(300)
    shoot(out / f"{lang}-first-run-failed{suffix}.png", welcome)
    welcome.hide()

    fill_stores(os.environ["SHOTS_SERVER"], home, lang)
    desktop.controller.storesChanged.emit()
    desktop.start()
    files = make_audio(home, lang)
    broken = home / ("recording-broken.mp3")
    broken.write_bytes(b"not audio" * 50)
    desktop.controller.transcribe_paths([str(f) for f in [*files, broken]])
    deadline = time.monotonic() + 60
    while desktop.controller.queue.active_count() and time.monotonic() < deadline:
        pause(100)
    pause(800)
    window.raise_()
    pause(300)
    shoot(out / f"{lang}-window{suffix}.png", window)
    shoot_transcript(desktop, home, lang, out / f"{lang}-transcript{suffix}.png", pause)

    menu = desktop.tray.menu
    desktop.tray.rebuild_menu()
    geometry = desktop.tray.icon.geometry()
    menu.popup(QPoint(geometry.right() - menu.sizeHint().width(), geometry.bottom() + 2))
    pause(600)
    screen = app.primaryScreen().geometry()
    scale = float(os.environ.get("QT_SCALE_FACTOR") or 1)
    width, height = int(menu.sizeHint().width() * scale), int(menu.sizeHint().height() * scale)
    screen_shot(out / f"{lang}-tray{suffix}.png",
                crop=(int(screen.width() * scale) - width - 40, 0, width + 40, height + 60))
    menu.hide()

    from desktop_asr.ui.dialogs.profile_dialog import ProfileDialog
    from desktop_asr.ui.dialogs.vocabulary_dialog import VocabularyDialog

    profiles = ProfileDialog(stores.profiles, stores.secrets, stores.vocabulary, window)
    profiles.show()
    pause(800)
    shoot(out / f"{lang}-profiles{suffix}.png", profiles)
    profiles.hide()
    vocabulary = VocabularyDialog(stores.vocabulary, window, profiles=stores.profiles)
    vocabulary.show()
    pause(800)
    shoot(out / f"{lang}-vocabulary{suffix}.png", vocabulary)
    vocabulary.hide()

    from desktop_asr.ui.dialogs.settings_dialog import SettingsDialog

    settings = SettingsDialog(services.settings, desktop.controller.history, lambda: [],
                              parent=window,
                              recording_problem=desktop.controller.recording_problem
                              if services.recording_problem else "",
                              plan=desktop.tools.plan)
    settings.show()
    pause(800)
    shoot(out / f"{lang}-settings{suffix}.png", settings)
    settings.tabs.setCurrentIndex(1)  # dictation
    pause(500)
    shoot(out / f"{lang}-settings-dictation{suffix}.png", settings)
    settings.hide()
    desktop.quit()
    return 0


def fill_stores(server: str, home: Path, lang: str) -> None:
    from desktop_asr.stores.profile_store import ProfileStore
    from desktop_asr.stores.profiles import Profile
    from desktop_asr.stores.vocabulary_store import VocabularyStore
    from desktop_asr.text.vocabulary import VocabularyEntry, VocabularyList

    config = home / "config" / "desktop-asr"
    vocabulary = VocabularyStore(config / "vocabulary.json")
    vocabulary.save(VocabularyList("Work", (
        VocabularyEntry("不二家", ("bu er jia",)),
        VocabularyEntry("Kubernetes", ("kuber netes", "cooper netties")),
        VocabularyEntry("vLLM", ("v l l m",)),
        VocabularyEntry("Qwen3-ASR", ("queen three asr",)),
    )))
    vocabulary.save(VocabularyList("Names", (VocabularyEntry("Zhang Wei"),)))
    profiles = ProfileStore(config / "profiles.json")
    profiles.add(Profile(name="Home GPU", server=server, model="qwen3-asr",
                         vocab_lists=("Work",), context="Weekly team meeting"),
                 make_default=True)
    profiles.add(Profile(name="Lab", server="http://10.0.0.5:30101", model="qwen3-asr",
                         language="zh"))


def make_audio(home: Path, lang: str) -> list[Path]:
    sys.path.insert(0, str(REPO))
    from tests import dtmf

    texts = {"standup.m4a": "*1234 5678", "interview.flac": "2024 11 24"}
    return [dtmf.write_audio(home / name, dtmf.synthesize(text), 16000)
            for name, text in texts.items()]


def shoot_transcript(desktop: object, home: Path, lang: str, path: Path,
                     pause: object) -> None:
    """A minute of a meeting with pauses, transcribed; played from its third segment (the
    PulseAudio sink takes the sound) with the search bar open."""
    sys.path.insert(0, str(REPO))
    from desktop_asr.engine import audio
    from tests.timed_speech import generate

    speech = generate(60.0, "Chinese" if lang == "zh_CN" else "English", seed=4)
    meeting = home / "meeting.flac"
    meeting.write_bytes(audio.encode(speech.samples, "flac"))
    controller = desktop.controller  # type: ignore[attr-defined]
    window = desktop.window  # type: ignore[attr-defined]
    controller.transcribe_paths([str(meeting)])
    deadline = time.monotonic() + 60
    while controller.queue.active_count() and time.monotonic() < deadline:
        pause(100)  # type: ignore[operator]
    pause(800)  # type: ignore[operator]
    view = window.transcript_view
    segments = view.segment_table.segments()
    view.segment_table.selectRow(2)
    view.segments_page.play_from(segments[2].start)
    view.find_bar.open_bar()
    view.find_bar.field.setText(segments[4].text.split()[0])
    view.find_bar.find_next()
    view.segments_page.play_from(segments[2].start)
    pause(1200)  # type: ignore[operator]
    shoot(path, window)
    view.segments_page.player.stop()


def shoot(path: Path, widget: object) -> None:
    widget.grab().save(str(path))  # type: ignore[attr-defined]


def screen_shot(path: Path, crop: tuple[int, int, int, int]) -> None:
    x, y, w, h = crop
    subprocess.run(["import", "-window", "root", "-crop", f"{w}x{h}+{x}+{y}", str(path)],
                   check=True, timeout=30)


if __name__ == "__main__":
    sys.exit(main())
