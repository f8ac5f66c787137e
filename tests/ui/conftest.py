"""The GUI tests that drive the whole window: the demo clinic in a fresh folder (`ctx`), and the
window built exactly as `ptdesk --demo` builds it (app/gui.py) at a desk's 1280x800 (`desk`)."""

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ptdesk.app.context import AppContext, open_context
from ptdesk.app.gui import build_main_window
from tests.ui.desk import Desk


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = open_context(argparse.Namespace(data_dir=str(tmp_path), db_url=None, demo=True))
    yield context
    context.close()


@pytest.fixture
def desk(qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> Desk:
    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: errors.append(box.text()) or 0)
    window = build_main_window(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return Desk(window, errors)
