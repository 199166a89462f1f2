"""Widget tests run headless unless the caller chose a platform (e.g. xcb under Xvfb)."""

import os

# Must happen before pytest-qt creates the QApplication (at the first qapp/qtbot use).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
