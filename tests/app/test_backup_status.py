"""The window says when the last backup was: the first start of the day makes the daily
backup off the GUI thread, then the status bar tells the desk."""

import argparse
from pathlib import Path

from pytestqt.qtbot import QtBot

from ptdesk.app.context import open_context
from ptdesk.app.gui import build_main_window


def test_first_start_of_the_day_backs_up_and_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    ctx = open_context(argparse.Namespace(data_dir=str(tmp_path), db_url=None, demo=False))
    try:
        window = build_main_window(ctx)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.backup_status.text().startswith("Last backup: today"),
                        timeout=10000)
        assert len(list((tmp_path / "backups").glob("ptdesk-*-daily.sqlite3"))) == 1
        window.close()
    finally:
        ctx.close()
