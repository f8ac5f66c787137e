"""Guards against a Qt binding that corrupts reference counts (PySide6 6.12.0 did: every
processEvents() dropped a reference to None and the process aborted after a few thousand)."""

import sys

from PySide6.QtWidgets import QApplication


def test_process_events_keeps_reference_counts(qapp: QApplication) -> None:
    before = sys.getrefcount(None)
    for _ in range(2000):
        qapp.processEvents()
    assert abs(sys.getrefcount(None) - before) < 50
