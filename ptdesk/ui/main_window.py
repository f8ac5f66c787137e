"""The main window: a left navigation of pages, the page itself, and a status bar that says
which database is open. Pages are handed in by the app; the window knows none of them."""

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)


@dataclass
class PageEntry:
    key: str
    title: str
    widget: QWidget


class MainWindow(QMainWindow):
    def __init__(self, db_label: str, *, is_demo: bool = False) -> None:
        super().__init__()
        self.setWindowTitle("ptdesk — Demo clinic" if is_demo else "ptdesk")
        self._pages: list[PageEntry] = []
        self._build_ui(db_label, is_demo)
        self._connect()

    def _build_ui(self, db_label: str, is_demo: bool) -> None:
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(170)
        self.nav.setAccessibleName("Sections")
        self.stack = QStackedWidget()
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.db_status = QLabel(f"Database: {db_label}")
        self.db_status.setAccessibleName("Database in use")
        self.statusBar().addPermanentWidget(self.db_status)
        self.resize(1280, 800)

    def _connect(self) -> None:
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)

    def add_page(self, key: str, title: str, widget: QWidget) -> None:
        index = len(self._pages)
        self._pages.append(PageEntry(key, title, widget))
        self.stack.addWidget(widget)
        shortcut = QKeySequence(f"Ctrl+{index + 1}") if index < 9 else QKeySequence()
        item = QListWidgetItem(title)
        item.setToolTip(f"{title} ({shortcut.toString(QKeySequence.SequenceFormat.NativeText)})")
        self.nav.addItem(item)
        action = QAction(title, self)
        action.setShortcut(shortcut)
        action.triggered.connect(lambda: self.show_page(key))
        self.addAction(action)
        if index == 0:
            self.nav.setCurrentRow(0)

    def add_global_shortcut(self, sequence: QKeySequence | str, handler: object) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(sequence))
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(handler)
        self.addAction(action)
        return action

    def page(self, key: str) -> QWidget:
        return next(p.widget for p in self._pages if p.key == key)

    def show_page(self, key: str) -> QWidget:
        for i, entry in enumerate(self._pages):
            if entry.key == key:
                self.nav.setCurrentRow(i)
                return entry.widget
        raise KeyError(key)

    def current_page_key(self) -> str:
        return self._pages[self.stack.currentIndex()].key

    def closeEvent(self, event: QCloseEvent) -> None:
        for entry in self._pages:
            close = getattr(entry.widget, "shutdown", None)
            if callable(close):
                close()
        super().closeEvent(event)
