"""What the whole-window GUI tests share besides their fixtures (tests/ui/conftest.py)."""

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QWidget

from ptdesk.ui.main_window import MainWindow


@dataclass(frozen=True)
class Desk:
    window: MainWindow
    errors: list[str]  # the calm error dialogs shown: recorded, as one would block the test


def shot(w: QWidget, name: str) -> None:
    """A screenshot into $PTDESK_SHOTS, when it is set (to look at what a test drove)."""
    shots = os.environ.get("PTDESK_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        w.grab().save(str(Path(shots) / f"{name}.png"))
