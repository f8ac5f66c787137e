"""Desktop conventions (issue 9 #4) on the real window (`build_main_window`): a menu bar with
File, Go, Patient and Help listing the shortcuts, Help's shortcut list and About, Ctrl+Q,
the window's size, last page, splitters and column widths remembered, a light palette."""

import argparse
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import QApplication, QMessageBox, QSplitter, QWidget
from pytestqt.qtbot import QtBot

from ptdesk.app.context import AppContext, open_context
from ptdesk.app.gui import about_info, build_main_window, window_settings
from ptdesk.ui.main_window import MainWindow
from ptdesk.ui.menus import SHORTCUTS, ShortcutsDialog, about_html
from ptdesk.ui.theme import TEXT, apply_theme


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = open_context(argparse.Namespace(data_dir=str(tmp_path), db_url=None, demo=False))
    yield context
    context.close()


def _window(qtbot: QtBot, ctx: AppContext) -> MainWindow:
    w = build_main_window(ctx)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w  # type: ignore[no-any-return]


def _menus(w: MainWindow) -> dict[str, list[str]]:
    out = {}
    for a in w.menuBar().actions():
        out[a.text().replace("&", "")] = [m.text().replace("&", "") for m in a.menu().actions()
                                          if not m.isSeparator()]
    return out


def test_menu_bar_lists_the_pages_and_actions_with_their_keys(
    qtbot: QtBot, ctx: AppContext
) -> None:
    w = _window(qtbot, ctx)
    menus = _menus(w)
    assert list(menus) == ["File", "Go", "Patient", "Help"]
    assert menus["File"] == ["Lock now", "Switch user…", "Sign out", "Quit"]
    assert menus["Go"] == ["Today", "Patients", "Board", "Settings", "Import", "Users", "Audit",
                           "Find a patient"]
    go = [a for a in w.menuBar().actions()[1].menu().actions() if not a.isSeparator()]
    assert [a.shortcut().toString() for a in go] == ["Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4",
                                                     "Ctrl+5", "Ctrl+6", "Ctrl+7", "Ctrl+F"]
    assert [t.split("\t")[1] for t in menus["Patient"]] == ["Ctrl+N", "Ctrl+I", "Ctrl+R"]
    assert menus["Help"] == ["Keyboard shortcuts", "About ptdesk"]
    w.close()


def _listed(seq: str) -> bool:
    words = (seq.replace("Left", "←").replace("Right", "→").replace("Return", "Enter")
             .replace("Escape", "Esc"))
    if words.startswith("Ctrl+") and words[5:].isdigit():
        return True  # "Ctrl+1 … Ctrl+4"
    return any(words in s.keys for s in SHORTCUTS)


def test_every_shortcut_of_every_page_is_in_the_help_list(qtbot: QtBot, ctx: AppContext) -> None:
    w = _window(qtbot, ctx)
    for key in ("today", "patients", "board", "settings"):
        w.show_page(key)
    found = {s.key().toString() for s in w.findChildren(QShortcut)}
    found |= {a.shortcut().toString() for a in w.findChildren(QWidget)[0].window().actions()}
    found.discard("")
    assert {"Ctrl+I", "Ctrl+R", "Ctrl+N", "F5", "Ctrl+P", "Ctrl+Q", "F1", "Ctrl+F"} <= found
    missing = sorted(s for s in found if not _listed(s))
    assert not missing, f"shortcuts missing from Help > Keyboard shortcuts: {missing}"
    w.close()


def test_help_lists_the_shortcuts_and_about_names_version_database_licence(
    qtbot: QtBot, ctx: AppContext
) -> None:
    d = ShortcutsDialog()
    qtbot.addWidget(d)
    assert d.table.rowCount() == len(SHORTCUTS)
    assert d.table.item(0, 0).text()
    info = about_info(ctx)
    assert info.version == "0.1.0"
    assert info.licence == "Proprietary"  # pyproject's licence
    assert info.database == ctx.db_label
    html = about_html(info)
    assert "0.1.0" in html
    assert ctx.db_label in html
    assert "Proprietary" in html
    w = _window(qtbot, ctx)
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(10, close_box)

    QTimer.singleShot(0, close_box)
    next(a for a in w.findChildren(type(w.page_actions[0])) if "About" in a.text()).trigger()
    assert seen
    assert "Proprietary" in seen[0]
    w.close()


def test_ctrl_q_quits(qtbot: QtBot, ctx: AppContext) -> None:
    w = _window(qtbot, ctx)
    quit_action = next(a for a in w.actions() if a.shortcut() == QKeySequence("Ctrl+Q"))
    quit_action.trigger()
    qtbot.waitUntil(lambda: not w.isVisible())


def test_size_last_page_splitters_and_columns_are_remembered(
    qtbot: QtBot, ctx: AppContext
) -> None:
    w = _window(qtbot, ctx)
    w.resize(1180, 700)
    size = w.size()
    assert size.height() == 700
    board = w.show_page("board")
    split = board.findChildren(QSplitter)[0]
    split.setSizes([100, 400])
    sizes = split.sizes()
    today = w.page("today")
    today.table.setColumnWidth(1, 333)  # type: ignore[attr-defined]
    w.close()
    again = _window(qtbot, ctx)
    assert again.current_page_key() == "board"
    # the offscreen screen is 800 px wide: Qt fits a restored width to the screen, so the
    # height (not the default 800) is what shows the size came back
    assert again.height() == size.height()
    board2 = again.page("board")
    split2 = board2.findChildren(QSplitter)[0]
    assert split2.sizes() == sizes
    assert again.page("today").table.columnWidth(1) == 333  # type: ignore[attr-defined]
    again.close()
    assert QSettings("ptdesk", "ptdesk").value("window/page") == "board"
    assert Path(QSettings("ptdesk", "ptdesk").fileName()).stat().st_mode & 0o777 == 0o600


def test_the_demo_remembers_its_own_window_not_the_clinics(qtbot: QtBot, ctx: AppContext) -> None:
    assert not ctx.is_demo
    clinic = _window(qtbot, ctx)
    clinic.show_page("board")
    clinic.close()
    demo = _window(qtbot, replace(ctx, is_demo=True))
    assert demo.current_page_key() != "board"  # the clinic's last page is not the demo's
    demo.show_page("patients")
    demo.close()
    assert window_settings(True).value("window/page") == "patients"
    assert window_settings(False).value("window/page") == "board"
    again = _window(qtbot, ctx)
    assert again.current_page_key() == "board"
    again.close()


def test_palette_is_light_on_a_dark_desktop(qapp: QApplication) -> None:
    dark = QPalette()
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        dark.setColor(role, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#eeeeee"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    qapp.setPalette(dark)
    apply_theme(qapp)
    p = qapp.palette()
    assert p.color(QPalette.ColorRole.Base).lightness() > 240
    assert p.color(QPalette.ColorRole.Window).lightness() > 240
    assert p.color(QPalette.ColorRole.Text) == QColor(TEXT)
    assert p.color(QPalette.ColorRole.WindowText) == QColor(TEXT)
