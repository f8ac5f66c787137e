"""The menu bar (File, Go, Patient, Help), the keyboard shortcuts list and About.

Every shortcut ptdesk has is listed once, in `SHORTCUTS`: the Help dialog shows that list.
Menu items whose keys belong to a page (Ctrl+I on Today, Ctrl+N on Patients...) show the keys
as text only ("Check in\\tCtrl+I"): the page's own shortcut handles the key, and a second
QAction on the same key would make Qt call it ambiguous and run neither.
"""

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True, slots=True)
class Shortcut:
    keys: str
    what: str
    where: str


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("Ctrl+1 … Ctrl+5", "Go to Today, Patients, Board, Settings, Import", "Everywhere"),
    Shortcut("Ctrl+F", "Find a patient", "Everywhere"),
    Shortcut("F1", "This list of keyboard shortcuts", "Everywhere"),
    Shortcut("Ctrl+Q", "Quit ptdesk", "Everywhere"),
    Shortcut("Ctrl+L", "Lock the desk now (your password or PIN opens it)", "Everywhere"),
    Shortcut("Ctrl+6, Ctrl+7", "Go to Users, Audit (office manager)", "Everywhere"),
    Shortcut("Ctrl+K", "Quick estimate for someone who is not a patient yet", "Everywhere"),
    Shortcut("↑ ↓", "Choose a visit or a patient", "Today, Patients"),
    Shortcut("Enter", "Open the chosen patient", "Today, Patients"),
    Shortcut("Ctrl+I", "Check the chosen visit in", "Today, a patient's record"),
    Shortcut("Ctrl+R", "Record (or edit) the visit's session", "Today"),
    Shortcut("Ctrl+P", "Print the chosen visit's summary (superbill): preview, then print or "
             "save as PDF", "Today, a patient's record"),
    Shortcut("Alt+← / Alt+→", "Previous day / next day", "Today"),
    Shortcut("Alt+Home", "Back to today", "Today"),
    Shortcut("Ctrl+Shift+W", "Switch between the day's list and the week view", "Today"),
    Shortcut("← ↑ ↓ →", "Move between time slots", "Today: week view"),
    Shortcut("Enter", "Open the visit's patient, or book the free slot for the patient "
             "whose record is open", "Today: week view"),
    Shortcut("PgUp / PgDn", "Previous week / next week", "Today: week view"),
    Shortcut("Alt+Up / Alt+Down", "Previous provider / next provider", "Today: week view"),
    Shortcut("Ctrl+N", "Add a new patient", "Patients"),
    Shortcut("Esc", "Clear the search", "Patients"),
    Shortcut("Esc or Alt+←", "Back to the results", "A patient's record"),
    Shortcut("Ctrl+E", "Edit the patient", "A patient's record"),
    Shortcut("Ctrl+B", "Book a visit", "A patient's record"),
    Shortcut("Alt+A", "Add an authorization", "A patient's record"),
    Shortcut("Alt+Q", "Record a request for a new authorization", "A patient's record"),
    Shortcut("Ctrl+Shift+E", "Cost estimate or Good Faith Estimate for the patient",
             "A patient's record"),
    Shortcut("F5", "Refresh the board now", "Board"),
    Shortcut("Ctrl+P", "Preview and print the work list", "Board"),
    Shortcut("Ins / Del", "Add a price row / remove the chosen row", "Settings: fee schedules"),
    Shortcut("Ctrl+S or Enter", "Save", "Dialogs"),
    Shortcut("Ctrl+Enter", "Save the lines and complete the visit", "Session form"),
    Shortcut("Esc", "Cancel", "Dialogs"),
    Shortcut("Alt + underlined letter", "Go to that field or press that button", "Everywhere"),
)


@dataclass(frozen=True, slots=True)
class AboutInfo:
    version: str
    licence: str
    database: str  # the status bar's words: never a password


@dataclass(frozen=True, slots=True)
class PatientActions:
    """What the Patient menu does; the app wires them to the pages."""

    new_patient: Callable[[], None]
    check_in: Callable[[], None]
    record_session: Callable[[], None]


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(SHORTCUTS), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Keys", "What it does", "Where"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        for row, s in enumerate(SHORTCUTS):
            for col, text in enumerate((s.keys, s.what, s.where)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 640)


def about_html(info: AboutInfo) -> str:
    return (f"<h3>ptdesk {info.version}</h3>"
            "<p>Front-desk software for small US physical-therapy clinics: visits, "
            "authorizations and visit limits, billing checks.</p>"
            f"<p><b>Database in use:</b> {info.database}<br>"
            f"<b>Licence:</b> {info.licence}</p>")


def _text_only(window: QMainWindow, text: str, keys: str, slot: Callable[[], None]) -> QAction:
    action = QAction(f"{text}\t{keys}", window)
    action.triggered.connect(slot)
    return action


def install_menus(window: QMainWindow, *, page_actions: list[QAction], find: QAction | None,
                  patient: PatientActions,
                  about: AboutInfo | Callable[[], AboutInfo]) -> dict[str, QAction]:
    """File, Go, Patient, Help; returns the actions by name (tests drive them)."""
    bar = window.menuBar()
    acts: dict[str, QAction] = {}

    file_menu = bar.addMenu("&File")
    quit_action = QAction("&Quit", window)
    quit_action.setShortcut(QKeySequence("Ctrl+Q"))
    quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    quit_action.triggered.connect(window.close)
    window.addAction(quit_action)
    file_menu.addAction(quit_action)
    acts["quit"] = quit_action

    go = bar.addMenu("&Go")
    for a in page_actions:
        go.addAction(a)
    if find is not None:
        find.setText("&Find a patient")
        go.addSeparator()
        go.addAction(find)
        acts["find"] = find

    pm = bar.addMenu("&Patient")
    for key, text, keys, slot in (
        ("new_patient", "&New patient…", "Ctrl+N", patient.new_patient),
        ("check_in", "&Check in the chosen visit", "Ctrl+I", patient.check_in),
        ("record_session", "&Record session…", "Ctrl+R", patient.record_session),
    ):
        acts[key] = _text_only(window, text, keys, slot)
        pm.addAction(acts[key])

    help_menu = bar.addMenu("&Help")
    keys_action = QAction("&Keyboard shortcuts", window)
    keys_action.setShortcut(QKeySequence("F1"))
    keys_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    keys_action.triggered.connect(lambda: ShortcutsDialog(window).exec())
    window.addAction(keys_action)
    help_menu.addAction(keys_action)
    acts["shortcuts"] = keys_action
    about_action = QAction("&About ptdesk", window)
    about_action.triggered.connect(
        lambda: QMessageBox.about(window, "About ptdesk",
                                  about_html(about() if callable(about) else about)))
    help_menu.addAction(about_action)
    acts["about"] = about_action
    return acts
