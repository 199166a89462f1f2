import os
import sys

from desktop_asr.cli import main

# The console-less Windows build (desktop-asrw.exe) has no standard streams: give them
# somewhere to go, so that nothing the app prints can fail.
for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115

sys.exit(main())
