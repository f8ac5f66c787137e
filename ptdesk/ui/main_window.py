"""The main window: a left navigation of pages, the page itself, and a status bar that says
which database is open. Pages are handed in by the app; the window knows none of them.

A page may be handed in as a factory (a callable returning the widget): it is built the first
time it is shown or asked for (`page`, `show_page`), so start-up builds only the first page
(issue 3). Until then an empty placeholder holds its place in the stack.

With `restore_state(settings)` the window remembers its size, the last page and each built
page's splitters and column widths (`window_state`), saved when it closes. Told that page
first (`start_page`, read before the pages are added), it builds that page only, not the
first one as well (issue 9 #3: a desk that left off on Patients does not build Today).
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
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

from ptdesk.ui.window_state import restore_views, save_views

PageFactory = Callable[[], QWidget]


@dataclass
class PageEntry:
    key: str
    title: str
    widget: QWidget  # the placeholder until a factory's page is built
    factory: PageFactory | None = None  # set until the page is built

    @property
    def built(self) -> bool:
        return self.factory is None


class MainWindow(QMainWindow):
    def __init__(self, db_label: str, *, is_demo: bool = False,
                 start_page: str | None = None) -> None:
        super().__init__()
        self._start_page = start_page
        self.setWindowTitle("ptdesk — Demo clinic" if is_demo else "ptdesk")
        self._pages: list[PageEntry] = []
        self.page_actions: list[QAction] = []  # Ctrl+1 ... in page order (the Go menu)
        self._settings: QSettings | None = None
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
        self.backup_status = QLabel("")
        self.backup_status.setAccessibleName("Last backup")
        self.backup_status.setContentsMargins(24, 0, 6, 0)  # apart from the database name
        self.statusBar().addPermanentWidget(self.backup_status)
        self.resize(1280, 800)

    def set_backup_status(self, text: str) -> None:
        """When the last backup was (the app fills it in after the daily backup)."""
        self.backup_status.setText(text)

    def _connect(self) -> None:
        self.nav.currentRowChanged.connect(self._row_changed)

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self._pages):
            self._build(self._pages[row])
        self.stack.setCurrentIndex(row)

    def _build(self, entry: PageEntry) -> QWidget:
        if entry.factory is None:
            return entry.widget
        widget = entry.factory()  # raises: the placeholder stays and the next show tries again
        index = self.stack.indexOf(entry.widget)
        placeholder, entry.widget, entry.factory = entry.widget, widget, None
        self.stack.insertWidget(index, widget)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        if self._settings is not None:
            restore_views(widget, self._settings, f"views/{entry.key}")
        return widget

    def add_page(self, key: str, title: str, page: QWidget | PageFactory) -> None:
        """Add a page: a widget, or a factory that builds it when it is first shown."""
        index = len(self._pages)
        if isinstance(page, QWidget):
            entry = PageEntry(key, title, page)
        else:
            entry = PageEntry(key, title, QWidget(), page)
        self._pages.append(entry)
        self.stack.addWidget(entry.widget)
        shortcut = QKeySequence(f"Ctrl+{index + 1}") if index < 9 else QKeySequence()
        item = QListWidgetItem(title)
        item.setToolTip(f"{title} ({shortcut.toString(QKeySequence.SequenceFormat.NativeText)})")
        self.nav.addItem(item)
        action = QAction(f"&{title}", self)
        action.setShortcut(shortcut)
        self.page_actions.append(action)
        action.triggered.connect(lambda: self.show_page(key))
        self.addAction(action)
        if key == self._start_page and index > 0:
            self.show_page(key)
        elif index == 0:
            if self._start_page in (None, key):
                self.nav.setCurrentRow(0)
            else:  # shown (and built) only if the start page never comes
                self.nav.blockSignals(True)
                self.nav.setCurrentRow(0)
                self.nav.blockSignals(False)

    def add_global_shortcut(self, sequence: QKeySequence | str, handler: object) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(sequence))
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(handler)
        self.addAction(action)
        return action

    def page(self, key: str) -> QWidget:
        """The page's widget, built now if it was handed in as a factory."""
        return self._build(self._entry(key))

    def is_built(self, key: str) -> bool:
        return self._entry(key).built

    def _entry(self, key: str) -> PageEntry:
        for entry in self._pages:
            if entry.key == key:
                return entry
        raise KeyError(key)

    def show_page(self, key: str) -> QWidget:
        entry = self._entry(key)
        self.nav.setCurrentRow(self._pages.index(entry))
        return self._build(entry)  # built by the row change; again if that raised

    def current_page_key(self) -> str:
        return self._pages[self.stack.currentIndex()].key

    def restore_state(self, settings: QSettings) -> None:
        """Size, place and last page from `settings` (and remember them there on close)."""
        self._settings = settings
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(QByteArray(geometry))
        for entry in self._pages:
            if entry.built:
                restore_views(entry.widget, settings, f"views/{entry.key}")
        key = settings.value("window/page")
        if isinstance(key, str) and any(e.key == key for e in self._pages):
            self.show_page(key)
        self._start_page = None  # from now on pages are added as usual
        if self._pages:  # the start page never came: the current one is built now
            row = max(self.nav.currentRow(), 0)
            self._build(self._pages[row])
            self.stack.setCurrentIndex(row)

    def _save_state(self) -> None:
        if self._settings is None:
            return
        self._settings.setValue("window/geometry", self.saveGeometry())
        self._settings.setValue("window/page", self.current_page_key())
        for entry in self._pages:
            if entry.built:
                save_views(entry.widget, self._settings, f"views/{entry.key}")
        self._settings.sync()
        # Only this account reads what this desk's window remembers (Qt writes 0644).
        with contextlib.suppress(OSError):
            Path(self._settings.fileName()).chmod(0o600)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_state()
        for entry in self._pages:
            if not entry.built:
                continue
            close = getattr(entry.widget, "shutdown", None)
            if callable(close):
                close()
        super().closeEvent(event)
