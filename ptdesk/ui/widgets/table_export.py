"""Export any table to CSV from its context menu: what the view shows, as it is sorted and
filtered, its visible columns under their headers (the words on screen, not internal values).

One line per table: `install_csv_export(view, "board")`. Exporting needs the export
permission (billers and office managers, issue 12): for anyone else the menu item is
disabled with the reason, and the export is refused before anything is written; each export
is recorded in the audit trail.
"""

import csv
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QTableView, QWidget

from ptdesk.domain.errors import DomainError
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import exporting
from ptdesk.ui.widgets.permission_guard import guard

AskPath = Callable[[QWidget, str], str | None]


def _text(model: QAbstractItemModel, row: int, col: int) -> str:
    idx = model.index(row, col)
    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
        value = model.data(idx, role)
        if value is not None and value != "":
            return str(value)
    return ""


def visible_columns(view: QTableView) -> list[int]:
    """Model columns in on-screen order, hidden ones left out."""
    header = view.horizontalHeader()
    model = view.model()
    cols = [c for c in range(model.columnCount()) if not view.isColumnHidden(c)]
    return sorted(cols, key=header.visualIndex)


def model_rows(model: QAbstractItemModel, columns: list[int]) -> list[list[str]]:
    head = [str(model.headerData(c, Qt.Orientation.Horizontal,
                                 Qt.ItemDataRole.DisplayRole) or "") for c in columns]
    body = [[_text(model, r, c) for c in columns] for r in range(model.rowCount())]
    return [head, *body]


def write_view_csv(view: QTableView, path: Path) -> int:
    """Write the view's rows (header first); returns the data rows written."""
    rows = model_rows(view.model(), visible_columns(view))
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return len(rows) - 1


def _ask(parent: QWidget, name: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, f"Export {name} to CSV", f"{name}.csv",
                                          "CSV files (*.csv)")
    return path or None


def install_csv_export(view: QTableView, name: str, ask: AskPath | None = None) -> QAction:
    """Add "Export to CSV…" to the view's context menu (right click or the menu key)."""
    action = QAction("Export to CSV…", view)
    action.setObjectName("exportCsv")
    guard(action, Permission.EXPORT_DATA, f"Save these {name} rows as a CSV file.")

    def run() -> None:
        chosen = (ask or _ask)(view, name)
        if not chosen:
            return
        try:
            with exporting(f"{name} CSV"):
                n = write_view_csv(view, Path(chosen))
        except DomainError as exc:  # not permitted: nothing written
            QMessageBox.information(view, "Export to CSV", exc.message)
            return
        except OSError as exc:
            QMessageBox.warning(view, "Export to CSV", f"Could not write {chosen}: "
                                                       f"{exc.strerror}")
            return
        view.setStatusTip(f"{n} rows exported to {chosen}")

    def menu(at: QPoint) -> None:
        # A menu of our own (not ActionsContextMenu) so a disabled item shows its reason.
        m = QMenu(view)
        m.setToolTipsVisible(True)
        m.addActions(view.actions())
        m.exec(view.viewport().mapToGlobal(at))
        m.deleteLater()

    action.triggered.connect(run)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.customContextMenuRequested.connect(menu)
    view.addAction(action)
    return action
