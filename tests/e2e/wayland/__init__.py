"""End-to-end tests on a real Wayland compositor: a headless sway run as an unprivileged user.

wlroots compositors refuse to run as root, and the tests run as root (CI, tests/run.sh).
So tests/run.sh, as root, makes the user ``desktop-asr-test`` once and a venv for it made
with Debian's /usr/bin/python3 with the project installed editable (rebuilt only when
pyproject.toml changes), and passes both on in DESKTOP_ASR_TEST_USER and
DESKTOP_ASR_TEST_USER_VENV. Run by an ordinary user, the session runs as that user with the
venv running the tests. Without sway, wtype, wl-clipboard, PulseAudio or the user, the
tests skip and say why.

Fixtures (conftest.py; the classes are in session.py):

``wayland`` -- a fresh session for the test (about 0.3 s to start), ended afterwards: every
    process that carries the session's id in its environment is killed by id, and its
    folder is removed. It runs, as the user, a private D-Bus session bus, PulseAudio with
    the null sink "vmic" whose monitor is the default source (the virtual microphone), and
    sway (WLR_BACKENDS=headless, pixman, no Xwayland, output HEADLESS-1 1280x800) with
    swaybar hosting StatusNotifierItem tray icons; it returns once the tray host is
    registered.

    - ``wayland.env``: the session's environment (XDG_RUNTIME_DIR, WAYLAND_DISPLAY,
      SWAYSOCK, DBUS_SESSION_BUS_ADDRESS, PULSE_SERVER, QT_QPA_PLATFORM=wayland, a private
      HOME); ``wayland.run(*argv)`` / ``wayland.popen(argv)`` run a command as the user in
      it. ``wayland.user.python`` / ``.desktop_asr`` are the user's venv's.
    - ``wayland.bind(keys, command, release=False, repeat=True)`` adds a sway binding
      (``swaymsg bindsym``); ``@pytest.mark.sway_config(line, ...)`` adds config lines
      before sway starts. sway runs a held key's press binding again at the repeat rate
      (600 ms, then 25/s) unless ``repeat=False`` (--no-repeat).
    - ``wayland.wtype(*args)`` presses keys: ``wtype("-M", "ctrl", "-M", "alt", "d", "-m",
      "alt", "-m", "ctrl")`` fires a Ctrl+Alt+d binding; ``wayland.hold("F9")`` keeps F9
      down until ``.release()`` (``hold("F9", seconds=2)`` releases it itself);
      ``wayland.type_text(text)`` types Unicode into the focused window.
    - ``wayland.clipboard()`` reads the clipboard (wl-paste -n); ``set_clipboard(text)``
      sets it (wl-copy) and waits until it is there.
    - ``wayland.tray_items()`` lists the StatusNotifierWatcher's registered items;
      ``bus_name_pid(name)`` says which process owns a bus name.
    - ``wayland.play(wav)`` plays a file into the virtual microphone (returns the paplay
      process); ``wayland.pactl(...)``.
    - ``wayland.folder(name)`` makes a folder of the user's (pytest's tmp_path is root's
      and private); ``wayland.give(path)`` hands files root wrote over to the user.
    - ``wayland.log(name)`` is the end of a log in ``wayland.logs`` (sway.log,
      pulseaudio.log, dbus.log, app.log, ...), for failure messages.

``wayland_app`` -- the real ``desktop-asr`` of the user's venv, not started, with private
    XDG folders (``.config``, ``.data``) and DESKTOP_ASR_LANG=en. ``start()`` starts it
    (window and tray icon), ``run("--quit")`` / ``run("--version")`` run it and wait,
    ``quit()`` ends the started app and returns its exit status, ``log()`` is its
    output. ``command(*flags)`` is a shell command for sway bindings that runs it with
    this environment: ``wayland.bind("Ctrl+Alt+d", wayland_app.command("--toggle-recording"))``.
    Quit at teardown if still running.

``text_window`` -- another application's Wayland window with a text field
    (tests/e2e/text_field_app.py run as the user with QT_QPA_PLATFORM=wayland), shown and
    focused: ``text()``, ``clear()``, ``state()`` (text, active, focus), ``focus()``,
    ``wait_for_text(expected)``.

``session.wait_for(condition, what, timeout, details)`` polls with a deadline and fails
saying what it waited for. Everything the tests wait for is polled, never slept for.

A dictation test, sketched::

    def test_dictation(wayland, wayland_app, text_window, refserver, tmp_path):
        ProfileStore(wayland_app.config / "desktop-asr" / "profiles.json").add(
            Profile(name="home", server=refserver.url))
        wayland.give(wayland_app.folder)           # written as root: the user's now
        wayland.bind("Ctrl+Alt+d", wayland_app.command("--toggle-recording"))
        wayland_app.start()
        wayland_app.wait_until_up()                # its tray icon and window
        text_window.focus()
        wayland.set_clipboard("what the user had copied")
        wayland.wtype("-M", "ctrl", "-M", "alt", "d", "-m", "alt", "-m", "ctrl")
        speech = dtmf.write_audio(tmp_path / "speech.wav", dtmf.synthesize("*159"), 16000)
        assert wayland.play(speech).wait(timeout=30) == 0
        wayland.wtype("-M", "ctrl", "-M", "alt", "d", "-m", "alt", "-m", "ctrl")
        text_window.wait_for_text("一五九", timeout=30)
        wait_for(lambda: wayland.clipboard() == "what the user had copied", "the clipboard")
"""
